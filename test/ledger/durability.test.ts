// Crash safety: the server is killed with SIGKILL at seeded random moments during a bulk append and
// restarted. Every acknowledged entry survives, nothing half-written appears, the log still verifies, and
// checkpoints published before a crash stay consistent with the tree after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { digestMultibase } from '../../src/vc/jcs.js';
import { isDppError } from '../../src/errors.js';
import { leafHash, parseCheckpoint, parseEntryBundle, verifyConsistency, verifyInclusion, entriesPath } from '../../src/log/index.js';
import { networkFetch } from '../../src/cli/network.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createParty } from '../../agents/party.js';
import { createLedgerClient, type LedgerClient } from '../../agents/client.js';
import { createActor, type Actor, type Secured } from '../../agents/actor.js';
import { hostedIdentity } from '../../agents/identity.js';
import { createRegistrar } from '../../agents/registrar.js';
import { chained, createManufacturer, identityOf, type Manufacturer } from '../../agents/manufacturer.js';
import { TEST_SECRET, freePort } from '../helpers.js';
import { GTIN, PASSPORT, PREFIX, WARRANTY, unitLink } from '../lifecycle-world.js';

const OPERATOR_TOKEN = 'durability-operator-token-0123';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const UNITS = 30;
const EVENTS_PER_UNIT = 5;
const BATCH = 10;
const ROUNDS = 5;

/** mulberry32: a small seeded PRNG, so every run kills at the same planned moments. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dir: string;
let port: number;
let trustFile: string;
let manufacturer: Manufacturer;
/** What the parties' set-up wrote (licence, GTIN KeyCredential): the log's size and checkpoint before the crashes. */
let setup: { size: number; checkpoint: string };
const items: Secured[] = [];

function start(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--data', join(dir, 'data'), '--trust', trustFile, '--token', OPERATOR_TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('serving on')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-crash-'));
  port = await freePort();
  // The server trusts a registrar whose did:web it will host itself (the port is known beforehand).
  trustFile = join(dir, 'trust.json');
  writeFileSync(trustFile, JSON.stringify({ registrars: [`did:web:127.0.0.1%3A${port}:parties:registrar`] }));
  const server = await start();
  try {
    // The parties: hosted did:web identities, whose documents the server keeps in its store across restarts.
    const client: LedgerClient = createLedgerClient({ baseUrl: base() });
    const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
    const party = async (name: string): Promise<Actor> => {
      const p = createParty({ store: createMemoryStore(), secretKeyHex: TEST_SECRET, now: () => new Date(), fetch });
      return createActor({ party: p, did: await hostedIdentity(p, client, name, name === 'registrar' ? OPERATOR_TOKEN : undefined), client });
    };
    const registrar = createRegistrar(await party('registrar'));
    manufacturer = createManufacturer(await party('acme'));
    const licence = await registrar.license(manufacturer.actor.did, PREFIX, { name: 'Acme' });
    await manufacturer.registerGtin(GTIN, licence.id);
    // Units minted by the licensed manufacturer, signed beforehand: KeyCredential, passport, warranty and two
    // compositions each; interleaved so every batch touches several units.
    const { actor } = manufacturer;
    const [revocation, message] = await Promise.all([actor.allocateStatus('revocation', UNITS), actor.allocateStatus('message', UNITS)]);
    const chains: Secured[][] = [];
    for (let u = 0; u < UNITS; u++) {
      const link = unitLink(`U${u}`);
      const chain = await manufacturer.prepareUnit({ digitalLink: link, passport: PASSPORT, warranty: WARRANTY }, [revocation[u]!, message[u]!]);
      while (chain.length < EVENTS_PER_UNIT) {
        const composition = { materialProvenance: [{ name: 'Steel', massFraction: 0.5 + chain.length / 100, hazardous: false, criticalRawMaterial: false }] };
        chain.push(await actor.credential('MaterialCompositionCredential', link, { ...identityOf(link), ...composition }, { previous: chained(chain.at(-1)!) }));
      }
      chains.push(chain);
    }
    for (let e = 0; e < EVENTS_PER_UNIT; e++) for (const chain of chains) items.push(chain[e]!);
    const checkpoint = await (await globalThis.fetch(`${base()}/log/checkpoint`)).text();
    setup = { size: parseCheckpoint(checkpoint).size, checkpoint };
  } finally {
    await stop(server);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => `http://127.0.0.1:${port}`;
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

it('keeps every acknowledged entry across SIGKILLs at random points, and the log stays consistent', { timeout: 180_000 }, async () => {
  const random = prng(20261124);
  const acknowledged = new Map<string, { leafIndex: number; unit: string; sequence: number }>();
  const checkpoints: string[] = [];
  let next = 0;
  let killedMidway = 0;
  for (let round = 0; round <= ROUNDS && next < items.length; round++) {
    const server = await start();
    const exited = new Promise((resolve) => server.once('exit', resolve));
    const last = round === ROUNDS;
    // Kill after a seeded delay while batches keep flowing; the last round runs to the end.
    const killAfterMs = last ? Infinity : 20 + Math.floor(random() * 400);
    const killer = last ? undefined : setTimeout(() => server.kill('SIGKILL'), killAfterMs);
    while (next < items.length) {
      const batch = items.slice(next, next + BATCH);
      let body: { acknowledgements: { id: string; leafIndex: number; unit: string; sequence: number; duplicate: boolean }[]; checkpoint: string };
      try {
        // Signed anew for each attempt; the credentials are the same signed ones every time.
        body = await manufacturer.actor.client.send('POST', '/ledger/credentials', { credentials: batch }, await manufacturer.actor.signer());
      } catch (err) {
        // Only the connection may fail, and only because the server was killed: what was not
        // acknowledged is sent again after the restart (a retry of what was recorded is acknowledged
        // as a duplicate). Every answer that does arrive must be right.
        if (last || isDppError(err)) throw err;
        break;
      }
      expect(body.acknowledgements.map((a) => a.id)).toEqual(batch.map((b) => b.id));
      for (const ack of body.acknowledgements) acknowledged.set(ack.id, ack);
      checkpoints.push(body.checkpoint);
      next += batch.length;
    }
    clearTimeout(killer);
    if (!last) {
      await exited;
      if (next < items.length) killedMidway++;
    }
    else {
      // Verify, then stop.
      const note = await (await fetch(`${base()}/log/checkpoint`)).text();
      const current = parseCheckpoint(note);
      expect(current.size).toBe(setup.size + items.length);
      const log: Uint8Array[] = [];
      for (let i = 0; i < current.size; i += 256) {
        const res = await fetch(`${base()}/log/${entriesPath(i / 256, Math.min(256, current.size - i))}`);
        log.push(...parseEntryBundle(new Uint8Array(await res.arrayBuffer())));
      }
      expect(log).toHaveLength(current.size);
      for (const [id, ack] of acknowledged) {
        const item = items.find((i) => i.id === id)!;
        const { proof } = await (await fetch(`${base()}/log/proof/inclusion?index=${ack.leafIndex}&size=${current.size}`)).json();
        const stored = await (await fetch(`${base()}/credentials/${encodeURIComponent(id)}`)).json();
        expect(digestMultibase(stored)).toBe(digestMultibase(item.dataIntegrity));
        const entry = log[ack.leafIndex]!;
        expect(JSON.parse(new TextDecoder().decode(entry))).toMatchObject({ credential: id, unit: ack.unit, sequence: ack.sequence });
        expect(() => verifyInclusion(ack.leafIndex, current.size, leafHash(entry), proof.map(b64), current.root)).not.toThrow();
      }
      // Nothing half-written: every log entry has its credential, and each unit's chain is complete.
      const perUnit = new Map<string, number[]>();
      for (const [index, entry] of log.entries()) {
        const parsed = JSON.parse(new TextDecoder().decode(entry));
        expect((await fetch(`${base()}/credentials/${encodeURIComponent(parsed.credential)}`)).status).toBe(200);
        if (index >= setup.size) perUnit.set(parsed.unit, [...(perUnit.get(parsed.unit) ?? []), parsed.sequence]);
      }
      expect(perUnit.size).toBe(UNITS);
      expect(new Set(perUnit.keys())).toEqual(new Set([...acknowledged.values()].map((a) => a.unit)));
      for (const sequences of perUnit.values()) expect(sequences).toEqual([0, 1, 2, 3, 4]);
      // Checkpoints published before the crashes are consistent with the tree after them.
      for (const old of [setup.checkpoint, ...checkpoints].map(parseCheckpoint).filter((c) => c.size > 0 && c.size < current.size)) {
        const { proof } = await (await fetch(`${base()}/log/proof/consistency?from=${old.size}&to=${current.size}`)).json();
        expect(() => verifyConsistency(old.size, current.size, proof.map(b64), old.root, current.root)).not.toThrow();
      }
      server.kill('SIGTERM');
      await exited;
    }
  }
  expect(acknowledged.size).toBe(items.length);
  // The test is only worth something if the kills landed while the append was under way.
  expect(killedMidway).toBeGreaterThanOrEqual(3);
});
