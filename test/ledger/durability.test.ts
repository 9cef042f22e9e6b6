// Crash safety: the server is killed with SIGKILL at seeded random moments during a bulk append and
// restarted. Every acknowledged entry survives, nothing half-written appears, the log still verifies, and
// checkpoints published before a crash stay consistent with the tree after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { digestMultibase } from '../../src/vc/jcs.js';
import { leafHash, parseCheckpoint, parseEntryBundle, verifyConsistency, verifyInclusion, entriesPath } from '../../src/log/index.js';
import { didKeyIssuer, fixture, freePort } from '../helpers.js';
import type { JsonObject } from '../../src/vc/credential.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const TOKEN = 'durability-token-0123456789';
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
let items: { id: string; dataIntegrity: JsonObject }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-crash-'));
  port = await freePort();
  // Pre-signed chains by a did:key issuer, interleaved so every batch touches several units.
  const { did, signer, issuer } = didKeyIssuer(11);
  const base = fixture('material-composition.json');
  const { previousEvent: _none, ...template } = base;
  const chains: JsonObject[][] = [];
  for (let u = 0; u < UNITS; u++) {
    const chain: JsonObject[] = [];
    for (let e = 0; e < EVENTS_PER_UNIT; e++) {
      const previous = chain.at(-1);
      const credential = {
        ...template,
        issuer: did,
        id: `urn:uuid:00000000-0000-4000-8000-${String(u * 100 + e).padStart(12, '0')}`,
        credentialSubject: { ...(base.credentialSubject as JsonObject), id: `https://id.gs1.org/01/09506000134352/21/U${u}`, itemNumber: `U${u}` },
        ...(previous ? { previousEvent: { id: previous.id, digestMultibase: digestMultibase(previous) } } : {}),
      };
      chain.push(await issuer.issue(credential, { signer }));
    }
    chains.push(chain);
  }
  for (let e = 0; e < EVENTS_PER_UNIT; e++) for (const chain of chains) items.push({ id: String(chain[e]!.id), dataIntegrity: chain[e]! });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--data', join(dir, 'data'), '--token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('serving on')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready: ${out}`)));
  });
}

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
      let res: Response;
      let body: { acknowledgements: { id: string; leafIndex: number; unit: string; sequence: number }[]; checkpoint: string };
      try {
        res = await fetch(`${base()}/ledger/credentials`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ credentials: batch }),
        });
        body = await res.clone().json();
      } catch (err) {
        // Only the connection may fail, and only because the server was killed: what was not
        // acknowledged is sent again after the restart. Every answer that does arrive must be right.
        if (last) throw err;
        break;
      }
      expect(res.status, JSON.stringify(body)).toBe(201);
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
      expect(current.size).toBe(items.length);
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
      for (const entry of log) {
        const parsed = JSON.parse(new TextDecoder().decode(entry));
        perUnit.set(parsed.unit, [...(perUnit.get(parsed.unit) ?? []), parsed.sequence]);
        expect((await fetch(`${base()}/credentials/${encodeURIComponent(parsed.credential)}`)).status).toBe(200);
      }
      expect(perUnit.size).toBe(UNITS);
      for (const sequences of perUnit.values()) expect(sequences).toEqual([0, 1, 2, 3, 4]);
      // Checkpoints published before the crashes are consistent with the tree after them.
      for (const old of checkpoints.map(parseCheckpoint).filter((c) => c.size > 0 && c.size < current.size)) {
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
