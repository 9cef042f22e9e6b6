// The Merkle log on a Store: one suite run against the memory store and LevelDB. Appends prepared as batch
// operations and committed, proofs for current and older sizes against the RFC reference, tiles and entry bundles
// as tlog-tiles defines them, reopening, and the prepare/commit/abandon rules.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import { emptyRoot, leafHash } from '../../src/log/hash.js';
import { createMerkleLog, type MerkleLog } from '../../src/log/log.js';
import { checkConsistency, verifyConsistency, verifyInclusion } from '../../src/log/proof.js';
import { consistencyProofFromTiles, inclusionProofFromTiles, parseEntryBundle, rootFromTiles, tileHashes } from '../../src/log/tiles.js';
import { storeImplementations } from '../stores.js';
import { ReferenceTree, hex, logErrorOf, testEntry } from './reference.js';

const implementations = storeImplementations();

async function append(log: MerkleLog, store: Store, entries: Uint8Array[]) {
  const prepared = log.prepareAppend(entries);
  await store.batch(prepared.operations);
  prepared.commit();
  return prepared;
}

async function appendRange(log: MerkleLog, store: Store, from: number, to: number, batch = 1000) {
  for (let i = from; i < to; i += batch) {
    await append(log, store, Array.from({ length: Math.min(batch, to - i) }, (_, j) => testEntry(i + j)));
  }
}

describe.each(implementations)('Merkle log on the %s store', (_name, setup) => {
  it('starts empty', async () => {
    const { store } = await setup();
    const log = createMerkleLog({ store });
    await log.open();
    expect(log.size).toBe(0);
    expect(log.root).toEqual(emptyRoot());
    expect(await log.rootAt(0)).toEqual(emptyRoot());
    expect(await log.tile(0, 0, 1)).toBeUndefined();
    expect(await log.entryBundle(0, 1)).toBeUndefined();
    expect((await logErrorOf(log.inclusionProof(0))).code).toBe('LOG_INDEX_OUT_OF_RANGE');
    expect((await logErrorOf(log.entry(0))).code).toBe('LOG_INDEX_OUT_OF_RANGE');
    await store.close();
  });

  it('appends one at a time: every root, inclusion and consistency proof matches the RFC reference (sizes 1..70)', async () => {
    const { store } = await setup();
    const log = createMerkleLog({ store });
    await log.open();
    const reference = new ReferenceTree(Array.from({ length: 70 }, (_, i) => testEntry(i)));
    for (let i = 0; i < 70; i++) {
      const prepared = await append(log, store, [testEntry(i)]);
      expect(prepared.firstIndex).toBe(i);
      expect(prepared.size).toBe(i + 1);
      expect(hex(prepared.root)).toBe(hex(reference.root(i + 1)));
      expect(hex(prepared.leafHashes[0])).toBe(hex(reference.leaves[i]));
    }
    for (let n = 1; n <= 70; n++) {
      const root = await log.rootAt(n);
      expect(hex(root), `root ${n}`).toBe(hex(reference.root(n)));
      for (let m = 0; m < n; m++) {
        const proof = await log.inclusionProof(m, n);
        expect(proof.map(hex), `${m} in ${n}`).toEqual(reference.path(m, n).map(hex));
        verifyInclusion(m, n, await log.leafHashAt(m), proof, root);
      }
      for (let m = 1; m <= n; m++) {
        const proof = await log.consistencyProof(m, n);
        expect(proof.map(hex), `${m} to ${n}`).toEqual(reference.proof(m, n).map(hex));
        verifyConsistency(m, n, proof, reference.root(m), root);
      }
    }
    await store.close();
  });

  it('holds the spec example of 70,000 leaves as tiles and bundles, and reopens to the same tree', async () => {
    const harness = await setup();
    let log = createMerkleLog({ store: harness.store, cacheTiles: 8 });
    await log.open();
    const sizes = [1, 254, 1, 300, 5000, 30_000, 34_444]; // ragged batches across tile boundaries
    let at = 0;
    for (const n of sizes) {
      await append(log, harness.store, Array.from({ length: n }, (_, j) => testEntry(at + j)));
      at += n;
    }
    expect(log.size).toBe(70_000);
    const reference = new ReferenceTree(Array.from({ length: 70_000 }, (_, i) => testEntry(i)));
    expect(hex(log.root)).toBe(hex(reference.root(70_000)));

    // 273 full level-0 tiles, one of width 112; one full level-1 tile, one of width 17; one level-2 tile of width 1.
    expect((await log.tile(0, 272))?.length).toBe(8192);
    expect(await log.tile(0, 273)).toBeUndefined();
    expect((await log.tile(0, 273, 112))?.length).toBe(112 * 32);
    expect(await log.tile(0, 273, 113)).toBeUndefined();
    expect(await log.tile(0, 274, 1)).toBeUndefined();
    expect((await log.tile(1, 0))?.length).toBe(8192);
    expect((await log.tile(1, 1, 17))?.length).toBe(17 * 32);
    expect((await log.tile(2, 0, 1))?.length).toBe(32);
    expect(await log.tile(2, 0, 2)).toBeUndefined();
    expect(await log.tile(3, 0, 1)).toBeUndefined();
    expect(await log.readResource('tile/1/001.p/17')).toEqual(await log.tile(1, 1, 17));
    // A partial width of a full tile is its prefix: what it was when that tile was partial.
    expect(await log.tile(0, 5, 10)).toEqual((await log.tile(0, 5))!.subarray(0, 320));

    // Tile n of level l holds MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]) for i in 0..255.
    const spec = (l: number, n: number, i: number) => reference.mth((n * 256 + i) * 256 ** l, (n * 256 + i + 1) * 256 ** l);
    for (const [l, n, width] of [[0, 0, 256], [0, 100, 256], [0, 273, 112], [1, 0, 256], [1, 1, 17], [2, 0, 1]] as const) {
      const hashes = tileHashes((await log.tile(l, n, width))!);
      hashes.forEach((h, i) => expect(hex(h), `tile ${l}/${n}[${i}]`).toBe(hex(spec(l, n, i))));
    }

    // Entry bundles: the entries, length-prefixed, full and partial.
    const bundle = parseEntryBundle((await log.entryBundle(100))!);
    expect(bundle).toHaveLength(256);
    expect(bundle[7]).toEqual(testEntry(100 * 256 + 7));
    expect(parseEntryBundle((await log.entryBundle(273, 112))!)).toEqual(Array.from({ length: 112 }, (_, i) => testEntry(273 * 256 + i)));
    expect(await log.entryBundle(273)).toBeUndefined();
    expect(await log.readResource('tile/entries/273.p/112')).toEqual(await log.entryBundle(273, 112));
    expect(await log.entry(69_999)).toEqual(testEntry(69_999));
    expect(await log.entry(12_345)).toEqual(testEntry(12_345));

    // A client that has only the tiles computes the same root and proofs.
    const fetch = (level: number, index: number, width: number) => log.tile(level, index, width);
    expect(hex(await rootFromTiles(70_000, fetch))).toBe(hex(log.root));
    expect(hex(await rootFromTiles(65_537, fetch))).toBe(hex(reference.root(65_537)));
    expect((await inclusionProofFromTiles(65_536, 70_000, fetch)).map(hex)).toEqual((await log.inclusionProof(65_536)).map(hex));
    expect((await consistencyProofFromTiles(1000, 70_000, fetch)).map(hex)).toEqual(reference.proof(1000, 70_000).map(hex));

    // Random proofs against the reference, for the current and older sizes.
    let seed = 7;
    const random = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % max;
    };
    for (let k = 0; k < 100; k++) {
      const n = 1 + random(70_000);
      const m = random(n);
      expect((await log.inclusionProof(m, n)).map(hex)).toEqual(reference.path(m, n).map(hex));
      expect((await log.inclusionProof(m)).map(hex)).toEqual(reference.path(m, 70_000).map(hex));
      const m1 = 1 + random(n);
      expect((await log.consistencyProof(m1, n)).map(hex)).toEqual(reference.proof(m1, n).map(hex));
    }

    // Reopened (LevelDB: from disk), the log is the same tree and keeps growing the same way.
    const store = await harness.reopen();
    log = createMerkleLog({ store });
    await log.open();
    expect(log.size).toBe(70_000);
    expect(hex(log.root)).toBe(hex(reference.root(70_000)));
    expect((await log.inclusionProof(69_999)).map(hex)).toEqual(reference.path(69_999, 70_000).map(hex));
    await append(log, store, [testEntry(70_000)]);
    const grown = new ReferenceTree(Array.from({ length: 70_001 }, (_, i) => testEntry(i)));
    expect(hex(log.root)).toBe(hex(grown.root(70_001)));
    await store.close();
  }, 60_000);

  it('prepareAppend writes nothing; one prepared append at a time; commit and abandon', async () => {
    const harness = await setup();
    const { store } = harness;
    const log = createMerkleLog({ store });
    await log.open();
    await append(log, store, [testEntry(0), testEntry(1)]);
    const before = log.root;

    const prepared = log.prepareAppend([testEntry(2)]);
    expect(prepared.operations.some((op) => op.type === 'put' && op.key === 'log/state')).toBe(true);
    expect(log.size).toBe(2);
    expect((await logErrorOf(() => log.prepareAppend([testEntry(3)]))).code).toBe('LOG_APPEND_PENDING');
    prepared.abandon();
    prepared.abandon(); // idempotent
    expect(() => prepared.commit()).toThrow(TypeError);
    expect(log.root).toEqual(before);
    // Nothing was written: a fresh log on the same store sees two entries.
    const again = createMerkleLog({ store });
    await again.open();
    expect(again.size).toBe(2);

    // Written in the caller's batch together with its own keys, then committed.
    const next = log.prepareAppend([testEntry(2), testEntry(3)]);
    expect(next.firstIndex).toBe(2);
    await store.batch([...next.operations, { type: 'put', key: 'chain/head', value: 'x' }]);
    expect(log.size).toBe(2); // not until commit()
    next.commit();
    expect(log.size).toBe(4);
    expect(() => next.commit()).toThrow(TypeError);
    next.abandon(); // no-op after commit
    expect(await store.get('chain/head')).toBe('x');

    // A batch that was durable though its commit() never ran (a crash in between): reopening finds it.
    const durable = log.prepareAppend([testEntry(4)]);
    await store.batch(durable.operations);
    const reopened = createMerkleLog({ store: await harness.reopen() });
    await reopened.open();
    expect(reopened.size).toBe(5);
    expect(reopened.root).toEqual(durable.root);
    await harness.store.close();
  });

  it('writes O(1) keys per single append, and replaces a filled tile’s positions by the full tile', async () => {
    const { store } = await setup();
    const log = createMerkleLog({ store });
    await log.open();
    const sizes: number[] = [];
    for (let i = 0; i < 515; i++) {
      const prepared = await append(log, store, [testEntry(i)]);
      sizes.push(prepared.operations.reduce((n, op) => n + op.key.length + (op.type === 'put' ? op.value.length : 0), 0));
    }
    // Each append: one leaf hash, one entry, the state (and a tile's worth at the 256th, with its parts deleted).
    expect(Math.max(...sizes.filter((_, i) => (i + 1) % 256 !== 0))).toBeLessThan(400);
    const keys: string[] = [];
    for await (const [key] of store.entries('log/')) keys.push(key);
    expect(keys.filter((k) => k.startsWith('log/tile/00/'))).toEqual([
      'log/tile/00/0000000000000000',
      'log/tile/00/0000000000000001',
      'log/tile/00/0000000000000002/000',
      'log/tile/00/0000000000000002/001',
      'log/tile/00/0000000000000002/002',
    ]);
    expect(keys.filter((k) => k.startsWith('log/entries/'))).toEqual([
      'log/entries/0000000000000000',
      'log/entries/0000000000000001',
      'log/entries/0000000000000002/000',
      'log/entries/0000000000000002/001',
      'log/entries/0000000000000002/002',
    ]);
    expect(keys.filter((k) => k.startsWith('log/tile/01/'))).toEqual(['log/tile/01/0000000000000000/000', 'log/tile/01/0000000000000000/001']);
    expect(hex(log.root)).toBe(hex(new ReferenceTree(Array.from({ length: 515 }, (_, i) => testEntry(i))).root(515)));
    await store.close();
  });

  it('stores full bundles compressed when that is smaller, plainly otherwise, and reads both back', async () => {
    const { store } = await setup();
    const log = createMerkleLog({ store, cacheBundles: 1 });
    await log.open();
    const noise = Array.from({ length: 256 }, (_, i) => { // incompressible: SHA-256 chains of 1,024 bytes
      const bytes = new Uint8Array(1024);
      for (let j = 0; j < 32; j++) bytes.set(leafHash(Uint8Array.of(i, j)), j * 32);
      return bytes;
    });
    const text = Array.from({ length: 256 }, (_, i) => testEntry(i));
    await append(log, store, [...noise, ...text]);
    expect((await store.get('log/entries/0000000000000000'))!.startsWith('z:')).toBe(false);
    expect((await store.get('log/entries/0000000000000001'))!.startsWith('z:')).toBe(true);
    expect(parseEntryBundle((await log.entryBundle(0))!)).toEqual(noise);
    expect(parseEntryBundle((await log.entryBundle(1))!)).toEqual(text);
    expect(await log.entry(3)).toEqual(noise[3]);
    expect(await log.entry(259)).toEqual(text[3]);
    await store.close();
  });

  it('never keeps or changes the caller’s entries; refuses oversized and non-byte entries', async () => {
    const { store } = await setup();
    const log = createMerkleLog({ store });
    await log.open();
    const entry = testEntry(0);
    const copy = entry.slice();
    const prepared = log.prepareAppend([entry]);
    entry.fill(0);
    await store.batch(prepared.operations);
    prepared.commit();
    expect(await log.entry(0)).toEqual(copy);
    expect(hex(await log.leafHashAt(0))).toBe(hex(leafHash(copy)));
    const returned = await log.entry(0);
    returned.fill(0);
    expect(await log.entry(0)).toEqual(copy);
    expect(() => log.prepareAppend([new Uint8Array(65_536)])).toThrow(TypeError);
    expect(() => log.prepareAppend(['x' as unknown as Uint8Array])).toThrow(TypeError);
    const empty = log.prepareAppend([]);
    expect(empty.operations).toEqual([]);
    empty.commit();
    expect(log.size).toBe(1);
    await store.close();
  });

  it('refuses out-of-range and non-numeric requests with stable codes', async () => {
    const { store } = await setup();
    const log = createMerkleLog({ store });
    await log.open();
    await appendRange(log, store, 0, 10, 10);
    for (const call of [
      () => log.inclusionProof(10),
      () => log.inclusionProof(-1),
      () => log.inclusionProof(Number.NaN),
      () => log.inclusionProof(1.5),
      () => log.inclusionProof('3' as unknown as number),
      () => log.inclusionProof(3, 11),
      () => log.inclusionProof(3, 3),
      () => log.consistencyProof(0),
      () => log.consistencyProof(5, 11),
      () => log.consistencyProof(6, 5),
      () => log.rootAt(11),
      () => log.leafHashAt(10),
      () => log.entry(10),
    ]) {
      expect((await logErrorOf(call)).code).toBe('LOG_INDEX_OUT_OF_RANGE');
    }
    expect((await logErrorOf(() => log.tile(64, 0))).code).toBe('LOG_TILE_INVALID');
    expect((await logErrorOf(() => log.tile(0, 0, 0))).code).toBe('LOG_TILE_INVALID');
    expect((await logErrorOf(() => log.readResource('tile/0/1'))).code).toBe('LOG_TILE_INVALID');
    expect(await log.readResource('tile/0/001.p/1')).toBeUndefined();
    expect(await log.consistencyProof(10)).toEqual([]);
    expect(checkConsistency(4, 10, await log.consistencyProof(4), await log.rootAt(4), log.root)).toEqual({ ok: true });
    await store.close();
  });

  it('open() refuses a store whose tiles do not match its state', async () => {
    const harness = await setup();
    const log = createMerkleLog({ store: harness.store });
    await log.open();
    await appendRange(log, harness.store, 0, 600, 600);
    const good = new Map<string, string>();
    for await (const [key, value] of harness.store.entries('log/')) good.set(key, value);
    // open() checks the right edge: the state, the partial tiles and bundle, and the tiles the root is made of.
    const tamper = async (key: string, change: (bytes: Buffer) => void) => {
      const bytes = Buffer.from(good.get(key)!, 'base64');
      change(bytes);
      await harness.store.batch([...[...good].map(([k, value]) => ({ type: 'put' as const, key: k, value })), { type: 'put', key, value: bytes.toString('base64') }]);
      const reopened = createMerkleLog({ store: await harness.reopen() });
      return logErrorOf(reopened.open());
    };
    const partialTile = await tamper('log/tile/00/0000000000000002/001', (b) => void (b[7]! ^= 1));
    expect(partialTile.code).toBe('LOG_STORE_CORRUPT');
    expect(partialTile.evidence).toEqual({ index: 513 }); // the entry no longer hashes to its leaf
    const upperTile = await tamper('log/tile/01/0000000000000000/000', (b) => void (b[0]! ^= 1));
    expect(upperTile.code).toBe('LOG_STORE_CORRUPT');
    expect(upperTile.evidence).toMatchObject({ size: 600, storedRoot: expect.any(String), computedRoot: expect.any(String) });
    expect((await tamper('log/entries/0000000000000002/005', (b) => void (b[5]! ^= 1))).code).toBe('LOG_STORE_CORRUPT');
    await harness.store.batch([...[...good].map(([key, value]) => ({ type: 'put' as const, key, value })), { type: 'del', key: 'log/tile/00/0000000000000002/003' }]);
    const gap = await logErrorOf(createMerkleLog({ store: await harness.reopen() }).open());
    expect(gap.code).toBe('LOG_STORE_CORRUPT');
    expect(gap.evidence).toMatchObject({ position: 3, width: 88 });
    await harness.store.batch([{ type: 'put', key: 'log/state', value: '{"size":600}' }]);
    expect((await logErrorOf(createMerkleLog({ store: await harness.reopen() }).open())).code).toBe('LOG_STORE_CORRUPT');
    await harness.store.close();
  });

  it('keeps separate logs under separate prefixes of one store', async () => {
    const { store } = await setup();
    const a = createMerkleLog({ store, prefix: 'a/' });
    const b = createMerkleLog({ store, prefix: 'b/' });
    await a.open();
    await b.open();
    await append(a, store, [testEntry(1)]);
    await append(b, store, [testEntry(2), testEntry(3)]);
    const a2 = createMerkleLog({ store, prefix: 'a/' });
    await a2.open();
    expect(a2.size).toBe(1);
    expect(b.size).toBe(2);
    await store.close();
  });
});

it('reads stay valid for their size while appends go on', async () => {
  const store = createMemoryStore();
  const log = createMerkleLog({ store, cacheTiles: 2 });
  await log.open();
  await appendRange(log, store, 0, 1000, 1000);
  const root1000 = log.root;
  const proofs = Array.from({ length: 50 }, (_, i) => log.inclusionProof(i * 19, 1000));
  await appendRange(log, store, 1000, 3000, 250);
  const resolved = await Promise.all(proofs);
  resolved.forEach((proof, i) => verifyInclusion(i * 19, 1000, leafHash(testEntry(i * 19)), proof, root1000));
  verifyConsistency(1000, 3000, await log.consistencyProof(1000), root1000, log.root);
  expect(() => createMerkleLog({} as never)).toThrow(TypeError);
  expect(() => createMerkleLog({ store, cacheTiles: 0 })).toThrow(TypeError);
  expect(() => createMerkleLog({ store }).size).toThrow(TypeError);
});
