// The Merkle log on LevelDB: durable appends per second (batched) next to the raw LevelDB batch-write rate measured
// in the same run, bytes on disk per entry, the time to build and reopen a 1,000,000-entry log, and the time to
// generate and verify inclusion and consistency proofs at that size. Figures only: a missed target is reported,
// never turned into a non-zero exit.
import { hash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
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
const SINGLE_MS = Number(process.env.BENCH_LOG_SINGLE_MS ?? 700);

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
  await appendEntries(log, store, Array.from({ length: count }, (_, j) => entry(from + j)));
}

async function appendEntries(log: MerkleLog, store: Store, entries: Uint8Array[]): Promise<void> {
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
    // Entries are made before each batch's clock starts: only the write (raw) or prepare + batch + commit (log) counts.
    let rawNext = 0;
    const totals = { raw: { entries: 0, ms: 0 }, log: { entries: 0, ms: 0 } };
    const rawBatch = async (count: number) => {
      const operations: BatchOperation[] = Array.from({ length: count }, (_, j) => ({ type: 'put', key: `raw/${String(rawNext + j).padStart(12, '0')}`, value: entryJson(rawNext + j) }));
      rawNext += count;
      const t0 = performance.now();
      await rawStore.batch(operations);
      return performance.now() - t0;
    };
    const logBatch = async (count: number) => {
      const entries = Array.from({ length: count }, (_, j) => entry(log.size + j));
      const t0 = performance.now();
      await appendEntries(log, logStore, entries);
      return performance.now() - t0;
    };
    const loop = async (kind: 'raw' | 'log', ms: number, count: number, into: { entries: number; ms: number }) => {
      const wall = performance.now();
      while (performance.now() - wall < ms) {
        into.ms += await (kind === 'raw' ? rawBatch(count) : logBatch(count));
        into.entries += count;
      }
    };
    await loop('raw', 300, BATCH, { entries: 0, ms: 0 }); // warm-up, both
    await loop('log', 300, BATCH, { entries: 0, ms: 0 });
    for (let round = 0; round < ROUNDS; round++) {
      await loop('raw', ROUND_MS, BATCH, totals.raw);
      await loop('log', ROUND_MS, BATCH, totals.log);
    }
    const rawRate = (totals.raw.entries * 1000) / totals.raw.ms;
    const logRate = (totals.log.entries * 1000) / totals.log.ms;

    // One entry per batch: the ledger's usual write (one credential, acknowledged once durable).
    const single = { raw: { entries: 0, ms: 0 }, log: { entries: 0, ms: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      await loop('raw', SINGLE_MS, 1, single.raw);
      await loop('log', SINGLE_MS, 1, single.log);
    }
    const singleRaw = (single.raw.entries * 1000) / single.raw.ms;
    const singleLog = (single.log.entries * 1000) / single.log.ms;
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

    // 3. Let LevelDB finish compacting what the bulk build left (a full compaction, timed), so the figures below are
    // of a settled store; reopen (the log checks its right edge against the root); then bytes on disk.
    const compactStart = performance.now();
    const raw = new Level<string, string>(join(root, 'log'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await raw.open();
    // In Node, `level` is classic-level, which has compactRange; its browser-neutral typings do not declare it.
    await (raw as unknown as { compactRange(start: string, end: string): Promise<void> }).compactRange('', '\uffff');
    await raw.close();
    const compactSeconds = (performance.now() - compactStart) / 1000;
    const reopenedStore = await openLevelStore(join(root, 'log'));
    const openStart = performance.now();
    const big = createMerkleLog({ store: reopenedStore });
    await big.open();
    const openMs = performance.now() - openStart;
    const bytesPerEntry = directorySize(join(root, 'log')) / big.size;
    const size = big.size;
    const bigRoot = big.root;

    // 4. Proofs at TARGET_SIZE, each generated and verified, timed one by one. The first pass runs right after the
    // reopen (our tile cache empty, LevelDB opening its table files); the passes after it each use new random cases.
    process.stderr.write(`log: inclusion and consistency proofs at ${size.toLocaleString('en-US')} entries\n`);
    const inclusionPass = async () => {
      const cases = Array.from({ length: PROOFS }, () => {
        const index = random(size);
        return { index, leaf: leafHash(entry(index)) }; // the verifier has the entry: hashed before the clock starts
      });
      lastCases = cases;
      const times: number[] = [];
      for (const { index, leaf } of cases) {
        const t0 = performance.now();
        const proof = await big.inclusionProof(index);
        verifyInclusion(index, size, leaf, proof, bigRoot);
        times.push(performance.now() - t0);
        proofLength = Math.max(proofLength, proof.length);
      }
      return times;
    };
    let proofLength = 0;
    let lastCases: { index: number; leaf: Uint8Array }[] = [];
    const inclusionColdMs = await inclusionPass();
    const inclusionMs = await inclusionPass();
    // The same cases again: their tiles are now in the log's cache, so this is the computing alone.
    const inclusionHotMs = await (async () => {
      const times: number[] = [];
      for (const { index, leaf } of lastCases) {
        const t0 = performance.now();
        verifyInclusion(index, size, leaf, await big.inclusionProof(index), bigRoot);
        times.push(performance.now() - t0);
      }
      return times;
    })();
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
    // The same tree with a tile cache that holds all of it (every level-0 tile, read once first): reads never reach
    // LevelDB, so this is what the proofs cost without the store's read latency.
    const wholeTiles = Math.ceil(size / 256) + Math.ceil(size / 65536) + 2;
    const cachedLog = createMerkleLog({ store: reopenedStore, cacheTiles: wholeTiles });
    await cachedLog.open();
    for (let i = 0; i < Math.floor(size / 256); i++) await cachedLog.tile(0, i);
    for (let i = 0; i < Math.floor(size / 65536); i++) await cachedLog.tile(1, i);
    const wholeCachedMs: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const index = random(size);
      const leaf = leafHash(entry(index));
      const t0 = performance.now();
      verifyInclusion(index, size, leaf, await cachedLog.inclusionProof(index), bigRoot);
      wholeCachedMs.push(performance.now() - t0);
    }
    await reopenedStore.close();

    // Table.
    const row = (name: string, value: string, detail = '') => console.log(`${name.padEnd(53)}  ${value.padEnd(16)}  ${detail}`);
    const ms = (values: number[]) => `${percentile(values, 0.5).toFixed(3)} ms`;
    const p99 = (values: number[]) => `p99 ${percentile(values, 0.99).toFixed(3)} ms, max ${Math.max(...values).toFixed(3)} ms`;
    console.log('');
    console.log(`Merkle log on LevelDB (entries of ~${Math.round(sampleSize)} bytes of JSON, batches of ${BATCH.toLocaleString('en-US')}, ${ROUNDS} alternating rounds of ${ROUND_MS} ms; entries made off the clock)`);
    console.log('Figure                                                 Value             Detail');
    console.log('-----------------------------------------------------  ----------------  ----------------');
    row('raw LevelDB batch write (sync: true)', `${Math.round(rawRate).toLocaleString('en-US')} entries/s`, `${BATCH} puts of ~${Math.round(sampleSize)} B per batch, n=${totals.raw.entries.toLocaleString('en-US')}`);
    row('durable log append (prepareAppend + batch + commit)', `${Math.round(logRate).toLocaleString('en-US')} entries/s`, `${BATCH} entries per batch, n=${totals.log.entries.toLocaleString('en-US')}`);
    row('raw LevelDB put, one per batch (sync: true)', `${Math.round(singleRaw).toLocaleString('en-US')} writes/s`, `n=${single.raw.entries}`);
    row('durable log append, one entry per batch', `${Math.round(singleLog).toLocaleString('en-US')} appends/s`, `n=${single.log.entries}; ${(singleLog / singleRaw).toFixed(2)} of the raw single put`);
    row(`build to ${size.toLocaleString('en-US')} entries`, `${buildSeconds.toFixed(1)} s`, durableUntil < TARGET_SIZE ? `durable to ${durableUntil.toLocaleString('en-US')}, then sync off` : 'all batches sync: true');
    row('bytes on disk per entry', `${bytesPerEntry.toFixed(0)} B`, `LevelDB folder after a full compaction (${compactSeconds.toFixed(1)} s), ${(bytesPerEntry * size / 2 ** 20).toFixed(0)} MiB for ${size.toLocaleString('en-US')} entries`);
    row(`open() at ${size.toLocaleString('en-US')} entries`, `${openMs.toFixed(1)} ms`, 'loads the right edge, recomputes and checks the root');
    row('inclusion proof, gen + verify, first 1,000 after open', ms(inclusionColdMs), `${p99(inclusionColdMs)}, ${proofLength} hashes`);
    row('inclusion proof, gen + verify, next 1,000', ms(inclusionMs), p99(inclusionMs));
    row('inclusion proof, gen + verify, those again (tiles cached)', ms(inclusionHotMs), p99(inclusionHotMs));
    row(`inclusion proof, cache holding all ${wholeTiles.toLocaleString('en-US')} tiles (~${Math.round((wholeTiles * 9152) / 2 ** 20)} MiB)`, ms(wholeCachedMs), p99(wholeCachedMs));
    row('consistency proof to the current size, gen + verify', ms(consistencyMs), p99(consistencyMs));
    row('consistency proof between two older sizes, gen + verify', ms(olderMs), p99(olderMs));
    row('rootAt(random older size)', ms(rootAtMs), p99(rootAtMs));
    const ratio = logRate / rawRate;
    const worst = (p: number, sets: number[][]) => Math.max(...sets.map((v) => percentile(v, p)));
    const steady = [inclusionMs, consistencyMs, olderMs];
    const target = (name: string, value: number) => console.log(`${name.padEnd(53)}  ${`${value.toFixed(3)} ms`.padEnd(16)}  target < 1 ms  ${value < 1 ? 'yes' : 'NO'}`);
    console.log(`${'durable appends / raw batch rate'.padEnd(53)}  ${ratio.toFixed(3).padEnd(16)}  target >= 0.5  ${ratio >= 0.5 ? 'yes' : 'NO'}`);
    target(`proof at ${size.toLocaleString('en-US')}, worst median (all passes)`, worst(0.5, [inclusionColdMs, ...steady]));
    target(`proof at ${size.toLocaleString('en-US')}, worst p99 (after the first pass)`, worst(0.99, steady));
    target(`proof at ${size.toLocaleString('en-US')}, p99 of the first pass after open`, percentile(inclusionColdMs, 0.99));
    target(`proof at ${size.toLocaleString('en-US')}, p99 with its tiles cached`, percentile(inclusionHotMs, 0.99));
    target(`proof at ${size.toLocaleString('en-US')}, p99 with the whole tree cached`, percentile(wholeCachedMs, 0.99));
    console.log(`  load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores (other work on the machine shows in the p99s)`);
    for (const note of notes) console.log(`  note: ${note}`);
    console.log(`  log bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
