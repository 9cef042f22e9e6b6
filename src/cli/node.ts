// The composition root: opens the data folder, reads the secret, and wires store, resolver, services and agent.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLevelStore } from '../storage/level-store.js';
import { getJson, type Store } from '../storage/store.js';
import { createDidResolver, type DppDidResolver } from '../did/resolver.js';
import type { DidDocument, VerificationMethod } from '../did/did-document.js';
import { createCredentialServices, type CredentialServices } from '../vc/services.js';
import { createDppAgent, didDocumentOf, type DppAgent } from '../vc/agent.js';
import type { NoteSigner } from '../log/index.js';
import { fetchStatusListWith, networkFetch } from './network.js';

/** The key sealing private keys: SHA-256 of `DPP_SECRET`, else a 0600 key file made once in the data folder. */
export function loadSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.DPP_SECRET) return createHash('sha256').update(env.DPP_SECRET).digest('hex');
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

export interface Node {
  store: Store;
  resolver: DppDidResolver;
  services: CredentialServices;
  agent: DppAgent;
  /** Our own did:web documents, answered locally. */
  published: Map<string, DidDocument>;
  /** The 32-byte secret (hex) sealing what this node keeps private. */
  secret: string;
  fetchStatusList(url: string): Promise<unknown>;
  /** Answers status lists this process keeps itself (`read` gives undefined for others) without a request. */
  answerStatusListsWith(read: (url: string) => Promise<unknown | undefined>): void;
  /** Publishes the did.json of `did`, with `extra` verification methods listed (not for assertions). */
  publish(did: string, extra?: VerificationMethod[]): Promise<DidDocument>;
  close(): Promise<void>;
}

export async function openNode(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Node> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = loadSecret(dataDir, env);
  const store = await openLevelStore(join(dataDir, 'store'));
  const published = new Map<string, DidDocument>();
  const fetch = networkFetch(env);
  const resolver = createDidResolver({ fetch, local: (did) => published.get(did) });
  const overNetwork = fetchStatusListWith(fetch);
  let local: ((url: string) => Promise<unknown | undefined>) | undefined;
  const fetchStatusList = async (url: string) => (await local?.(url)) ?? overNetwork(url);
  const services = createCredentialServices({
    resolver,
    now: () => new Date(),
    fetchStatusList,
  });
  const agent = createDppAgent({ store, secretKeyHex: secret, didResolver: resolver.didResolver, issuer: services.issuer, verifier: services.verifier });
  return {
    store,
    resolver,
    services,
    agent,
    published,
    secret,
    fetchStatusList,
    answerStatusListsWith: (read) => void (local = read),
    async publish(did, extra = []) {
      const doc = didDocumentOf(await agent.didManagerGet({ did }));
      doc.verificationMethod = [...(doc.verificationMethod ?? []), ...extra];
      published.set(did, doc);
      return doc;
    },
    close: () => store.close(),
  };
}

/**
 * A note-signing Ed25519 key held by Veramo's key manager like every other key: created once, its kid remembered
 * in the store under `storeKey`. The log's checkpoint key and a mirror's witness key are such keys; neither is a
 * verification method for assertions.
 */
export async function storedNoteSigner(agent: DppAgent, store: Store, storeKey: string, name: string): Promise<NoteSigner> {
  // The key and its name are fixed together on first use: a log's identity must not change with the
  // port or origin it is later served on, or every mirror would see a new log.
  const stored = await getJson<{ kid: string; name: string }>(store, storeKey);
  if (stored) return noteSignerOf(agent, stored.kid, stored.name);
  const { kid } = await agent.keyManagerCreate({ kms: 'local', type: 'Ed25519' });
  await store.batch([{ type: 'put', key: storeKey, value: JSON.stringify({ kid, name }) }]);
  return noteSignerOf(agent, kid, name);
}

/** The note signer backed by the Veramo key `kid`. */
export async function noteSignerOf(agent: DppAgent, kid: string, name: string): Promise<NoteSigner> {
  const key = await agent.keyManagerGet({ kid });
  return {
    name,
    publicKey: new Uint8Array(Buffer.from(key.publicKeyHex, 'hex')),
    async sign(message) {
      return new Uint8Array(Buffer.from(await agent.keyManagerSign({ keyRef: kid, data: message as unknown as string, algorithm: 'EdDSA' }), 'base64url'));
    },
  };
}
