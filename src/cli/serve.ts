// `dpp serve`: the passport server on the embedded store, over http or https.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createApp } from '../http/app.js';
import { didWebFromOrigin } from '../did/did-web.js';
import { ensureDidWeb } from '../vc/agent.js';
import { veramoSigner } from '../vc/veramo-plugin.js';
import { createCredentialRepository } from '../storage/credential-repository.js';
import { createSubjectRegistry } from '../ledger/subjects.js';
import { createLedger } from '../ledger/ledger.js';
import { buildBundle } from '../ledger/bundle.js';
import { createMerkleLog, formatCheckpoint, formatVerifierKey, signNote, type NoteSigner } from '../log/index.js';
import { ed25519PublicKeyToMultibase } from '../did/multibase.js';
import type { DppAgent } from '../vc/agent.js';
import type { Store } from '../storage/store.js';import { qrCode } from '../gs1/qr-code.js';
import { openNode } from './node.js';
import { seedDemo } from './demo.js';
import { usage } from './usage.js';

export interface ServeOptions {
  port: number;
  host: string;
  data: string;
  origin?: string;
  token?: string;
  tlsCert?: string;
  tlsKey?: string;
  demo?: boolean;
}

export async function serve(options: ServeOptions, out: (line: string) => void = console.log): Promise<{ server: Server; close(): Promise<void> }> {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw usage('--tls-cert and --tls-key go together');
  const tls = options.tlsCert ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey!) } : undefined;
  const node = await openNode(options.data);
  // Listen first: with --port 0 the origin, and so the did:web, depends on the port we get.
  const server = tls ? createHttpsServer(tls) : createHttpServer();
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const origin = options.origin ?? `${tls ? 'https' : 'http'}://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}`;
  const did = didWebFromOrigin(origin);
  await ensureDidWeb(node.agent, did);
  const logSigner = await logNoteSigner(node.agent, node.store, `${new URL(origin).host}/log`);
  const logMethod = { id: `${did}#log`, type: 'Multikey', controller: did, publicKeyMultibase: ed25519PublicKeyToMultibase(logSigner.publicKey) };
  const publish = () => node.publish(did, [logMethod]);
  await publish();
  const logInfo = { origin: logSigner.name, verifierKey: formatVerifierKey(logSigner), did };
  const log = createMerkleLog({ store: node.store });
  await log.open();
  const token = options.token ?? process.env.DPP_ISSUE_TOKEN ?? randomBytes(24).toString('base64url');
  const credentials = createCredentialRepository(node.store);
  const subjects = createSubjectRegistry(node.store);
  const context = { agent: node.agent } as Parameters<typeof veramoSigner>[0];
  const ledger = await createLedger({
    store: node.store,
    log,
    subjects,
    credentials,
    verifier: node.services.verifier,
    signCheckpoint: (size, root) => signNote(formatCheckpoint({ origin: logSigner.name, size, root }), logSigner),
  });
  const bundle = (path: string) =>
    buildBundle({ ledger, log, subjects, credentials, resolveDid: (d) => node.resolver.resolve(d), logInfo }, origin + path);
  const app = createApp({
    ledger,
    log,
    logInfo,
    bundle,
    services: node.services,
    origin,
    subjects,
    did,
    didDocument: publish,
    signer: () => veramoSigner(context, did),
    credentials,
    issueToken: token,
    logger: (entry) => console.error(JSON.stringify({ time: new Date().toISOString(), ...entry })),
  });
  server.on('request', app);
  out(`dpp-ledger serving on ${tls ? 'https' : 'http'}://${options.host}:${port} as ${did}`);
  if (!options.token && !process.env.DPP_ISSUE_TOKEN) out(`issue token (POST /credentials/issue): ${token}`);
  if (options.demo) {
    const demo = await seedDemo({ store: node.store, origin, did, issuer: node.services.issuer, signer: () => veramoSigner(context, did), ledger });
    out(`demo product Digital Link: ${demo.digitalLink}`);
    out(await qrCode(demo.digitalLink, 'terminal'));
    out(`passport credential:       ${demo.passportUrl}`);
  }
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await node.close();
    },
  };
}

/**
 * The log's own Ed25519 key, held by Veramo's key manager like every other key: created once, its kid
 * remembered in the store. It signs checkpoints only (it is not an assertion method of the DID).
 */
async function logNoteSigner(agent: DppAgent, store: Store, name: string): Promise<NoteSigner> {
  let kid = await store.get('log-key');
  if (!kid) {
    kid = (await agent.keyManagerCreate({ kms: 'local', type: 'Ed25519' })).kid;
    await store.batch([{ type: 'put', key: 'log-key', value: kid }]);
  }
  const key = await agent.keyManagerGet({ kid });
  return {
    name,
    publicKey: new Uint8Array(Buffer.from(key.publicKeyHex, 'hex')),
    async sign(message) {
      return new Uint8Array(Buffer.from(await agent.keyManagerSign({ keyRef: kid, data: message as unknown as string, algorithm: 'EdDSA' }), 'base64url'));
    },
  };
}
