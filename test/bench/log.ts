// The Merkle log on LevelDB: durable appends per second (batched) next to the raw LevelDB batch-write rate measured
// in the same run, bytes on disk per entry, the time to build and reopen a 1,000,000-entry log, and the time to
// generate and verify inclusion and consistency proofs at that size. Figures only: a missed target is reported,
// never turned into a non-zero exit.
import { hash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Level } from 'level';
import { openLevelStore } from '../../src/storage/level-store.js';
import type { BatchOperation, Store } from '../../src/storage/store.js';
import { createMerkleLog, type MerkleLog } from '../../src/log/log.js';
import { leafHash } from '../../src/log/hash.js';
import { verifyConsistency, verifyInclusion } from '../../src/log/proof.js';

const BATCH = Number(process.env.BENCH_LOG_BATCH ?? 1000);
const ROUND_MS = Number(process.env.BENCH_LOG_ROUND_MS ?? 2500);
const ROUNDS = 3;
const TARGET_SIZE = Number(process.env.BENCH_LOG_SIZE ?? 1_000_000);
const BUILD_BUDGET_S = Number(process.env.BENCH_LOG_BUILD_S ?? 60);
const FAST_BATCH = 10_000;
const PROOFS = 1000;

const encoder = new TextEncoder();

/** A ledger-like entry of about 200 bytes: unit, sequence, credential id, digest, type, issuer. */
function entryJson(i: number): string {
  const digest = hash('sha256', String(i), 'base64url');
  return JSON.stringify({
    unit: `https://id.dppledger.org/01/09506000134352/21/SN${String(i).padStart(9, '0')}`,
    seq: i % 7,
    id: `urn:uuid:${digest.slice(0, 8)}-${digest.slice(8, 12)}`,
    digest: `u${digest}`,
    type: 'RepairRecordCredential',
    issuer: 'did:web:repair.example',
  });
}
const entry = (i: number) => encoder.encode(entryJson(i));

function directorySize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name));
    total += stat.isDirectory() ? directorySize(join(dir, name)) : stat.size;
  }
  return total;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** A Store on LevelDB with sync off: only for building the 1M-entry log faster when the time box needs it. */
async function openUnsyncedStore(dir: string): Promise<Store> {
  const db = new Level<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  return {
    get: async (key) => (await db.get(key)) ?? undefined,
    batch: (operations) => db.batch(operations as BatchOperation[], { sync: false }),
    async *entries(prefix) {
      for await (const pair of db.iterator({ gte: prefix, lt: prefix + '\uffff' })) yield pair;
    },
    close: () => db.close(),
  };
}

async function appendBatch(log: MerkleLog, store: Store, from: number, count: number): Promise<void> {
  const entries = Array.from({ length: count }, (_, j) => entry(from + j));
  const prepared = log.prepareAppend(entries);
  try {
    await store.batch(prepared.operations);
  } catch (err) {
    prepared.abandon();
    throw err;
  }
  prepared.commit();
}

let seed = 20260601;
function random(max: number): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return Math.floor((seed / 2 ** 31) * max);
}

export async function benchLog(): Promise<void> {
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'dpp-bench-log-'));
  const notes: string[] = [];
  try {
    const sampleSize = Array.from({ length: 100 }, (_, i) => entry(i * 9973).length).reduce((a, b) => a + b, 0) / 100;

    // 1. Raw LevelDB batches against durable log appends, alternating rounds in two stores (sync: true both).
    process.stderr.write('log: raw LevelDB batches vs durable log appends\n');
    const rawStore = await openLevelStore(join(root, 'raw'));
    const logStore = await openLevelStore(join(root, 'log'));
    const log = createMerkleLog({ store: logStore });
    await log.open();
    let rawNext = 0;
    const totals = { raw: { entries: 0, ms: 0 }, log: { entries: 0, ms: 0 } };
    const rawBatch = async () => {
      const operations: BatchOperation[] = Array.from({ length: BATCH }, (_, j) => ({ type: 'put', key: `raw/${String(rawNext + j).padStart(12, '0')}`, value: entryJson(rawNext + j) }));
      rawNext += BATCH;
      await rawStore.batch(operations);
    };
    const loop = async (kind: 'raw' | 'log', ms: number) => {
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < ms) {
        if (kind === 'raw') await rawBatch();
        else await appendBatch(log, logStore, log.size, BATCH);
        n += BATCH;
      }
      totals[kind].entries += n;
      totals[kind].ms += performance.now() - t0;
    };
    await loop('raw', 300); // warm-up, both
    await loop('log', 300);
    totals.raw = { entries: 0, ms: 0 };
    totals.log = { entries: 0, ms: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      await loop('raw', ROUND_MS);
      await loop('log', ROUND_MS);
    }
    const rawRate = (totals.raw.entries * 1000) / totals.raw.ms;
    const logRate = (totals.log.entries * 1000) / totals.log.ms;
    await rawStore.close();

    // 2. Grow the same log to TARGET_SIZE: durable batches while the time box allows, then larger unsynced ones.
    process.stderr.write(`log: building a ${TARGET_SIZE.toLocaleString('en-US')}-entry log\n`);
    const buildStart = performance.now();
    let store: Store = logStore;
    let current = log;
    let durableUntil = TARGET_SIZE;
    const startSize = current.size;
    while (current.size < TARGET_SIZE) {
      // After 3 s, project the whole build from the rate so far; over the time box, switch to the fast path.
      const elapsed = (performance.now() - buildStart) / 1000;
      const projected = elapsed > 3 ? (elapsed * (TARGET_SIZE - startSize)) / Math.max(1, current.size - startSize) : 0;
      if (store === logStore && projected > BUILD_BUDGET_S) {
        durableUntil = current.size;
        await logStore.close();
        store = await openUnsyncedStore(join(root, 'log'));
        current = createMerkleLog({ store });
        await current.open();
      }
      const batch = store === logStore ? BATCH : FAST_BATCH;
      await appendBatch(current, store, current.size, Math.min(batch, TARGET_SIZE - current.size));
    }
    const buildSeconds = (performance.now() - buildStart) / 1000;
    if (durableUntil < TARGET_SIZE) {
      notes.push(`the build went over the ${BUILD_BUDGET_S} s time box: entries ${durableUntil.toLocaleString('en-US')}.. were appended in batches of ${FAST_BATCH.toLocaleString('en-US')} with sync off (build only; every figure above it is sync: true)`);
    }
    await store.close();

    // 3. Reopen from disk (the log recomputes and checks its root), then bytes on disk.
    const reopenedStore = await openLevelStore(join(root, 'log'));
    const openStart = performance.now();
    const big = createMerkleLog({ store: reopenedStore });
    await big.open();
    const openMs = performance.now() - openStart;
    const bytesPerEntry = directorySize(join(root, 'log')) / big.size;
    const size = big.size;
    const bigRoot = big.root;

    // 4. Proofs at TARGET_SIZE, each generated and verified, timed one by one; the tile cache starts cold.
    process.stderr.write(`log: ${PROOFS} inclusion and ${PROOFS} consistency proofs at ${size.toLocaleString('en-US')} entries\n`);
    const inclusionCases = Array.from({ length: PROOFS }, () => {
      const index = random(size);
      return { index, leaf: leafHash(entry(index)) };
    });
    const inclusionMs: number[] = [];
    let proofLength = 0;
    for (const { index, leaf } of inclusionCases) {
      const t0 = performance.now();
      const proof = await big.inclusionProof(index);
      verifyInclusion(index, size, leaf, proof, bigRoot);
      inclusionMs.push(performance.now() - t0);
      proofLength = Math.max(proofLength, proof.length);
    }
    const inclusionWarmMs: number[] = [];
    for (const { index, leaf } of inclusionCases) {
      const t0 = performance.now();
      verifyInclusion(index, size, leaf, await big.inclusionProof(index), bigRoot);
      inclusionWarmMs.push(performance.now() - t0);
    }
    // The verifier holds the older checkpoint's root: fetched before the clock starts.
    const consistencyCases = await Promise.all(Array.from({ length: PROOFS }, async () => {
      const size1 = 1 + random(size - 1);
      return { size1, root1: await big.rootAt(size1) };
    }));
    const consistencyMs: number[] = [];
    for (const { size1, root1 } of consistencyCases) {
      const t0 = performance.now();
      verifyConsistency(size1, size, await big.consistencyProof(size1), root1, bigRoot);
      consistencyMs.push(performance.now() - t0);
    }
    const olderCases = await Promise.all(Array.from({ length: PROOFS }, async () => {
      const size2 = 2 + random(size - 2);
      const size1 = 1 + random(size2 - 1);
      return { size1, size2, root1: await big.rootAt(size1), root2: await big.rootAt(size2) };
    }));
    const olderMs: number[] = [];
    for (const { size1, size2, root1, root2 } of olderCases) {
      const t0 = performance.now();
      verifyConsistency(size1, size2, await big.consistencyProof(size1, size2), root1, root2);
      olderMs.push(performance.now() - t0);
    }
    const rootAtMs: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const n = 1 + random(size);
      const t0 = performance.now();
      await big.rootAt(n);
      rootAtMs.push(performance.now() - t0);
    }
    await reopenedStore.close();

    // Table.
    const row = (name: string, value: string, detail = '') => console.log(`${name.padEnd(53)}  ${value.padEnd(16)}  ${detail}`);
    const ms = (values: number[]) => `${percentile(values, 0.5).toFixed(3)} ms`;
    const p99 = (values: number[]) => `p99 ${percentile(values, 0.99).toFixed(3)} ms, max ${Math.max(...values).toFixed(3)} ms`;
    console.log('');
    console.log(`Merkle log on LevelDB (entries of ~${Math.round(sampleSize)} bytes of JSON, batches of ${BATCH.toLocaleString('en-US')}, ${ROUNDS} alternating rounds of ${ROUND_MS} ms)`);
    console.log('Figure                                                 Value             Detail');
    console.log('-----------------------------------------------------  ----------------  ----------------');
    row('raw LevelDB batch write (sync: true)', `${Math.round(rawRate).toLocaleString('en-US')} entries/s`, `${BATCH} puts of ~${Math.round(sampleSize)} B per batch, n=${totals.raw.entries.toLocaleString('en-US')}`);
    row('durable log append (prepareAppend + batch + commit)', `${Math.round(logRate).toLocaleString('en-US')} entries/s`, `${BATCH} entries per batch, n=${totals.log.entries.toLocaleString('en-US')}`);
    row(`build to ${size.toLocaleString('en-US')} entries`, `${buildSeconds.toFixed(1)} s`, durableUntil < TARGET_SIZE ? `durable to ${durableUntil.toLocaleString('en-US')}, then sync off` : 'all batches sync: true');
    row('bytes on disk per entry', `${bytesPerEntry.toFixed(0)} B`, `LevelDB folder after reopening, ${(bytesPerEntry * size / 2 ** 20).toFixed(0)} MiB for ${size.toLocaleString('en-US')} entries`);
    row(`open() at ${size.toLocaleString('en-US')} entries`, `${openMs.toFixed(1)} ms`, 'loads the right edge, recomputes and checks the root');
    row('inclusion proof, generate + verify (cold cache)', ms(inclusionMs), `${p99(inclusionMs)}, ${proofLength} hashes`);
    row('inclusion proof, generate + verify (same 1,000 again)', ms(inclusionWarmMs), p99(inclusionWarmMs));
    row('consistency proof to the current size, gen + verify', ms(consistencyMs), p99(consistencyMs));
    row('consistency proof between two older sizes, gen + verify', ms(olderMs), p99(olderMs));
    row('rootAt(random older size)', ms(rootAtMs), p99(rootAtMs));
    const ratio = logRate / rawRate;
    const worstP99 = Math.max(...[inclusionMs, consistencyMs, olderMs].map((v) => percentile(v, 0.99)));
    console.log(`${'durable appends / raw batch rate'.padEnd(53)}  ${ratio.toFixed(3).padEnd(16)}  target >= 0.5  ${ratio >= 0.5 ? 'yes' : 'NO'}`);
    console.log(`${`any proof at ${size.toLocaleString('en-US')} entries, worst p99`.padEnd(53)}  ${`${worstP99.toFixed(3)} ms`.padEnd(16)}  target < 1 ms  ${worstP99 < 1 ? 'yes' : 'NO'}`);
    for (const note of notes) console.log(`  note: ${note}`);
    console.log(`  log bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
