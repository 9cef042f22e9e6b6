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
import { createRecorder } from '../ledger/record.js';
import { qrCode } from '../gs1/qr-code.js';
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
  await node.publish(did);
  const token = options.token ?? process.env.DPP_ISSUE_TOKEN ?? randomBytes(24).toString('base64url');
  const credentials = createCredentialRepository(node.store);
  const subjects = createSubjectRegistry(node.store);
  const context = { agent: node.agent } as Parameters<typeof veramoSigner>[0];
  const app = createApp({
    services: node.services,
    origin,
    subjects,
    did,
    didDocument: () => node.publish(did),
    signer: () => veramoSigner(context, did),
    credentials,
    issueToken: token,
    log: (entry) => console.error(JSON.stringify({ time: new Date().toISOString(), ...entry })),
  });
  server.on('request', app);
  out(`dpp-ledger serving on ${tls ? 'https' : 'http'}://${options.host}:${port} as ${did}`);
  if (!options.token && !process.env.DPP_ISSUE_TOKEN) out(`issue token (POST /credentials/issue): ${token}`);
  if (options.demo) {
    const recorder = createRecorder({ credentials, subjects });
    const demo = await seedDemo({ store: node.store, origin, did, issuer: node.services.issuer, signer: () => veramoSigner(context, did), recorder });
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
