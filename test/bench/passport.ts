// Passport verification end to end: one unit whose bundle holds 20 credentials (mint, compositions at three
// levels, registration, repairs authorised and independent, two resales, a recall, a warranty, and the licence and
// accreditation they rest on), verified by verifyPassport in this process over loopback, next to the sum of 20 plain
// @digitalbazaar/vc verifications of exactly those credentials measured in the same run, and as `dpp verify` wall
// time in a fresh process. The server runs in a child process (this file with --serve-world), so the figures and the
// CPU profile below are the verifier's alone. Then where the time goes: the same work taken apart step by step
// (substitution), and a CPU profile by package. Figures only: a missed target is reported, never a non-zero exit.
//
//   node dist/test/bench/passport.js               this part of the bench alone
//   node dist/test/bench/passport.js --serve-world the world (used by the above): prints one WORLD {json} line
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as rdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyPassport } from '../../src/verify/passport.js';
import { memoryCheckpointStore } from '../../src/verify/checkpoints.js';
import { networkFetch } from '../../src/cli/network.js';
import { createDidResolver } from '../../src/did/resolver.js';
import type { DidDocument } from '../../src/did/did-document.js';
import type { FetchLike } from '../../src/did/did-web.js';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';
import { loadBundledSchemas } from '../../src/vc/schema.js';
import { createVerifier } from '../../src/vc/verify.js';
import { sharedProofPool } from '../../src/vc/proof-pool.js';
import { createCredentialServices } from '../../src/vc/services.js';
import { isObject, issuerId, subjectOf, typesOf, type JsonObject } from '../../src/vc/credential.js';
import { formatDigitalLink, parseDigitalLink } from '../../src/gs1/index.js';
import type { PassportBundle } from '../../src/ledger/bundle.js';
import type { PassportReport } from '../../src/verify/types.js';

const RUNS = Number(process.env.BENCH_PASSPORT_RUNS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_PASSPORT_WARMUP ?? 3);
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const PROFILE_RUNS = Number(process.env.BENCH_PASSPORT_PROFILE_RUNS ?? 5);
export const PASSPORT_RATIO_TARGET = 1.2;
export const PASSPORT_CLI_TARGET_MS = 2000;
const EXPECTED = 20;

export interface PassportBenchFigures {
  credentials: number;
  verified: boolean;
  inProcess: { median: number; mean: number; n: number; first: number };
  plainSum: { median: number; mean: number; n: number };
  /** median(in process) / median(plain sum). */
  ratio: number;
  cli: { median: number; min: number; n: number; exit: number; first: string };
}

interface WorldInfo {
  origin: string;
  link: string;
  trustFile: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The world (child process): the lifecycle world's server, and one unit driven through its life by the agents.

async function serveWorld(): Promise<void> {
  const { startLifecycleWorld, unitLink, PASSPORT, WARRANTY, GTIN } = await import('../lifecycle-world.js');
  const { createRepairer } = await import('../../agents/repairer.js');
  const { createOwner } = await import('../../agents/owner.js');
  const world = await startLifecycleWorld();
  const m = world.manufacturer;
  const unit = unitLink('BENCH-20', 'LB');
  const batch = `https://id.gs1.org/01/${GTIN}/10/LB`;
  const model = `https://id.gs1.org/01/${GTIN}`;
  const material = (name: string, massFraction: number) => ({ materialProvenance: [{ name, massFraction, hazardous: false, criticalRawMaterial: false }] });
  // Item chain: KeyCredential, passport, warranty (mint); product chain: the GTIN's KeyCredential (the world's).
  await m.mint({ digitalLink: unit, passport: PASSPORT, warranty: WARRANTY });
  await m.compose(unit, material('Steel', 0.6));
  await m.compose(batch, material('Copper', 0.1));
  await m.compose(model, material('Aluminium', 0.2));
  const fixit = createRepairer(await world.party('fixit'));
  const cornerShop = createRepairer(await world.party());
  const accreditation = await m.accredit(fixit.actor.did, 'Fixit', [GTIN]);
  const [alice, bob, carol] = [createOwner(await world.party()), createOwner(await world.party()), createOwner(await world.party())];
  await alice.register(unit);
  await fixit.repair(unit, { serviceDate: '2026-02-01', fault: 'E27', workDone: 'Replaced the compressor', partReplaced: [{ gtin: '09506000134369', itemNumber: 'CMP-1', name: 'Compressor' }], firmwareUpdated: true, firmwareVersion: '1.1.0', accreditation: accreditation.id });
  await cornerShop.repair(unit, { serviceDate: '2026-03-01', fault: 'Drain blocked', workDone: 'Cleaned the drain', firmwareUpdated: false });
  await alice.transfer(unit, bob.actor.did);
  const { notice } = await m.recall({ batch: unit }, { reason: 'Connector may overheat', remedy: 'Replace the connector' });
  await fixit.repair(unit, { serviceDate: '2026-04-01', fault: 'Recall', workDone: 'Replaced the connector', firmwareUpdated: false, accreditation: accreditation.id, remediesRecall: notice.id });
  await m.remedy(unit);
  await bob.transfer(unit, carol.actor.did);
  await m.warranty(unit, { ...WARRANTY, warrantyTerms: 'Extended parts warranty', warrantyPeriod: 'P1Y' });
  await cornerShop.repair(unit, { serviceDate: '2026-05-01', fault: 'Noisy fan', workDone: 'Cleaned the fan', firmwareUpdated: false });
  const link = formatDigitalLink(parseDigitalLink(unit), { stem: world.origin });
  const info: WorldInfo = { origin: world.origin, link, trustFile: world.trustFile };
  process.stdout.write(`WORLD ${JSON.stringify(info)}\n`);
  // Stops when the parent closes our standard input (or dies).
  process.stdin.resume();
  process.stdin.on('end', () => {
    world.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

function startWorld(): Promise<{ child: ChildProcess; info: WorldInfo }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-world'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = /^WORLD (.*)$/m.exec(out)?.[1];
      if (line) resolve({ child, info: JSON.parse(line) as WorldInfo });
    });
    child.once('exit', (code) => reject(new Error(`the bench world exited with ${code} before it was ready`)));
  });
}

function stopWorld(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill(), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin!.end();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const ms = (n: number) => n.toFixed(1);

/** `fn`'s wall time in ms. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Every fetch of a run: what was asked, when, for how long (the body is read before networkFetch returns). */
interface FetchRecord {
  url: string;
  start: number;
  end: number;
}

function recordingFetch(inner: FetchLike, log: FetchRecord[]): FetchLike {
  return async (url, init) => {
    const start = performance.now();
    try {
      return await inner(url, init);
    } finally {
      log.push({ url, start, end: performance.now() });
    }
  };
}

/** Time covered by at least one request (overlapping requests counted once). */
function unionMs(records: readonly FetchRecord[]): number {
  const sorted = [...records].sort((a, b) => a.start - b.start);
  let total = 0;
  let [from, to] = [-Infinity, -Infinity];
  for (const r of sorted) {
    if (r.start > to) {
      if (to > from) total += to - from;
      [from, to] = [r.start, r.end];
    } else to = Math.max(to, r.end);
  }
  if (to > from) total += to - from;
  return total;
}

function fetchKind(url: string): string {
  const u = new URL(url);
  if (u.pathname.endsWith('/did.json')) return 'DID documents';
  if (u.searchParams.get('linkType') === 'linkset') return 'linkset';
  if (u.pathname.startsWith('/bundle/')) return 'bundle';
  if (u.pathname.startsWith('/status/')) return 'status lists';
  if (u.pathname.startsWith('/log/')) return `log ${u.pathname.split('/')[2] ?? ''}`.trim();
  return u.pathname.split('/').slice(0, 2).join('/') || '/';
}

function dpp(cli: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  // Asynchronous: a synchronous spawn would block this process's event loop (harmless here, the server being a
  // child, but a trap if the world ever moves in process).
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, cli, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function node(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile(process.execPath, args, (err) => (err ? reject(err) : resolve())));
}

// ---------------------------------------------------------------------------------------------------------------
// CPU profile, by package.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** First rule (leaf to root) whose test matches a frame decides the sample's category. */
const CATEGORY_RULES: [string, (url: string, name: string) => boolean][] = [
  ['RDF canonicalization (rdf-canonize)', (u) => u.includes('/rdf-canonize/')],
  ['JSON-LD expansion, toRDF (jsonld)', (u) => u.includes('/jsonld/')],
  ['proof suites + Ed25519 (jsonld-signatures, @digitalbazaar/*, src/did/ed25519)', (u) => u.includes('/jsonld-signatures/') || u.includes('/@digitalbazaar/') || u.includes('/@noble/') || u.includes('/base58-universal/') || u.includes('/base64url-universal/') || u.includes('/src/did/ed25519.js')],
  ['HTTP client (fetch, undici, streams, src/cli/network, src/verify/fetch)', (u) => u.includes('/src/cli/network.js') || u.includes('/src/verify/fetch.js') || u.includes('undici') || u.startsWith('node:internal/webstreams') || u.startsWith('node:net') || u.startsWith('node:internal/stream')],
  ['JSON Schema: Ajv set-up, compile, validate', (u) => u.includes('/ajv') || u.includes('/fast-uri/') || u.includes('/src/vc/schema.js')],
  ['JCS digests (src/vc/jcs)', (u) => u.includes('/src/vc/jcs.js') || u.includes('/canonicalize/')],
  ['bundled contexts and schemas read (src/assets, fs, JSON.parse)', (u) => u.includes('/src/assets.js') || u.includes('/src/vc/document-loader.js')],
  ['our credential checks (src/vc: data model, status lists, proof wrapper)', (u) => u.includes('/src/vc/')],
  ['passport checks (src/verify: chain, log, report)', (u) => u.includes('/src/verify/')],
  ['log proofs, checkpoints (src/log)', (u) => u.includes('/src/log/')],
  ['policy, authority, unit state (src/ledger)', (u) => u.includes('/src/ledger/')],
  ['GS1 Digital Link parsing (src/gs1)', (u) => u.includes('/src/gs1/')],
  ['DID resolution (src/did)', (u) => u.includes('/src/did/')],
  ['other src', (u) => u.includes('/src/')],
  ['garbage collection', (_u, n) => n === '(garbage collector)'],
  ['idle (waiting: server, loopback)', (_u, n) => n === '(idle)'],
  ['(program): V8, native, unattributed', (_u, n) => n === '(program)'],
];

interface ProfileSummary {
  /** Category → ms per run. */
  byCategory: Map<string, number>;
  /** Function (self time) → ms per run. */
  topSelf: [string, number][];
  /** ms per run profiled. */
  total: number;
}

async function profileRuns(runs: number, fn: () => Promise<unknown>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    for (let i = 0; i < runs; i++) await fn();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    return summarise(profile, runs);
  } finally {
    session.disconnect();
  }
}

const MODULE_LOADING = 'loading and evaluating modules (node:internal/modules)';

/** With `modules`, a sample taken while any module was being loaded or evaluated counts as module loading. */
function summarise(profile: Profile, runs: number, modules = false): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string>();
  const category = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    let found = 'other (node internals)';
    if (modules) {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        if (byId.get(at)!.callFrame.url.startsWith('node:internal/modules/')) {
          categoryOf.set(id, MODULE_LOADING);
          return MODULE_LOADING;
        }
      }
    }
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      const rule = CATEGORY_RULES.find(([, test]) => test(url, functionName));
      if (rule) {
        found = rule[0];
        break;
      }
    }
    categoryOf.set(id, found);
    return found;
  };
  const byCategory = new Map<string, number>();
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000 / runs;
    const c = category(id);
    byCategory.set(c, (byCategory.get(c) ?? 0) + dt);
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const topSelf = [...self].sort((a, b) => b[1] - a[1]).slice(0, 14);
  return { byCategory, topSelf, total: [...byCategory.values()].reduce((x, y) => x + y, 0) };
}

// ---------------------------------------------------------------------------------------------------------------
// The bench.

export async function benchPassport(): Promise<PassportBenchFigures> {
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  process.stderr.write('passport verification (world in a child process)\n');
  const built = performance.now();
  const { child, info } = await startWorld();
  const homes: string[] = [];
  try {
    const buildS = (performance.now() - built) / 1000;
    const trustedRegistrars = (JSON.parse(readFileSync(info.trustFile, 'utf8')) as { registrars: string[] }).registrars;
    const http = networkFetch({ DPP_DID_WEB_HTTP: '1' });

    // The bundle, as served: the 20 credentials, their DID documents and status lists.
    const bundleUrl = `${info.origin}/bundle${new URL(info.link).pathname}`;
    const bundle = (await (await http(bundleUrl, { headers: { accept: 'application/json' } })).json()) as PassportBundle;
    const credentials: JsonObject[] = [...bundle.chains.flatMap((c) => c.events.map((e) => e.credential)), ...bundle.references.map((r) => r.credential)];
    const byType = new Map<string, number>();
    for (const c of credentials) {
      const type = typesOf(c).find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    if (credentials.length !== EXPECTED) process.stderr.write(`  WARNING: the bundle holds ${credentials.length} credentials, not ${EXPECTED}\n`);
    const authorisations = credentials.map((c) => subjectOf(c).authorization).filter(isObject);
    const statusUrls = Object.keys(bundle.statusLists);

    // DID documents fetched once, served from memory to the plain loop and the step-by-step variants.
    const online = createDidResolver({ fetch: http });
    const documents = new Map<string, DidDocument>();
    const issuers = new Set([...credentials, ...authorisations, ...Object.values(bundle.statusLists).filter(isObject)].map((c) => String(issuerId(c))));
    for (const did of issuers) if (did.startsWith('did:web:')) documents.set(did, await online.resolve(did));
    const memory = createDidResolver({ local: (did) => documents.get(did) });
    const contexts = loadBundledContexts();
    const documentLoader = createDocumentLoader({ contexts, dereferenceDid: memory.dereference });
    const lists = bundle.statusLists;
    const listOf = (url: string) => (url in lists ? Promise.resolve(lists[url]) : Promise.reject(new Error(`no copy of ${url}`)));

    // (b) the plain stack: exactly these 20, proofs only (a no-op checkStatus: vc refuses credentialStatus without one).
    const noStatus = async () => ({ verified: true });
    const plainVerify = (credential: JsonObject) =>
      vc.verifyCredential({ credential, suite: new DataIntegrityProof({ cryptosuite: rdfc2022 }), documentLoader, checkStatus: noStatus, now: new Date() });
    for (const credential of credentials) {
      const r = await plainVerify(credential);
      if (!r.verified) process.stderr.write(`  WARNING: plain vc.verifyCredential failed on ${String(credential.id)}: ${JSON.stringify(r.error ?? r.results).slice(0, 300)}\n`);
    }
    const plainSum = async () => {
      for (const credential of credentials) await plainVerify(credential);
    };

    // (a) verifyPassport online, a fresh checkpoint store each run; its requests recorded.
    let requests: FetchRecord[] = [];
    let lastReport: PassportReport | undefined;
    const online20 = async () => {
      requests = [];
      lastReport = await verifyPassport(
        { digitalLink: info.link },
        { now: () => new Date(), checkpoints: memoryCheckpointStore(), trustedRegistrars, fetch: recordingFetch(http, requests), proofPool: sharedProofPool() },
      );
    };
    // (a1) the same on this thread alone: no proof workers.
    const online20OneThread = async () => {
      await verifyPassport(
        { digitalLink: info.link },
        { now: () => new Date(), checkpoints: memoryCheckpointStore(), trustedRegistrars, fetch: recordingFetch(http, []) },
      );
    };
    const first = await timed(online20);
    const report = lastReport!;
    if (!report.verified) process.stderr.write(`  WARNING: verifyPassport did not verify: ${JSON.stringify(report.checks.filter((c) => c.status === 'fail')).slice(0, 600)}\n`);
    if (report.credentials.length !== credentials.length) process.stderr.write(`  WARNING: verifyPassport reported ${report.credentials.length} credentials\n`);

    // Step by step, each step adding one thing to the previous (same credentials, no network unless said):
    const schemas = loadBundledSchemas();
    const ours = createVerifier({ contexts, schemas, resolver: memory, now: () => new Date() });
    // 1. our verifier on the 20, status not checked, verifier and compiled schemas reused;
    const oursNoStatus = async () => {
      for (const credential of credentials) await ours.verifyCredential(credential);
    };
    // 2. + status: a fresh verifier each pass (so each list is verified once a pass), schemas still compiled;
    const oursStatus = async () => {
      const v = createVerifier({ contexts, schemas, resolver: memory, now: () => new Date(), fetchStatusList: listOf });
      for (const credential of credentials) await v.verifyCredential(credential);
    };
    // 3. + what verifyPassport sets up each run: createCredentialServices (contexts read, a new Ajv, schemas compiled on use);
    const oursServices = async () => {
      const { verifier } = createCredentialServices({ resolver: memory, now: () => new Date(), fetchStatusList: listOf });
      for (const credential of credentials) await verifier.verifyCredential(credential);
    };
    // (3 in part: a new schema registry checking what verifyPassport checks, against the same with a warm one.)
    const checked = [...credentials, ...Object.values(lists).filter(isObject), ...authorisations];
    const schemasFresh = async () => {
      const registry = loadBundledSchemas();
      for (const c of checked) registry.check(c);
    };
    const schemasWarm = async () => {
      for (const c of checked) schemas.check(c);
    };
    // 4. + the passport's own checks: verifyPassport on the bundle, offline (the bundle's DID documents and lists);
    const offline20 = async () => {
      await verifyPassport({ bundle }, { now: () => new Date(), checkpoints: memoryCheckpointStore(), trustedRegistrars, proofPool: sharedProofPool() });
    };
    // 5. + the network: verifyPassport online, (a).
    const variants: [string, () => Promise<unknown>][] = [
      ['online', online20],
      ['online1', online20OneThread],
      ['plain', plainSum],
      ['oursNoStatus', oursNoStatus],
      ['oursStatus', oursStatus],
      ['oursServices', oursServices],
      ['offline', offline20],
      ['schemasFresh', schemasFresh],
      ['schemasWarm', schemasWarm],
    ];
    const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    const fetchStats: { count: number; union: number; byKind: Map<string, number> }[] = [];
    for (const [, fn] of variants) for (let i = 0; i < WARMUP; i++) await fn();
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`  round ${round}/${ROUNDS}: verifyPassport vs plain sum vs steps, ${RUNS} runs each\n`);
      for (const [name, fn] of variants) {
        for (let i = 0; i < RUNS; i++) {
          samples.get(name)!.push(await timed(fn));
          if (name === 'online') {
            const byKind = new Map<string, number>();
            for (const r of requests) byKind.set(fetchKind(r.url), (byKind.get(fetchKind(r.url)) ?? 0) + 1);
            fetchStats.push({ count: requests.length, union: unionMs(requests), byKind });
          }
        }
      }
    }
    const fig = (name: string) => {
      const s = samples.get(name)!;
      return { median: median(s), mean: mean(s), n: s.length };
    };
    const a = fig('online');
    const b = fig('plain');
    const ratio = a.median / b.median;

    // Where the time goes: CPU profiles of verifyPassport online and of the plain sum, by package.
    process.stderr.write(`  CPU profiles (${PROFILE_RUNS} runs each)\n`);
    const profOnline = await profileRuns(PROFILE_RUNS, online20);
    const profPlain = await profileRuns(PROFILE_RUNS, plainSum);

    // (c) `dpp verify` in a fresh process, each run with a fresh DPP_HOME (no checkpoint seen before, as in (a)).
    process.stderr.write(`  dpp verify (${CLI_RUNS} runs)\n`);
    const env = (home: string): NodeJS.ProcessEnv => ({ ...process.env, DPP_DID_WEB_HTTP: '1', DPP_HOME: home });
    const home = () => {
      const dir = mkdtempSync(join(tmpdir(), 'dpp-bench-home-'));
      homes.push(dir);
      return dir;
    };
    await node(['-e', '0']);
    await dpp(cli, ['verify', info.link, '--trust', info.trustFile], env(home())); // untimed: warms the file cache
    const bare: number[] = [];
    const loadOnly: number[] = [];
    const cliTimes: number[] = [];
    let exit = 0;
    let firstLine = '';
    const missing = join(tmpdir(), 'dpp-bench-no-such-file.json');
    for (let i = 0; i < CLI_RUNS; i++) {
      bare.push(await timed(() => node(['-e', '0'])));
      // Start-up and the verify command's modules, then an input error (exit 2): everything but the verification.
      loadOnly.push(await timed(() => dpp(cli, ['verify', missing, '--trust', info.trustFile], env(home()))));
      const e = env(home());
      const t = performance.now();
      const run = await dpp(cli, ['verify', info.link, '--trust', info.trustFile], e);
      cliTimes.push(performance.now() - t);
      exit = run.code;
      firstLine = (run.stdout || run.stderr).split('\n')[0] ?? '';
    }
    const cliMedian = median(cliTimes);
    // One more, under --cpu-prof: where a cold process spends its time.
    const profDir = home();
    const profStart = performance.now();
    await dpp(cli, ['verify', info.link, '--trust', info.trustFile], env(home()), ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '200']);
    const profWall = performance.now() - profStart;
    const profFile = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    const profCli = profFile ? summarise(JSON.parse(readFileSync(join(profDir, profFile), 'utf8')) as Profile, 1, true) : undefined;

    // Output.
    console.log('');
    console.log(`Passport verification: one unit, ${credentials.length} credentials in its bundle (world built in ${buildS.toFixed(1)} s; server in a child process on ${info.origin})`);
    console.log(`  ${info.link}`);
    console.log(`  by type: ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')}`);
    console.log(`  chains: ${bundle.chains.map((c) => `${c.unit} ${c.events.length}`).join('; ')}; references ${bundle.references.length}`);
    console.log(`  verified besides by verifyPassport (not in the plain sum): ${statusUrls.length} status list credentials (${statusUrls.map((u) => new URL(u).pathname).join(', ')}), ${authorisations.length} transfer authorisations`);
    console.log(`  verdict: ${report.verified ? 'VERIFIED' : 'NOT VERIFIED'}, ${report.checks.filter((c) => c.status === 'fail').length} failed, ${report.checks.filter((c) => c.status === 'warn').length} warnings (${[...new Set(report.checks.filter((c) => c.status === 'warn').map((c) => c.code))].join(', ')}); first in-process run (cold) ${ms(first)} ms`);
    console.log(`  ${WARMUP} warm-up runs per variant, then ${ROUNDS} alternating rounds of ${RUNS} runs each`);
    console.log('');
    console.log('Figure                                                 median ms    mean ms      n');
    console.log('-----------------------------------------------------  -----------  -----------  ---');
    const row = (label: string, f: { median: number; mean: number; n: number }) => console.log(`${label.padEnd(53)}  ${ms(f.median).padEnd(11)}  ${ms(f.mean).padEnd(11)}  ${f.n}`);
    row(`(a) verifyPassport online, in process (loopback)`, a);
    row(`(b) sum of ${credentials.length} plain vc.verifyCredential (no status)`, b);
    console.log(`${'(a)/(b)'.padEnd(53)}  ${ratio.toFixed(3).padEnd(11)}  ${(a.mean / b.mean).toFixed(3).padEnd(11)}  target <= ${PASSPORT_RATIO_TARGET}: ${ratio <= PASSPORT_RATIO_TARGET ? 'met' : 'NOT MET'}`);
    const a1 = fig('online1');
    row(`(a1) the same on one thread (no proof pool)`, a1);
    console.log(`${'(a1)/(b)'.padEnd(53)}  ${(a1.median / b.median).toFixed(3).padEnd(11)}  ${(a1.mean / b.mean).toFixed(3).padEnd(11)}  (proofs on ${sharedProofPool()?.size ?? 0} worker threads in (a))`);
    const cliRow = (label: string, times: number[]) => console.log(`${label.padEnd(53)}  ${ms(median(times)).padEnd(11)}  ${ms(mean(times)).padEnd(11)}  ${times.length}`);
    cliRow('(c) dpp verify <link> --trust, wall incl. start-up', cliTimes);
    console.log(`${''.padEnd(53)}  target < ${PASSPORT_CLI_TARGET_MS} ms: ${cliMedian < PASSPORT_CLI_TARGET_MS ? 'met' : 'NOT MET'} (exit ${exit}: ${firstLine})`);
    cliRow('    node -e 0 (start-up alone)', bare);
    cliRow('    dpp verify <missing file> (start-up + modules)', loadOnly);

    // Step by step: each line adds one thing to the line above.
    const steps: [string, string][] = [
      ['plain', `${credentials.length} x plain vc.verifyCredential, proofs only`],
      ['oursNoStatus', `${credentials.length} x our verifyCredential, status unchecked, warm verifier`],
      ['oursStatus', `+ status lists (${statusUrls.length} lists verified once a pass)`],
      ['oursServices', '+ createCredentialServices per run (Ajv, schemas)'],
      ['offline', '+ passport checks: verifyPassport on the bundle, offline'],
      ['online', '+ network: verifyPassport online = (a)'],
    ];
    console.log('');
    console.log(`Where the time goes, step by step (medians; each step adds to the one above)      ms      +ms    x(b)`);
    let previous = 0;
    for (const [name, label] of steps) {
      const f = fig(name);
      console.log(`  ${label.padEnd(76)}  ${ms(f.median).padStart(6)}  ${(name === 'plain' ? '' : (f.median - previous >= 0 ? '+' : '') + ms(f.median - previous)).padStart(7)}  ${(f.median / b.median).toFixed(2).padStart(5)}`);
      previous = f.median;
    }
    const net = fetchStats.length ? { count: median(fetchStats.map((s) => s.count)), union: median(fetchStats.map((s) => s.union)) } : { count: 0, union: 0 };
    const kinds = new Map<string, number>();
    for (const s of fetchStats) for (const [k, n] of s.byKind) kinds.set(k, (kinds.get(k) ?? 0) + n);
    const idle = profOnline.byCategory.get('idle (waiting: server, loopback)') ?? 0;
    console.log(`  of step 3: a new Ajv compiling the schemas of the ${checked.length} credentials verifyPassport checks ${ms(fig('schemasFresh').median)} ms, against ${ms(fig('schemasWarm').median)} ms for checking them with the schemas compiled`);
    console.log(`  online: ${net.count} requests a run (${[...kinds].map(([k, n]) => `${k} ${n / fetchStats.length}`).join(', ')}), some in flight at any time for ${ms(net.union)} ms`);
    console.log(`    (their answers wait on the CPU work meanwhile: what the network costs is (a) minus the offline step above, and ${ms(idle)} ms idle in the profile)`);
    const compile = fig('schemasFresh').median - fig('schemasWarm').median;
    console.log(`  projected (a) with the schemas compiled once per process rather than per run: ${ms(a.median - compile)} ms, (a)/(b) ${((a.median - compile) / b.median).toFixed(2)}`);
    console.log(`  dpp verify: ${ms(median(bare))} ms Node start-up, ${ms(median(loadOnly) - median(bare))} ms loading the command's modules, ${ms(cliMedian - median(loadOnly))} ms verifying in a cold process (warm in process: ${ms(a.median)} ms)`);

    console.log('');
    console.log(`CPU profile by package, ms per run (${PROFILE_RUNS} runs each, 200 us sampling; a sample goes to the innermost frame a rule names)`);
    const cats = [...new Set([...profOnline.byCategory.keys(), ...profPlain.byCategory.keys()])].sort((x, y) => (profOnline.byCategory.get(y) ?? 0) - (profOnline.byCategory.get(x) ?? 0));
    console.log(`  ${'category'.padEnd(72)}  ${'verifyPassport'.padStart(14)}  ${'plain sum'.padStart(9)}  ${'extra'.padStart(7)}`);
    for (const c of cats) {
      const x = profOnline.byCategory.get(c) ?? 0;
      const y = profPlain.byCategory.get(c) ?? 0;
      if (x < 0.05 && y < 0.05) continue;
      console.log(`  ${c.padEnd(72)}  ${ms(x).padStart(14)}  ${ms(y).padStart(9)}  ${((x - y >= 0 ? '+' : '') + ms(x - y)).padStart(7)}`);
    }
    console.log(`  ${'total profiled'.padEnd(72)}  ${ms(profOnline.total).padStart(14)}  ${ms(profPlain.total).padStart(9)}  ${((profOnline.total - profPlain.total >= 0 ? '+' : '') + ms(profOnline.total - profPlain.total)).padStart(7)}`);
    console.log('  top self time in verifyPassport (ms per run):');
    for (const [fn, t] of profOnline.topSelf) console.log(`    ${ms(t).padStart(6)}  ${fn}`);
    if (profCli) {
      console.log('');
      console.log(`dpp verify, one cold process under --cpu-prof (${ms(profWall)} ms wall, ${ms(profCli.total)} ms sampled after Node's own start-up), ms:`);
      for (const [c, t] of [...profCli.byCategory].sort((x, y) => y[1] - x[1])) if (t >= 0.5) console.log(`  ${c.padEnd(72)}  ${ms(t).padStart(7)}`);
      console.log('  top self time:');
      for (const [fn, t] of profCli.topSelf.slice(0, 10)) console.log(`    ${ms(t).padStart(6)}  ${fn}`);
    }

    return {
      credentials: credentials.length,
      verified: report.verified,
      inProcess: { ...a, first },
      plainSum: b,
      ratio,
      cli: { median: cliMedian, min: Math.min(...cliTimes), n: cliTimes.length, exit, first: firstLine },
    };
  } finally {
    await stopWorld(child);
    for (const dir of homes) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--serve-world')) {
    serveWorld().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    benchPassport().then(
      (f) => {
        console.log('');
        console.log(`passport (${f.credentials} credentials): ratio ${f.ratio.toFixed(3)} (target <= ${PASSPORT_RATIO_TARGET}), in process ${ms(f.inProcess.median)} ms, plain sum ${ms(f.plainSum.median)} ms, dpp verify ${f.cli.median.toFixed(0)} ms (target < ${PASSPORT_CLI_TARGET_MS})`);
      },
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  }
}
