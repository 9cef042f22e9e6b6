// The append-only Merkle log on a Store, kept as C2SP tiles and entry bundles; appends are prepared as batch
// operations for the caller's own atomic batch, and proofs are computed from tiles.
//
// Store layout under the prefix (values are strings; binary is base64; N is 16-digit zero-padded decimal, L 2 digits):
//   state                 {"size": n, "root": base64}: the committed tree head, written in every append's batch
//   tile/<L>/<N>          a full tile: its 256 hashes and, after them, the 30 hashes of its inner levels 4..7, so a
//                         proof rehashes at most 11 nodes of a tile instead of 247; never changes again
//   tile/<L>/<N>/<JJJ>    one hash of the rightmost, partial tile of level L; replaced by tile/<L>/<N> when it fills
//   entries/<N>           a full entry bundle as served, DEFLATE-compressed (`z:` + base64) when that is smaller
//   entries/<N>/<JJJ>     one entry of the rightmost, partial bundle; replaced by entries/<N> when it fills
// An append of k entries writes O(k) bytes (no partial tile or bundle is rewritten). Every append writes the new
// state with every key it changed in one batch, so whatever batch was last durable is a whole tree: open() reads
// the right edge and checks that it hashes to the stored root.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { LogError } from '../errors.js';
import type { BatchOperation, Store } from '../storage/store.js';
import { HASH_SIZE, bytesEqual, emptyRoot, fromBase64, leafHash, nodeHash, toBase64 } from './hash.js';
import { consistencyPlan, foldNodes, hashPlan, inclusionPlan, isSize, rootNodes, type NodeHashReader, type ProofPlan } from './proof.js';
import {
  MAX_ENTRY_SIZE, STORED_TILE_SIZE, MAX_TILE_LEVEL, TILE_WIDTH, TileHashes, encodeEntryBundle, nodeReader, parseEntryBundle, parseTilePath, tilesForNodes,
} from './tiles.js';

export interface MerkleLogOptions {
  store: Store;
  /** Key prefix of this log in the store; default `log/`. */
  prefix?: string;
  /** Full tiles kept in memory (each with its inner levels, 16 KB); default 1024. */
  cacheTiles?: number;
  /** Full entry bundles kept in memory, parsed; default 16. */
  cacheBundles?: number;
}

/**
 * An append, computed but not yet written: the caller writes `operations` in its own atomic batch (with whatever
 * else must be durable together, such as chain heads), then calls `commit()` so the log's committed state moves
 * on; or `abandon()` if that batch failed. Until one of them is called no other append can be prepared.
 */
export interface PreparedAppend {
  /** Store operations: the new state, the tiles and bundles that filled (their partial positions deleted), and the new positions of the partial ones. */
  readonly operations: BatchOperation[];
  /** The index of the first appended entry. */
  readonly firstIndex: number;
  /** The tree size after the append. */
  readonly size: number;
  /** The root after the append. */
  readonly root: Uint8Array;
  /** The leaf hash of each appended entry, in order. */
  readonly leafHashes: Uint8Array[];
  /** Call once the batch holding `operations` is durable. Throws if this append is no longer pending. */
  commit(): void;
  /**
   * Call when the batch was not written; no-op if already committed or abandoned. If it cannot be told whether the
   * batch was written, open a new log on the store instead: open() finds whatever the last durable batch wrote.
   */
  abandon(): void;
}

export interface MerkleLog {
  /** Loads the last committed state from the store (and checks it against the tiles). Call once, first. */
  open(): Promise<void>;
  /** The committed tree size. */
  readonly size: number;
  /** The committed root (a copy). */
  readonly root: Uint8Array;
  /** Computes an append of `entries` (each at most 65,535 bytes) as batch operations; see PreparedAppend. */
  prepareAppend(entries: readonly Uint8Array[]): PreparedAppend;
  /** The inclusion proof of leaf `index` in the tree of `size` leaves (default: the committed size). */
  inclusionProof(index: number, size?: number): Promise<Uint8Array[]>;
  /** The consistency proof from tree size `size1` (≥ 1) to `size2` (default: the committed size). */
  consistencyProof(size1: number, size2?: number): Promise<Uint8Array[]>;
  /** The root of the tree of any `size` up to the committed size. */
  rootAt(size: number): Promise<Uint8Array>;
  leafHashAt(index: number): Promise<Uint8Array>;
  /** The entry at `index`, as appended. */
  entry(index: number): Promise<Uint8Array>;
  /** Tile `index` of `level` with `width` hashes (256: full), or undefined when the committed tree has no such tile. */
  tile(level: number, index: number, width?: number): Promise<Uint8Array | undefined>;
  /** Entry bundle `index` with `width` entries (256: full), or undefined when there is no such bundle. */
  entryBundle(index: number, width?: number): Promise<Uint8Array | undefined>;
  /** A tlog-tiles resource by its path (`tile/…`); LogError `LOG_TILE_INVALID` on a malformed path. */
  readResource(path: string): Promise<Uint8Array | undefined>;
}

interface EdgeTile {
  /** The tile index of the rightmost tile of its level. */
  index: number;
  /** Its hashes so far, fewer than 256 (a full tile moves to the store and the edge to the next index). */
  hashes: Uint8Array[];
  /** inner[r - 1]: the complete nodes of inner level r (1..7) above those hashes, as the appends' merges made them. */
  inner: Uint8Array[][];
}

const newEdge = (index: number): EdgeTile => ({ index, hashes: [], inner: Array.from({ length: 7 }, () => []) });

/** A committed tree, never changed in place: an append builds the next one. */
interface State {
  size: number;
  root: Uint8Array;
  /** The compact range: the perfect subtrees covering [0, size), left to right, one per set bit of size. */
  range: Uint8Array[];
  /** The rightmost tile of each level that has any hash. */
  edges: EdgeTile[];
  /** The entries of the rightmost, partial entry bundle. */
  bundle: Uint8Array[];
  /** Edge tiles as TileHashes, built when first read. */
  edgeTiles: (TileHashes | undefined)[];
}

const emptyState = (): State => ({ size: 0, root: emptyRoot(), range: [], edges: [], bundle: [], edgeTiles: [] });

export function createMerkleLog(options: MerkleLogOptions): MerkleLog {
  const { store, prefix = 'log/', cacheTiles = 1024, cacheBundles = 16 } = options ?? ({} as MerkleLogOptions);
  if (!store || typeof store.get !== 'function' || typeof store.batch !== 'function') throw new TypeError('createMerkleLog needs a store');
  if (typeof prefix !== 'string') throw new TypeError('The prefix is a string');
  if (!Number.isInteger(cacheTiles) || cacheTiles < 1 || !Number.isInteger(cacheBundles) || cacheBundles < 1) throw new TypeError('Cache sizes are positive integers');

  const stateKey = `${prefix}state`;
  const tileKey = (level: number, index: number) => `${prefix}tile/${String(level).padStart(2, '0')}/${String(index).padStart(16, '0')}`;
  const bundleKey = (index: number) => `${prefix}entries/${String(index).padStart(16, '0')}`;
  const partKey = (base: string, position: number) => `${base}/${String(position).padStart(3, '0')}`;

  let state: State | undefined;
  let pending: object | undefined;
  const tiles = new Lru<TileHashes>(cacheTiles);
  const bundles = new Lru<Uint8Array[]>(cacheBundles);
  const loading = new Map<string, Promise<TileHashes>>();

  const current = (): State => {
    if (!state) throw new TypeError('Call open() on the log first');
    return state;
  };

  const corrupt = (message: string, evidence: Record<string, unknown>) => new LogError('LOG_STORE_CORRUPT', message, { evidence });

  /** A full tile from the cache or the store. */
  function fullTile(level: number, index: number): TileHashes | Promise<TileHashes> {
    const key = `${level}/${index}`;
    const cached = tiles.get(key);
    if (cached) return cached;
    let promise = loading.get(key);
    if (!promise) {
      promise = store.get(tileKey(level, index)).then((raw) => {
        const bytes = raw === undefined ? undefined : decodeStored(raw);
        if (!bytes || bytes.length !== STORED_TILE_SIZE) throw corrupt(`Tile ${level}/${index} is missing or not a full tile`, { level, index, length: bytes?.length ?? null });
        const tile = TileHashes.fromStored(bytes);
        tiles.set(key, tile);
        return tile;
      });
      loading.set(key, promise);
      void promise.then(
        () => loading.delete(key),
        () => loading.delete(key),
      );
    }
    return promise;
  }

  function edgeTile(s: State, level: number): TileHashes {
    let tile = s.edgeTiles[level];
    if (!tile) {
      const edge = s.edges[level]!;
      tile = TileHashes.fromLevels([concat(edge.hashes), ...edge.inner.map(concat)]);
      s.edgeTiles[level] = tile;
    }
    return tile;
  }

  /** A node reader over the tiles of state `s` holding every node of `plan` (all complete in `s`). */
  async function readerFor(s: State, plan: ProofPlan): Promise<NodeHashReader> {
    const found = new Map<string, TileHashes>();
    const waits: Promise<void>[] = [];
    for (const { level, index } of tilesForNodes(plan.flat(), s.size)) {
      const edge = s.edges[level];
      const key = `${level}/${index}`;
      if (!edge || index > edge.index) throw corrupt('A node beyond the tree was asked for', { level, index });
      if (index === edge.index) {
        found.set(key, edgeTile(s, level));
        continue;
      }
      const tile = fullTile(level, index);
      if (tile instanceof TileHashes) found.set(key, tile);
      else waits.push(tile.then((t) => void found.set(key, t)));
    }
    if (waits.length > 0) await Promise.all(waits);
    return nodeReader(found);
  }

  async function resolve(s: State, plan: ProofPlan): Promise<Uint8Array[]> {
    return hashPlan(plan, await readerFor(s, plan)).map((h) => h.slice());
  }

  function checkIndex(value: unknown, limit: number, what: string, s: State): number {
    if (!isSize(value) || value >= limit) {
      throw new LogError('LOG_INDEX_OUT_OF_RANGE', `The ${what} is out of range`, { evidence: { [what]: typeof value === 'number' ? value : String(value), size: s.size } });
    }
    return value;
  }

  /** Positions 0..width-1 of a partial tile or bundle (any beyond are ignored). */
  async function readParts(base: string, width: number, valid: (bytes: Uint8Array) => boolean): Promise<Uint8Array[]> {
    const parts: (Uint8Array | undefined)[] = new Array(width).fill(undefined);
    if (width === 0) return [];
    for await (const [key, value] of store.entries(`${base}/`)) {
      const position = Number(key.slice(base.length + 1));
      if (Number.isInteger(position) && position < width) parts[position] = decodeStored(value);
    }
    const missing = parts.findIndex((part) => !part || !valid(part));
    if (missing >= 0) throw corrupt(`The right edge ${base.slice(prefix.length)} is missing or malformed at ${missing}`, { key: base.slice(prefix.length), position: missing, width });
    return parts as Uint8Array[];
  }

  async function open(): Promise<void> {
    if (state) throw new TypeError('The log is already open');
    const raw = await store.get(stateKey);
    if (raw === undefined) {
      state = emptyState();
      return;
    }
    let parsed: { size?: unknown; root?: unknown };
    try {
      parsed = JSON.parse(raw) as typeof parsed;
    } catch (err) {
      throw new LogError('LOG_STORE_CORRUPT', 'The stored log state is not JSON', { cause: err });
    }
    const size = parsed.size;
    const root = typeof parsed.root === 'string' ? fromBase64(parsed.root) : undefined;
    if (!isSize(size) || !root || root.length !== HASH_SIZE) throw corrupt('The stored log state is malformed', { state: raw.slice(0, 200) });
    if (size === 0) {
      state = emptyState();
      return;
    }

    const edges: EdgeTile[] = [];
    for (let level = 0, count = size; count > 0 && level <= MAX_TILE_LEVEL; level++, count = Math.floor(count / TILE_WIDTH)) {
      const edge = newEdge(Math.floor(count / TILE_WIDTH));
      const width = count % TILE_WIDTH;
      if (width > 0) {
        edge.hashes = await readParts(tileKey(level, edge.index), width, (bytes) => bytes.length === HASH_SIZE);
        const tile = new TileHashes(concat(edge.hashes));
        edge.inner = edge.inner.map((_, r) => Array.from({ length: Math.floor(width / 2 ** (r + 1)) }, (_, j) => tile.node(r + 1, j).slice()));
      }
      edges.push(edge);
    }

    const bundleWidth = size % TILE_WIDTH;
    const bundle = await readParts(bundleKey(Math.floor(size / TILE_WIDTH)), bundleWidth, (bytes) => bytes.length <= MAX_ENTRY_SIZE);
    bundle.forEach((entry, i) => {
      if (!bytesEqual(leafHash(entry), edges[0]!.hashes[i]!)) throw corrupt('An entry does not hash to its leaf hash', { index: size - bundleWidth + i });
    });

    const candidate: State = { size, root, range: [], edges, bundle, edgeTiles: [] };
    const nodes = rootNodes(size);
    const reader = await readerFor(candidate, [nodes]);
    candidate.range = nodes.map((node) => reader(node).slice());
    const computed = foldNodes(candidate.range);
    if (!bytesEqual(computed, root)) throw corrupt('The stored root is not the root of the stored tiles', { size, storedRoot: toBase64(root), computedRoot: toBase64(computed) });
    state = candidate;
  }

  function prepareAppend(entries: readonly Uint8Array[]): PreparedAppend {
    const s = current();
    if (!Array.isArray(entries)) throw new TypeError('prepareAppend takes an array of entries');
    for (const entry of entries) {
      if (!(entry instanceof Uint8Array)) throw new TypeError('A log entry is a Uint8Array');
      if (entry.length > MAX_ENTRY_SIZE) throw new TypeError(`A log entry is at most ${MAX_ENTRY_SIZE} bytes (tlog-tiles entry bundles)`);
    }
    if (pending) throw new LogError('LOG_APPEND_PENDING', 'Another prepared append is neither committed nor abandoned', { evidence: { size: s.size } });

    const operations: BatchOperation[] = [];
    const fullTiles: [string, TileHashes][] = [];
    const fullBundles: [number, Uint8Array[]][] = [];
    const range = s.range.slice();
    const edges = s.edges.map((e) => ({ index: e.index, hashes: e.hashes.slice(), inner: e.inner.map((level) => level.slice()) }));
    const touched = new Set<number>();
    let bundle = s.bundle.slice();
    let bundleIndex = Math.floor(s.size / TILE_WIDTH);
    let size = s.size;
    const leafHashes: Uint8Array[] = [];
    /** Positions of the committed partial tile or bundle `base` that are in the store: deleted when it fills. */
    const storedParts = (base: string, count: number) => Array.from({ length: count }, (_, j): BatchOperation => ({ type: 'del', key: partKey(base, j) }));

    // A node the merges completed: level 8·L joins tile level L, the levels between are that tile's inner levels.
    const record = (level: number, node: Uint8Array) => {
      const tileLevel = Math.floor(level / 8);
      const inner = level - tileLevel * 8;
      const edge = (edges[tileLevel] ??= newEdge(0));
      if (inner === 0) edge.hashes.push(node);
      else edge.inner[inner - 1]!.push(node);
      touched.add(tileLevel);
    };
    const flushFullTile = (tileLevel: number) => {
      const edge = edges[tileLevel]!;
      const tile = TileHashes.fromLevels([concat(edge.hashes), ...edge.inner.map(concat)]);
      const key = tileKey(tileLevel, edge.index);
      operations.push({ type: 'put', key, value: toBase64(tile.stored()) });
      const committed = s.edges[tileLevel];
      if (committed?.index === edge.index) operations.push(...storedParts(key, committed.hashes.length));
      fullTiles.push([`${tileLevel}/${edge.index}`, tile]);
      edges[tileLevel] = newEdge(edge.index + 1);
    };

    for (const input of entries) {
      const entry = input.slice(); // hashed once, here; the caller's array is neither kept nor changed
      const hash = leafHash(entry);
      leafHashes.push(hash);
      bundle.push(entry);
      if (bundle.length === TILE_WIDTH) {
        const key = bundleKey(bundleIndex);
        operations.push({ type: 'put', key, value: encodeStoredBundle(encodeEntryBundle(bundle)) });
        if (bundleIndex === Math.floor(s.size / TILE_WIDTH)) operations.push(...storedParts(key, s.bundle.length));
        fullBundles.push([bundleIndex, bundle]);
        bundle = [];
        bundleIndex++;
      }
      // Merge equal-height subtrees on the right edge (the compact range), recording every node made.
      record(0, hash);
      let node = hash;
      let index = size;
      let level = 0;
      while (index % 2 === 1) {
        node = nodeHash(range.pop()!, node);
        index = (index - 1) / 2;
        level++;
        record(level, node);
      }
      range.push(node);
      size++;
      for (let tileLevel = 0; tileLevel <= Math.floor(level / 8); tileLevel++) {
        if (edges[tileLevel]!.hashes.length === TILE_WIDTH) flushFullTile(tileLevel);
      }
    }

    // The right edge: only the positions added since the committed state are written.
    for (const tileLevel of touched) {
      const edge = edges[tileLevel]!;
      const committed = s.edges[tileLevel];
      const from = committed?.index === edge.index ? committed.hashes.length : 0;
      const key = tileKey(tileLevel, edge.index);
      for (let j = from; j < edge.hashes.length; j++) operations.push({ type: 'put', key: partKey(key, j), value: toBase64(edge.hashes[j]!) });
    }
    const bundleFrom = bundleIndex === Math.floor(s.size / TILE_WIDTH) ? s.bundle.length : 0;
    for (let j = bundleFrom; j < bundle.length; j++) operations.push({ type: 'put', key: partKey(bundleKey(bundleIndex), j), value: toBase64(bundle[j]!) });
    const root = size === 0 ? emptyRoot() : foldNodes(range);
    if (entries.length > 0) operations.push({ type: 'put', key: stateKey, value: JSON.stringify({ size, root: toBase64(root) }) });
    const next: State = { size, root, range, edges, bundle, edgeTiles: [] };

    const token = {};
    pending = token;
    return {
      operations,
      firstIndex: s.size,
      size,
      root: root.slice(),
      leafHashes: leafHashes.map((h) => h.slice()),
      commit() {
        if (pending !== token) throw new TypeError('This prepared append was already committed or abandoned');
        if (state !== s) throw new TypeError('The log moved on since this append was prepared');
        state = next;
        pending = undefined;
        for (const [key, tile] of fullTiles) tiles.set(key, tile);
        for (const [index, entries] of fullBundles) bundles.set(String(index), entries);
      },
      abandon() {
        if (pending === token) pending = undefined;
      },
    };
  }

  async function bundleEntries(s: State, index: number): Promise<Uint8Array[]> {
    const bundleEdge = Math.floor(s.size / TILE_WIDTH);
    if (index === bundleEdge) return s.bundle;
    const key = String(index);
    const cached = bundles.get(key);
    if (cached) return cached;
    const raw = await store.get(bundleKey(index));
    const bytes = raw === undefined ? undefined : decodeStoredBundle(raw);
    const entries = bytes ? parseEntryBundle(bytes) : [];
    if (entries.length !== TILE_WIDTH) throw corrupt(`Entry bundle ${index} is missing or not full`, { index, entries: entries.length });
    bundles.set(key, entries);
    return entries;
  }

  async function tile(level: number, index: number, width: number = TILE_WIDTH): Promise<Uint8Array | undefined> {
    const s = current();
    if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL || !isSize(index) || !Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
      throw new LogError('LOG_TILE_INVALID', 'Tile coordinates are a level 0..63, an index and a width 1..256', { evidence: { level, index, width } });
    }
    const edge = s.edges[level];
    if (!edge || index > edge.index) return undefined;
    if (index === edge.index) return width <= edge.hashes.length ? concat(edge.hashes.slice(0, width)) : undefined;
    // A full tile; a partial width of it is its prefix (clients holding an older checkpoint may still ask).
    const full = await fullTile(level, index);
    return full.bytes.slice(0, width * HASH_SIZE);
  }

  async function entryBundle(index: number, width: number = TILE_WIDTH): Promise<Uint8Array | undefined> {
    const s = current();
    if (!isSize(index) || !Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
      throw new LogError('LOG_TILE_INVALID', 'Entry bundle coordinates are an index and a width 1..256', { evidence: { index, width } });
    }
    const bundleEdge = Math.floor(s.size / TILE_WIDTH);
    if (index > bundleEdge) return undefined;
    const entries = await bundleEntries(s, index);
    if (width > entries.length) return undefined;
    return encodeEntryBundle(entries.slice(0, width));
  }

  return {
    open,
    get size() {
      return current().size;
    },
    get root() {
      return current().root.slice();
    },
    prepareAppend,
    async inclusionProof(index, size) {
      const s = current();
      const treeSize = size === undefined ? s.size : checkIndex(size, s.size + 1, 'size', s);
      const leaf = checkIndex(index, treeSize, 'index', s);
      return resolve(s, inclusionPlan(leaf, treeSize));
    },
    async consistencyProof(size1, size2) {
      const s = current();
      const second = size2 === undefined ? s.size : checkIndex(size2, s.size + 1, 'size2', s);
      const first = checkIndex(size1, second + 1, 'size1', s);
      if (first === 0) throw new LogError('LOG_INDEX_OUT_OF_RANGE', 'A consistency proof starts from a tree of at least one leaf', { evidence: { size1: first, size2: second } });
      return resolve(s, consistencyPlan(first, second));
    },
    async rootAt(size) {
      const s = current();
      const treeSize = checkIndex(size, s.size + 1, 'size', s);
      if (treeSize === s.size) return s.root.slice();
      if (treeSize === 0) return emptyRoot();
      const [root] = await resolve(s, [rootNodes(treeSize)]);
      return root!;
    },
    async leafHashAt(index) {
      const s = current();
      const leaf = checkIndex(index, s.size, 'index', s);
      const [hash] = await resolve(s, [[{ level: 0, index: leaf }]]);
      return hash!;
    },
    async entry(index) {
      const s = current();
      const leaf = checkIndex(index, s.size, 'index', s);
      const entries = await bundleEntries(s, Math.floor(leaf / TILE_WIDTH));
      return entries[leaf % TILE_WIDTH]!.slice();
    },
    tile,
    entryBundle,
    async readResource(path) {
      const resource = parseTilePath(path);
      return resource.kind === 'tile' ? tile(resource.level, resource.index, resource.width) : entryBundle(resource.index, resource.width);
    },
  };
}

/**
 * A full entry bundle as stored: `z:` and the base64 of its raw DEFLATE (level 1: ledger entries are JSON and shrink
 * about 5×, for 0.2 ms a bundle, which makes the append batch bytes and the disk smaller), or plain base64 when
 * DEFLATE would not make it smaller.
 */
function encodeStoredBundle(bundle: Uint8Array): string {
  const deflated = deflateRawSync(bundle, { level: 1 });
  return deflated.length < bundle.length ? `z:${deflated.toString('base64')}` : toBase64(bundle);
}

function decodeStoredBundle(text: string): Uint8Array {
  if (!text.startsWith('z:')) return decodeStored(text);
  const bytes = inflateRawSync(Buffer.from(text.slice(2), 'base64'));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Base64 from our own store, decoded without the canonical-form check that input from outside gets. */
function decodeStored(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concat(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

/** A least-recently-used map of bounded size. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
