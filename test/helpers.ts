// Shared test wiring: a fixed clock, an in-memory agent for an organisation (did:web) and owners (did:key).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { createDidResolver } from '../src/did/resolver.js';
import { createMemoryStore } from '../src/storage/memory-store.js';
import { createCredentialServices, type CredentialServices } from '../src/vc/services.js';
import { createDppAgent, didDocumentOf, type DppAgent } from '../src/vc/agent.js';
import type { DidDocument } from '../src/did/did-document.js';
import type { Store } from '../src/storage/store.js';
import { ed25519FromSeed } from '../src/did/ed25519.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../src/did/did-key.js';
import { signerFromSeed, type Signer } from '../src/vc/signer.js';
import type { Issuer } from '../src/vc/issue.js';
import type { SubjectRegistry } from '../src/ledger/subjects.js';
import { parseDigitalLink } from '../src/gs1/index.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const TEST_SECRET = '11'.repeat(32);
export const ORG_DID = 'did:web:manufacturer.example';

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

export interface TestWorld extends CredentialServices {
  agent: DppAgent;
  store: Store;
  statusLists: Map<string, unknown>;
  clock: { now: Date };
  /** Re-publishes the organisation's did.json (after a key rotation). */
  publishDid(): Promise<void>;
}

/** One agent whose own did:web documents are resolved locally; status lists served from a map. */
export async function createWorld(): Promise<TestWorld> {
  const store = createMemoryStore();
  const published = new Map<string, DidDocument>();
  const statusLists = new Map<string, unknown>();
  const clock = { now: NOW };
  const resolver = createDidResolver({ local: (did) => published.get(did) });
  const services = createCredentialServices({
    resolver,
    now: () => clock.now,
    fetchStatusList: async (url) => {
      const list = statusLists.get(url);
      if (!list) throw new Error(`no status list at ${url}`);
      return list;
    },
  });
  const agent = createDppAgent({ store, secretKeyHex: TEST_SECRET, didResolver: resolver.didResolver, issuer: services.issuer, verifier: services.verifier });
  await agent.didManagerCreate({ provider: 'did:web', alias: 'manufacturer.example', options: { keyType: 'Ed25519' } });
  const publishDid = async () => {
    published.set(ORG_DID, didDocumentOf(await agent.didManagerGet({ did: ORG_DID })));
  };
  await publishDid();
  return { ...services, agent, store, statusLists, clock, publishDid };
}

/** Reads a PNG QR code with an independent decoder (jsQR), not the library that drew it. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  const decode = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
  return decode(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/** Lists a credential under its subject outside the ledger (tests of links and linksets only). */
export async function recordSubject(store: Store, subjects: SubjectRegistry, uri: string, credential: { id: string; type: string; name?: string; facets?: string[] }): Promise<void> {
  const prepared = await subjects.prepare(parseDigitalLink(uri), credential);
  await store.batch(prepared.operations);
  prepared.commit();
}

/** A did:key issuer from a one-byte seed, with the library's offline issuer: for credentials that verify anywhere. */
export function didKeyIssuer(seedByte: number): { did: string; signer: Signer; issuer: Issuer } {
  const pair = ed25519FromSeed(new Uint8Array(32).fill(seedByte));
  const did = didKeyFromPublicKey(pair.publicKey);
  const { issuer } = createCredentialServices({ resolver: createDidResolver(), now: () => new Date() });
  return { did, signer: signerFromSeed(didKeyVerificationMethod(did), pair.secretKey), issuer };
}

/** A TCP port free on 127.0.0.1 right now (for servers that must restart on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
