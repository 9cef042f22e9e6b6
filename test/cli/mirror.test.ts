// `dpp mirror` and `dpp serve --mirror` through the real command line: a mirror follows an honest origin through
// its tiles and serves the same answers, and catches a lying origin (rewrite, rollback, split view, another key, a
// credential that is not the one logged) without changing what it holds.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.js';
import { ed25519FromSeed, ed25519Signer } from '../../src/did/ed25519.js';
import { canonicalJson, digestMultibase } from '../../src/vc/jcs.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { openLevelStore } from '../../src/storage/level-store.js';
import { logRoutes } from '../../src/http/log-routes.js';
import { errorHandler } from '../../src/http/errors.js';
import {
  createMerkleLog, formatCheckpoint, formatVerifierKey, parseCheckpoint, parseVerifierKey, signNote, verifyCheckpoint, type NoteSigner,
} from '../../src/log/index.js';
import type { JsonObject } from '../../src/vc/credential.js';
import { createLedgerClient } from '../../agents/client.js';
import type { Secured } from '../../agents/actor.js';
import { PASSPORT, startLifecycleWorld, unitLink, type LifecycleWorld } from '../lifecycle-world.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
let dir: string;

/** The command, run asynchronously: a server in this process must keep answering while it runs. */
function dpp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function mirror(base: string, data: string) {
  const run = await dpp(['mirror', base, '--data', data, '--json']);
  let report: any;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = undefined;
  }
  return { ...run, report };
}

/** `dpp serve --mirror DATA --port 0`, until it says where it listens. */
function serveMirror(data: string): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--mirror', data, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /serving read-only on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, base: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`dpp serve --mirror exited (${code}): ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Every key and value of a LevelDB store folder, read after the command that wrote it has exited. */
async function dump(data: string): Promise<Map<string, string>> {
  const store = await openLevelStore(join(data, 'store'));
  const all = new Map<string, string>();
  for await (const [key, value] of store.entries('')) all.set(key, value);
  await store.close();
  return all;
}

const withoutEvidence = (all: Map<string, string>) => new Map([...all].filter(([key]) => !key.startsWith('mirror/evidence/')));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-mirror-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mirroring an honest origin', () => {
  let world: LifecycleWorld;
  let origin: string;
  const items: Secured[] = [];

  beforeAll(async () => {
    // The origin holds what its world wrote (a registrar's licence, the manufacturer's GTIN KeyCredential).
    world = await startLifecycleWorld();
    origin = world.origin;
    // Units minted by the licensed manufacturer, signed beforehand, two entries each (KeyCredential and
    // passport): 128 to fill the first entry bundle and start a second, and one more after that.
    const { actor } = world.manufacturer;
    const [revocation, message] = await Promise.all([actor.allocateStatus('revocation', 129), actor.allocateStatus('message', 129)]);
    for (let u = 0; u < 129; u++) items.push(...(await world.manufacturer.prepareUnit({ digitalLink: unitLink(`M${u}`), passport: PASSPORT }, [revocation[u]!, message[u]!])));
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  const append = async (batch: Secured[]) => {
    const acknowledgements = await world.manufacturer.actor.append(batch);
    expect(acknowledgements.map((a) => [a.id, a.duplicate])).toEqual(batch.map((b) => [b.id, false]));
  };

  it('copies the log and its credentials, catches up through full and partial bundles, and serves the same answers', { timeout: 180_000 }, async () => {
    const held = await world.logSize();
    // What the first mirror finds sits in the first, partial entry bundle.
    expect(held).toBeGreaterThan(1);
    expect(held).toBeLessThan(256);
    const grown = held + 256;
    const final = grown + 2;
    const data = join(dir, 'mirror');
    const first = await mirror(origin, data);
    expect(first.code, first.stderr).toBe(0);
    expect(first.report).toMatchObject({ verified: true, verdict: 'consistent', previous: null, checkpoint: { size: held }, entriesFetched: held, credentialsFetched: held });

    // The human report: the verdict first, one line per check, the counts.
    const again = await dpp(['mirror', origin, '--data', data]);
    expect(again.code).toBe(0);
    const lines = again.stdout.trim().split('\n');
    expect(lines[0]).toBe('✓ CONSISTENT');
    expect(again.stdout).toMatch(new RegExp(`✓ consistency\\s+the same tree as held \\(size ${held}\\)`));
    expect(again.stdout).toMatch(new RegExp(`entries fetched 0, credentials fetched 0, size ${held}, root \\S+`));

    // held → held + 256: the first bundle in full (its held entries re-checked), the second partial.
    for (let i = 0; i < 256; i += 100) await append(items.slice(i, Math.min(i + 100, 256)));
    const caughtUp = await mirror(origin, data);
    expect(caughtUp.code, caughtUp.stderr + caughtUp.stdout).toBe(0);
    expect(caughtUp.report).toMatchObject({ verdict: 'consistent', previous: { size: held }, checkpoint: { size: grown }, entriesFetched: 256, credentialsFetched: 256 });
    expect(caughtUp.report.checks.find((c: { id: string }) => c.id === 'consistency').message).toMatch(new RegExp(`consistency proof from size ${held} to ${grown} verifies`));

    await append(items.slice(256));
    const last = await mirror(origin, data);
    expect(last.code).toBe(0);
    expect(last.report).toMatchObject({ checkpoint: { size: final }, entriesFetched: 2 });

    const key = await dpp(['mirror', '--data', data, '--show-key']);
    expect(key.code).toBe(0);
    const witness = parseVerifierKey(key.stdout.trim());
    expect(witness.type).toBe('cosignature');
    expect(last.report.witness.verifierKey).toBe(key.stdout.trim());

    const served = await serveMirror(data);
    try {
      const [a, b] = [origin, served.base];
      const bytes = async (base: string, path: string) => {
        const res = await fetch(base + path);
        return { status: res.status, body: Buffer.from(await res.arrayBuffer()).toString('base64') };
      };
      const paths = [
        '/log/tile/0/000',
        `/log/tile/0/001.p/${final - 256}`,
        '/log/tile/0/000.p/7',
        '/log/tile/1/000.p/1',
        '/log/tile/entries/000',
        `/log/tile/entries/001.p/${final - 256}`,
        `/log/tile/entries/000.p/${held}`,
        `/log/proof/inclusion?index=200&size=${final}`,
        `/log/proof/inclusion?index=${held - 1}&size=${held}`,
        `/log/proof/consistency?from=${held}&to=${grown}`,
        `/log/proof/consistency?from=${grown}`,
        '/log/tile/0/002',
        `/log/proof/inclusion?index=${final}`,
        `/credentials/${encodeURIComponent(world.licenceId)}`,
        `/credentials/${encodeURIComponent(items[0]!.id)}`,
        `/credentials/${encodeURIComponent(items.at(-1)!.id)}`,
      ];
      for (const path of paths) expect({ path, ...(await bytes(b, path)) }).toEqual({ path, ...(await bytes(a, path)) });

      const info = await (await fetch(`${b}/log/key`)).json();
      const originInfo = await (await fetch(`${a}/log/key`)).json();
      expect(info).toEqual({ ...originInfo, witnesses: [key.stdout.trim()] });
      const logKey = parseVerifierKey(originInfo.verifierKey);
      const mirrored = await (await fetch(`${b}/log/checkpoint`)).text();
      const original = await (await fetch(`${a}/log/checkpoint`)).text();
      expect(parseCheckpoint(mirrored).body).toBe(parseCheckpoint(original).body);
      const verified = verifyCheckpoint(mirrored, { origin: originInfo.origin, logKeys: [logKey], witnesses: [witness] });
      expect(verified.witnesses).toEqual([witness.name]);
      expect(verified.signatures.find((s) => s.name === witness.name)?.timestamp).toBeGreaterThan(1_700_000_000);

      // Read-only: nothing that writes is there, not even for a write the origin would take (signed by a licensed manufacturer).
      const { actor } = world.manufacturer;
      const [fresh] = await world.manufacturer.prepareUnit({ digitalLink: unitLink('M-MIRROR'), passport: PASSPORT });
      const write = createLedgerClient({ baseUrl: b }).send('POST', '/ledger/credentials', { credentials: [fresh] }, await actor.signer());
      await expect(write).rejects.toMatchObject({ evidence: { status: 404 } });
      expect((await fetch(`${b}/credentials/urn:uuid:nope`)).status).toBe(404);

      // A second mirror can follow the first: the pinned key is the log's, whoever serves it.
      const chained = await mirror(served.base, join(dir, 'mirror-of-mirror'));
      expect(chained.code, chained.stderr).toBe(0);
      expect(chained.report).toMatchObject({ checkpoint: { size: final }, entriesFetched: final });
    } finally {
      await stop(served.child);
    }
  });

  it('exits 2 on bad usage, an unreachable origin, or a ledger folder', { timeout: 60_000 }, async () => {
    expect((await dpp(['mirror', origin])).code).toBe(2);
    expect((await dpp(['mirror', 'not a url', '--data', join(dir, 'x')])).code).toBe(2);
    expect((await dpp(['mirror', origin, 'extra', '--data', join(dir, 'x')])).code).toBe(2);
    const unreachable = await dpp(['mirror', 'http://127.0.0.1:1', '--data', join(dir, 'x')]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('[INVALID_INPUT] Cannot reach');
    expect((await dpp(['serve', '--mirror', join(dir, 'empty')])).code).toBe(2);
    const ledger = join(dir, 'ledger');
    const closed = await serve({ port: 0, host: '127.0.0.1', data: ledger }, () => {});
    await closed.close();
    const refused = await dpp(['mirror', origin, '--data', ledger]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('holds a ledger');
  });
});

describe('a lying origin', () => {
  const ORIGIN = 'lying.example/log';
  const signerOf = (seed: number): NoteSigner => {
    const pair = ed25519FromSeed(new Uint8Array(32).fill(seed));
    return { name: ORIGIN, publicKey: pair.publicKey, sign: ed25519Signer(pair.secretKey) };
  };
  const LOG_KEY = signerOf(1);
  const OTHER_KEY = signerOf(2);

  interface Served {
    router: express.Router;
    credentials: Map<string, JsonObject>;
    note: string;
  }

  const credentialOf = (tag: string): JsonObject => ({ id: `urn:test:${tag}`, type: ['VerifiableCredential'], payload: tag });

  /** A log of these credentials, built in memory like the ledger's, with its checkpoint signed by `signer`. */
  async function logOf(tags: string[], signer: NoteSigner = LOG_KEY, vkeySigner: NoteSigner = LOG_KEY): Promise<Served> {
    const store = createMemoryStore();
    const log = createMerkleLog({ store });
    await log.open();
    const credentials = new Map<string, JsonObject>();
    const entries = tags.map((tag, sequence) => {
      const credential = credentialOf(tag);
      credentials.set(String(credential.id), credential);
      const entry = { unit: `(01)09506000134352(21)${tag}`, sequence, credential: credential.id, digestMultibase: digestMultibase(credential), type: 'TestCredential', issuer: 'did:example:maker' };
      return new TextEncoder().encode(canonicalJson(entry));
    });
    const prepared = log.prepareAppend(entries);
    await store.batch(prepared.operations);
    prepared.commit();
    const note = await signNote(formatCheckpoint({ origin: ORIGIN, size: log.size, root: log.root }), signer);
    const logInfo = { origin: ORIGIN, verifierKey: formatVerifierKey(vkeySigner), did: 'did:web:lying.example' };
    return { router: logRoutes({ log, checkpoint: async () => note, logInfo }), credentials, note };
  }

  let server: Server;
  let base: string;
  let current: Served;
  const data = () => join(dir, 'witness');

  beforeAll(async () => {
    const app = express();
    app.use((req, res, next) => current.router(req, res, next));
    app.get('/credentials/:id', (req, res) => {
      const credential = current.credentials.get(req.params.id);
      if (!credential) return void res.status(404).json({ code: 'NOT_FOUND' });
      res.type('application/vc').send(JSON.stringify(credential));
    });
    app.use(errorHandler(() => {}));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('follows log A, then refuses a rewrite, a rollback, a split view, another key and a wrong credential, keeping A', { timeout: 120_000 }, async () => {
    const A = await logOf(['a0', 'a1', 'a2']);
    current = A;
    const first = await mirror(base, data());
    expect(first.code, first.stderr).toBe(0);
    expect(first.report).toMatchObject({ verdict: 'consistent', checkpoint: { size: 3 }, entriesFetched: 3, credentialsFetched: 3 });
    const held = await dump(data());
    const heldNote = JSON.parse(held.get('mirror/checkpoint')!).note as string;
    expect(parseCheckpoint(heldNote).body).toBe(parseCheckpoint(A.note).body);
    const unchanged = async () => expect(withoutEvidence(await dump(data()))).toEqual(held);

    // Log B: size 4, its first three entries not A's, signed by the same key.
    current = await logOf(['b0', 'b1', 'b2', 'b3']);
    const rewrite = await mirror(base, data());
    expect(rewrite.code).toBe(1);
    expect(rewrite.report).toMatchObject({ verified: false, verdict: 'rewritten', previous: { size: 3 }, checkpoint: { size: 4 }, evidence: { kind: 'rewrite', held: heldNote, served: current.note } });
    expect(rewrite.report.checks.at(-1)).toMatchObject({ id: 'consistency', status: 'fail', code: 'LOG_INCONSISTENT' });
    await unchanged();
    const human = await dpp(['mirror', base, '--data', data()]);
    expect(human.code).toBe(1);
    expect(human.stdout.split('\n')[0]).toBe('✗ REWRITTEN');

    // Log C: size 3, another root: two trees of the same size, both signed.
    current = await logOf(['c0', 'c1', 'c2']);
    const split = await mirror(base, data());
    expect(split.code).toBe(1);
    expect(split.report).toMatchObject({ verdict: 'split-view', evidence: { kind: 'split-view', held: heldNote, served: current.note } });
    expect(split.report.checks.at(-1)).toMatchObject({ status: 'fail', code: 'LOG_INCONSISTENT', evidence: { kind: 'split-view', size: 3 } });
    await unchanged();
    const evidence = [...(await dump(data())).entries()].filter(([key]) => key.startsWith('mirror/evidence/')).map(([, value]) => JSON.parse(value));
    expect(evidence.map((e) => e.kind).sort()).toEqual(['rewrite', 'rewrite', 'split-view']);
    expect(evidence.find((e) => e.kind === 'split-view')).toMatchObject({ held: heldNote, served: current.note });

    // A rollback to A's first two entries, honestly signed: older than what is held.
    current = await logOf(['a0', 'a1']);
    const rollback = await mirror(base, data());
    expect(rollback.code).toBe(1);
    expect(rollback.report).toMatchObject({ verdict: 'rolled-back', evidence: { kind: 'rollback' } });
    await unchanged();

    // A grown A signed by another key (the pinned key still advertised): the signature does not verify.
    current = await logOf(['a0', 'a1', 'a2', 'a3'], OTHER_KEY);
    const forged = await mirror(base, data());
    expect(forged.code).toBe(1);
    expect(forged.report.checks.at(-1)).toMatchObject({ id: 'checkpoint', status: 'fail', code: 'CHECKPOINT_SIGNATURE_INVALID' });
    await unchanged();

    // The same, with the other key advertised too: the key pinned on first use has changed.
    current = await logOf(['a0', 'a1', 'a2', 'a3'], OTHER_KEY, OTHER_KEY);
    const rekeyed = await mirror(base, data());
    expect(rekeyed.code).toBe(1);
    expect(rekeyed.report.checks.at(-1)).toMatchObject({ id: 'key', status: 'fail', code: 'LOG_KEY_CHANGED' });
    await unchanged();

    // A grown A, honestly signed, but the credential of entry 4 is not the one its entry names.
    const grown = await logOf(['a0', 'a1', 'a2', 'a3', 'a4']);
    current = { ...grown, credentials: new Map(grown.credentials).set('urn:test:a4', { ...credentialOf('a4'), payload: 'tampered' }) };
    const mismatch = await mirror(base, data());
    expect(mismatch.code).toBe(1);
    expect(mismatch.report.checks.at(-1)).toMatchObject({ id: 'credential', status: 'fail', code: 'CREDENTIAL_DIGEST_MISMATCH', credential: 'urn:test:a4', evidence: { index: 4 } });
    await unchanged();
    // And one that is not served at all.
    current = { ...grown, credentials: new Map([...grown.credentials].filter(([id]) => id !== 'urn:test:a3')) };
    const missing = await mirror(base, data());
    expect(missing.code).toBe(1);
    expect(missing.report.checks.at(-1)).toMatchObject({ code: 'CREDENTIAL_UNAVAILABLE', evidence: { index: 3, status: 404 } });
    await unchanged();

    // A malformed checkpoint is a malformed origin: exit 2.
    current = { ...A, router: express.Router().get('/log/checkpoint', (_req, res) => void res.type('text/plain').send('not a checkpoint')).use(A.router) };
    const malformed = await dpp(['mirror', base, '--data', data()]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('[CHECKPOINT_INVALID]');
    await unchanged();

    // When the origin serves the grown A honestly, the mirror catches up from what it held.
    current = grown;
    const honest = await mirror(base, data());
    expect(honest.code, honest.stderr).toBe(0);
    expect(honest.report).toMatchObject({ verdict: 'consistent', previous: { size: 3 }, checkpoint: { size: 5 }, entriesFetched: 2, credentialsFetched: 2 });
  });
});
