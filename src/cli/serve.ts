// `dpp serve`: the passport server on the embedded store, over http or https.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, operatorCheck } from '../http/app.js';
import { createMirrorApp } from '../http/mirror-app.js';
import { openLevelStore } from '../storage/level-store.js';
import { getJson } from '../storage/store.js';
import { didWebFromOrigin } from '../did/did-web.js';
import { ensureDidWeb } from '../vc/agent.js';
import { veramoSigner } from '../vc/veramo-plugin.js';
import { createCredentialRepository, type CredentialRepository } from '../storage/credential-repository.js';
import { createSubjectRegistry } from '../ledger/subjects.js';
import { createLedger, type Ledger } from '../ledger/ledger.js';
import type { Signer } from '../vc/signer.js';
import { buildBundle } from '../ledger/bundle.js';
import { createMerkleLog, formatCheckpoint, formatVerifierKey, signNote } from '../log/index.js';
import { ed25519PublicKeyToMultibase } from '../did/multibase.js';
import { qrCode } from '../gs1/qr-code.js';
import { createWriteGate, inactiveWith } from '../ledger/write-gate.js';
import { createRegistry } from '../ledger/registry.js';
import { openPartyDirectory } from '../ledger/parties.js';
import { createStatusLists } from '../ledger/status-lists.js';
import { createContactStore } from '../storage/contact-store.js';
import { createChallengeStore, createNonceStore } from '../vc/request-signature.js';
import { statusRoutes } from '../http/status-routes.js';
import { rawJsonBody, requireSignedRequest } from '../http/signed-request.js';
import type { JsonObject } from '../vc/credential.js';
import { openNode, storedNoteSigner, type Node } from './node.js';
import { seedDemo } from './demo.js';
import { readTrustFile } from './trust.js';
import { verifyPassport } from '../verify/passport.js';
import { sharedProofPool } from '../vc/proof-pool.js';
import { storeCheckpointStore } from '../storage/seen-checkpoints.js';
import { networkFetch } from './network.js';
import { untpDir } from './verify.js';
import { MIRROR_KEYS, openMirrorState, type HeldCheckpoint } from './mirror.js';
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
  /** A JSON file `{"registrars": ["did:…", …]}`: whose company-prefix licences this server accepts. */
  trust?: string;
}

/** The registrars a trust file names. */
/** An http(s) server listening on `host:port` (port 0: any free port), not yet handling requests. */
async function listen(options: { port: number; host: string; tlsCert?: string; tlsKey?: string }): Promise<{ server: Server; port: number; tls: boolean }> {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw usage('--tls-cert and --tls-key go together');
  const tls = options.tlsCert ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey!) } : undefined;
  const server = tls ? createHttpsServer(tls) : createHttpServer();
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : options.port, tls: tls !== undefined };
}

export async function serve(options: ServeOptions, out: (line: string) => void = console.log): Promise<{ server: Server; close(): Promise<void> }> {
  const node = await openNode(options.data);
  // Listen first: with --port 0 the origin, and so the did:web, depends on the port we get.
  const { server, port, tls } = await listen(options).catch(async (err: unknown) => {
    await node.close();
    throw err;
  });
  const origin = options.origin ?? `${tls ? 'https' : 'http'}://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}`;
  const did = didWebFromOrigin(origin);
  await ensureDidWeb(node.agent, did);
  const logSigner = await storedNoteSigner(node.agent, node.store, 'log-key', `${new URL(origin).host}/log`);
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
  const now = () => new Date();
  const trustedRegistrars = new Set(options.trust ? readTrustFile(options.trust) : []);
  const writes = await writeSide(node, { origin, did, ledger, credentials, trustedRegistrars, now, token, signer: () => veramoSigner(context, did) });
  const bundle = (path: string) =>
    buildBundle({ ledger, log, subjects, credentials, resolveDid: (d) => node.resolver.resolve(d), fetchStatusList: node.fetchStatusList, logInfo }, origin + path);
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
    writes: writes.routes,
    statusRoutes: writes.statusRoutes,
    verifyPassport: (input, opts) =>
      verifyPassport(input, { now, checkpoints: storeCheckpointStore(node.store), trustedRegistrars: [...trustedRegistrars], fetch: networkFetch(), resolver: node.resolver, proofPool: sharedProofPool() }, { ...opts, untpDir: untpDir() }),
    logger: (entry) => console.error(JSON.stringify({ time: new Date().toISOString(), ...entry })),
  });
  server.on('request', app);
  out(`dpp-ledger serving on ${tls ? 'https' : 'http'}://${options.host}:${port} as ${did}`);
  if (!options.token && !process.env.DPP_ISSUE_TOKEN) out(`issue token (POST /credentials/issue): ${token}`);
  if (trustedRegistrars.size === 0 && !options.demo) out('no trusted registrar (--trust FILE): no GTIN can be licensed, so nothing can be minted');
  if (options.demo) {
    const demo = await seedDemo({ origin, token, store: node.store, secret: node.secret, trustedRegistrars, ledger });
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

/** The signed write side: policy gate, ownership registry, status lists, hosted parties. */
async function writeSide(
  node: Node,
  deps: { origin: string; did: string; ledger: Ledger; credentials: CredentialRepository; trustedRegistrars: Set<string>; now: () => Date; token: string; signer: () => Promise<Signer> },
) {
  const { services, store } = node;
  const sign = async (credential: JsonObject) => services.issuer.issue(credential, { signer: await deps.signer() });
  const statusLists = createStatusLists({ store, origin: deps.origin, ownDid: deps.did, random: randomBytes, now: deps.now, sign, verifyCredential: (c) => services.verifier.verifyCredential(c) });
  node.answerStatusListsWith((url) => (url.startsWith(`${deps.origin}/status/`) ? statusLists.read(url) : Promise.resolve(undefined)));
  const parties = await openPartyDirectory(store, deps.origin, node.published);
  const gate = createWriteGate({ ledger: deps.ledger, credentials: deps.credentials, registry: deps.did, trustedRegistrars: deps.trustedRegistrars, inactive: inactiveWith(services.verifier, deps.now) });
  const registry = createRegistry({
    did: deps.did,
    domain: deps.origin,
    ledger: deps.ledger,
    gate,
    verifier: services.verifier,
    challenges: createChallengeStore({ store, now: deps.now, random: randomBytes }),
    statusLists,
    contacts: createContactStore(store, node.secret),
    now: deps.now,
    async secure(credential) {
      // Both forms secure the same credential: the vc+jwt is made from the signed one, less its proof.
      const dataIntegrity = await sign(credential);
      const { proof: _proof, ...unsecured } = dataIntegrity;
      return { id: String(credential.id), dataIntegrity, jwt: await services.issuer.issue(unsecured, { signer: await deps.signer(), format: 'vc+jwt' }) };
    },
  });
  const nonces = createNonceStore({ store, now: deps.now });
  const routes = { gate, ledger: deps.ledger, registry, parties, resolver: node.resolver, nonces, now: deps.now, isOperator: operatorCheck(deps.token), reserved: (d: string) => deps.trustedRegistrars.has(d) };
  const requireActor = requireSignedRequest({ resolver: node.resolver, nonces, now: deps.now });
  return { routes, statusRoutes: statusRoutes({ lists: statusLists, requireActor, json: rawJsonBody({ limit: 16 * 1024 * 1024 }) }) };
}

export interface MirrorServeOptions {
  port: number;
  host: string;
  /** The data folder `dpp mirror` keeps its copy in. */
  mirror: string;
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * `dpp serve --mirror DIR`: what a mirror holds, read-only: the log routes over the mirrored tree with the cosigned
 * checkpoint, and the credentials. It needs no secret: it signs nothing.
 */
export async function serveMirror(options: MirrorServeOptions, out: (line: string) => void = console.log): Promise<{ server: Server; close(): Promise<void> }> {
  const folder = join(options.mirror, 'store');
  if (!existsSync(folder)) throw usage(`${options.mirror} is not a mirror's data folder (run dpp mirror <base-url> --data ${options.mirror} first)`);
  const store = await openLevelStore(folder);
  try {
    const { log, pin, held, witness } = await openMirrorState(store);
    if (!pin || !held) throw usage(`${options.mirror} holds no verified checkpoint yet (run dpp mirror <base-url> --data ${options.mirror} first)`);
    const logInfo = { origin: pin.origin, verifierKey: pin.verifierKey, did: pin.did, witnesses: witness ? [witness.verifierKey] : [] };
    const app = createMirrorApp({
      log,
      logInfo,
      checkpoint: async () => (await getJson<HeldCheckpoint>(store, MIRROR_KEYS.checkpoint))!.note,
      credentials: createCredentialRepository(store),
      logger: (entry) => console.error(JSON.stringify({ time: new Date().toISOString(), ...entry })),
    });
    const { server, port, tls } = await listen(options);
    server.on('request', app);
    out(`dpp-ledger mirror of ${pin.origin} (size ${held.size}) serving read-only on ${tls ? 'https' : 'http'}://${options.host}:${port}`);
    return {
      server,
      async close() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
