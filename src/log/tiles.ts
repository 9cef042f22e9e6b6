// C2SP tlog-tiles: tile and entry-bundle paths, bundle encoding, and any tree node, root or proof computed from tiles.
//
// A tile at level L holds up to 256 consecutive hashes of tree level 8·L; the seven tree levels between two tile
// levels are not served but rehashed from the tile below (the log keeps some of them in its store, see log.ts). Tile N of level L covers leaves
// [N·256^(L+1), (N+1)·256^(L+1)). The rightmost tile of a level is partial (1..255 hashes) unless the tree size
// fills it; empty tiles do not exist.
// @see https://c2sp.org/tlog-tiles
import { LogError } from '../errors.js';
import { HASH_SIZE, emptyRoot, sha256 } from './hash.js';
import { consistencyPlan, hashPlan, inclusionPlan, isSize, rootNodes, type NodeHashReader, type NodeId, type ProofPlan } from './proof.js';

/** Tree levels per tile level. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile, and entries in a full entry bundle. */
export const TILE_WIDTH = 256;
/** Tile levels are 0..63 (c2sp.org/tlog-tiles). */
export const MAX_TILE_LEVEL = 63;
/** An entry in a bundle is prefixed by a big-endian uint16 length. */
export const MAX_ENTRY_SIZE = 0xffff;

/** A tile or entry-bundle resource: `width` is 256 for a full one, 1..255 for a partial one. */
export type TileResource = { kind: 'tile'; level: number; index: number; width: number } | { kind: 'entries'; index: number; width: number };

// --- paths ----------------------------------------------------------------------------------------------------

/** `<N>` as zero-padded 3-digit path elements, all but the last prefixed with `x`: 1234067 → `x001/x234/067`. */
export function formatTileIndex(index: number): string {
  if (!isSize(index)) throw new TypeError('A tile index is a non-negative safe integer');
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new TypeError('A tile width is 1..256');
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]`. */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new TypeError('A tile level is 0..63');
  return `tile/${level}/${formatTileIndex(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`. */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  return `tile/entries/${formatTileIndex(index)}${widthSuffix(width)}`;
}

const LEVEL = '(0|[1-9][0-9]?)';
const INDEX = '((?:x[0-9]{3}/)*[0-9]{3})';
const WIDTH = '(?:\\.p/([1-9][0-9]{0,2}))?';
const TILE_PATH = new RegExp(`^tile/(?:entries|${LEVEL})/${INDEX}${WIDTH}$`);

/**
 * Parses a tile or entry-bundle path (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, as the HTTP route sees
 * it after the log's prefix). Only the canonical form is accepted: no leading zeros in L or W, no leading `x000/`
 * element, L ≤ 63, 1 ≤ W ≤ 255. Anything else throws LogError `LOG_TILE_INVALID` with the path as evidence.
 */
export function parseTilePath(path: string): TileResource {
  const invalid = (reason: string) => new LogError('LOG_TILE_INVALID', `Not a tile path: ${reason}`, { evidence: { path: String(path).slice(0, 200), reason } });
  if (typeof path !== 'string') throw invalid('not a string');
  const match = TILE_PATH.exec(path);
  if (!match) throw invalid('expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>] with 3-digit index elements');
  const [, levelText, indexText, widthText] = match;
  const elements = indexText!.split('/');
  if (elements.length > 1 && elements[0] === 'x000') throw invalid('the index has a leading zero element');
  const index = Number(elements.map((e) => e.replace('x', '')).join(''));
  if (!Number.isSafeInteger(index)) throw invalid('the index is too large');
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) throw invalid('a partial width is 1..255');
  if (levelText === undefined) return { kind: 'entries', index, width };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) throw invalid('the level is above 63');
  return { kind: 'tile', level, index, width };
}

/** The path of a parsed resource (the inverse of parseTilePath). */
export function resourcePath(resource: TileResource): string {
  return resource.kind === 'tile' ? tilePath(resource.level, resource.index, resource.width) : entriesPath(resource.index, resource.width);
}

// --- entry bundles --------------------------------------------------------------------------------------------

/** An entry bundle: each entry as a big-endian uint16 length followed by its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) throw new TypeError(`A log entry is at most ${MAX_ENTRY_SIZE} bytes`);
    total += 2 + entry.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const entry of entries) {
    out[at] = entry.length >>> 8;
    out[at + 1] = entry.length & 0xff;
    out.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return out;
}

/** The entries of a bundle; throws LogError `LOG_TILE_INVALID` when a length runs past the end. */
export function parseEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new LogError('LOG_TILE_INVALID', 'Entry bundle truncated in a length prefix', { evidence: { offset: at, length: bundle.length } });
    const size = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + size > bundle.length) throw new LogError('LOG_TILE_INVALID', 'Entry bundle truncated in an entry', { evidence: { offset: at, entrySize: size, length: bundle.length } });
    entries.push(bundle.slice(at + 2, at + 2 + size));
    at += 2 + size;
  }
  if (entries.length > TILE_WIDTH) throw new LogError('LOG_TILE_INVALID', 'Entry bundle holds more than 256 entries', { evidence: { entries: entries.length } });
  return entries;
}

// --- tile geometry --------------------------------------------------------------------------------------------

/** How many hashes tile `index` of `level` has in a tree of `size` leaves: 256, 1..255 (the partial edge), or 0. */
export function tileWidth(level: number, index: number, size: number): number {
  const count = Math.floor(size / TILE_WIDTH ** level); // complete nodes at tree level 8·level
  return Math.max(0, Math.min(TILE_WIDTH, count - index * TILE_WIDTH));
}

/** Where a node lives: its tile, and its level and index inside that tile's 8-level subtree. */
export function tileOfNode(node: NodeId): { level: number; index: number; innerLevel: number; innerIndex: number } {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const innerLevel = node.level - level * TILE_HEIGHT;
  const perTile = TILE_WIDTH / 2 ** innerLevel; // nodes of this level per tile
  const index = Math.floor(node.index / perTile);
  return { level, index, innerLevel, innerIndex: node.index - index * perTile };
}

/** Inner levels from this one up (4..7, 30 hashes) are stored with a full tile; the ones below cost ≤ 7 hashes each. */
export const STORED_INNER_LEVEL = 4;
/** Bytes of a full tile as the log stores it: its 256 hashes, then inner levels 4, 5, 6 and 7 (16 + 8 + 4 + 2). */
export const STORED_TILE_SIZE = (TILE_WIDTH + (TILE_WIDTH >> (STORED_INNER_LEVEL - 1)) - 2) * HASH_SIZE;

/**
 * One tile's hashes and the 8-level subtree above them: the tile's own hashes are inner level 0; inner levels 1..7
 * are either given (the appends' merges made them; a stored full tile keeps levels 4..7) or hashed from below when
 * first needed. Only nodes complete within the tile's width exist.
 */
export class TileHashes {
  readonly width: number;
  private readonly levels: (Uint8Array | undefined)[];

  /** `hashes` is the tile's bytes (width · 32); it is kept, not copied, so callers must not change it. */
  constructor(hashes: Uint8Array) {
    if (hashes.length % HASH_SIZE !== 0 || hashes.length === 0 || hashes.length > TILE_WIDTH * HASH_SIZE) {
      throw new LogError('LOG_TILE_INVALID', 'A tile is 1..256 hashes of 32 bytes', { evidence: { length: hashes.length } });
    }
    this.width = hashes.length / HASH_SIZE;
    this.levels = [hashes, ...new Array<undefined>(TILE_HEIGHT - 1)];
  }

  /** A tile from all its levels at once: the hashes, then inner levels 1..7 as far as they are complete (kept). */
  static fromLevels(levels: readonly Uint8Array[]): TileHashes {
    const tile = new TileHashes(levels[0]!);
    if (levels.length !== TILE_HEIGHT) throw new TypeError('A tile has 8 levels');
    for (let r = 1; r < TILE_HEIGHT; r++) tile.setLevel(r, levels[r]!);
    return tile;
  }

  /** A full tile from its stored form (see `stored()`); the bytes are kept, not copied. */
  static fromStored(bytes: Uint8Array): TileHashes {
    if (bytes.length !== STORED_TILE_SIZE) throw new LogError('LOG_TILE_INVALID', 'Not a stored full tile', { evidence: { length: bytes.length } });
    const tile = new TileHashes(bytes.subarray(0, TILE_WIDTH * HASH_SIZE));
    let at = TILE_WIDTH * HASH_SIZE;
    for (let r = STORED_INNER_LEVEL; r < TILE_HEIGHT; r++) {
      const length = (TILE_WIDTH >> r) * HASH_SIZE;
      tile.setLevel(r, bytes.subarray(at, at + length));
      at += length;
    }
    return tile;
  }

  private setLevel(r: number, level: Uint8Array): void {
    if (level.length !== Math.floor(this.width / 2 ** r) * HASH_SIZE) throw new TypeError(`Inner level ${r} of a tile of width ${this.width} has the wrong size`);
    this.levels[r] = level;
  }

  /** The tile's bytes. */
  get bytes(): Uint8Array {
    return this.levels[0]!;
  }

  /** The stored form of a full tile: its hashes followed by inner levels 4..7. */
  stored(): Uint8Array {
    if (this.width !== TILE_WIDTH) throw new TypeError('Only a full tile has a stored form');
    const out = new Uint8Array(STORED_TILE_SIZE);
    out.set(this.bytes, 0);
    let at = TILE_WIDTH * HASH_SIZE;
    for (let r = STORED_INNER_LEVEL; r < TILE_HEIGHT; r++) {
      const level = this.level(r);
      out.set(level, at);
      at += level.length;
    }
    return out;
  }

  /** The hash at `innerLevel` (0..7), position `innerIndex`; a view into this tile or a fresh hash, never to change. */
  node(innerLevel: number, innerIndex: number): Uint8Array {
    const span = 2 ** innerLevel;
    if (innerLevel < 0 || innerLevel >= TILE_HEIGHT || innerIndex < 0 || (innerIndex + 1) * span > this.width) {
      throw new LogError('LOG_TILE_INVALID', 'The node is not complete in this tile', { evidence: { innerLevel, innerIndex, width: this.width } });
    }
    const level = this.levels[innerLevel];
    if (level) return level.subarray(innerIndex * HASH_SIZE, (innerIndex + 1) * HASH_SIZE);
    // Below the stored levels a node is at most 8 hashes from the tile's own: hash just those.
    if (innerLevel < STORED_INNER_LEVEL) return this.hashRange(innerIndex * span, span);
    return this.level(innerLevel).subarray(innerIndex * HASH_SIZE, (innerIndex + 1) * HASH_SIZE);
  }

  /** Every complete node of inner level r, hashing the missing levels below it once. */
  private level(r: number): Uint8Array {
    const known = this.levels[r];
    if (known) return known;
    const below = this.level(r - 1);
    const count = Math.floor(below.length / HASH_SIZE / 2);
    const level = new Uint8Array(count * HASH_SIZE);
    const input = new Uint8Array(1 + 2 * HASH_SIZE); // 0x01 || left || right, reused for every node
    input[0] = 0x01;
    for (let j = 0; j < count; j++) {
      input.set(below.subarray(2 * j * HASH_SIZE, (2 * j + 2) * HASH_SIZE), 1);
      level.set(sha256(input), j * HASH_SIZE);
    }
    this.levels[r] = level;
    return level;
  }

  /** MTH of `count` (a power of two) consecutive tile hashes from `first`. */
  private hashRange(first: number, count: number): Uint8Array {
    const hashes = this.levels[0]!;
    if (count === 1) return hashes.subarray(first * HASH_SIZE, (first + 1) * HASH_SIZE);
    const input = new Uint8Array(1 + 2 * HASH_SIZE);
    input[0] = 0x01;
    input.set(this.hashRange(first, count / 2), 1);
    input.set(this.hashRange(first + count / 2, count / 2), 1 + HASH_SIZE);
    return sha256(input);
  }
}

/** A tile needed to read some nodes of a tree: its coordinates and the width it has in that tree. */
export interface TileNeed {
  level: number;
  index: number;
  width: number;
}

/** The tiles that hold `nodes` in a tree of `size` leaves, each once. */
export function tilesForNodes(nodes: Iterable<NodeId>, size: number): TileNeed[] {
  const needs = new Map<string, TileNeed>();
  for (const node of nodes) {
    const { level, index } = tileOfNode(node);
    const key = `${level}/${index}`;
    if (!needs.has(key)) needs.set(key, { level, index, width: tileWidth(level, index, size) });
  }
  return [...needs.values()];
}

/** A node hash reader over tiles already at hand (keyed `L/N`). */
export function nodeReader(tiles: ReadonlyMap<string, TileHashes>): NodeHashReader {
  return (node) => {
    const where = tileOfNode(node);
    const tile = tiles.get(`${where.level}/${where.index}`);
    if (!tile) throw new LogError('LOG_TILE_INVALID', 'A tile needed for this node was not loaded', { evidence: { level: node.level, index: node.index } });
    return tile.node(where.innerLevel, where.innerIndex);
  };
}

/**
 * Fetches one tile's hashes: tile `index` of `level` with `width` hashes as it is in the tree being read (width 256:
 * the full tile; fewer: the partial tile `.p/<width>`). Returns the bytes, or undefined when it is not available.
 */
export type TileFetcher = (level: number, index: number, width: number) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

async function loadTiles(plan: ProofPlan, size: number, fetch: TileFetcher): Promise<NodeHashReader> {
  const tiles = new Map<string, TileHashes>();
  await Promise.all(
    tilesForNodes(plan.flat(), size).map(async ({ level, index, width }) => {
      const bytes = await fetch(level, index, width);
      if (!bytes) throw new LogError('LOG_TILE_INVALID', `Tile ${tilePath(level, index, width)} is not available`, { evidence: { level, index, width } });
      if (bytes.length !== width * HASH_SIZE) {
        throw new LogError('LOG_TILE_INVALID', `Tile ${tilePath(level, index, width)} is ${bytes.length} bytes, not ${width * HASH_SIZE}`, { evidence: { level, index, width, length: bytes.length } });
      }
      tiles.set(`${level}/${index}`, new TileHashes(bytes));
    }),
  );
  return nodeReader(tiles);
}

/** The root of the tree of `size` leaves, from its tiles (fetched in parallel). */
export async function rootFromTiles(size: number, fetch: TileFetcher): Promise<Uint8Array> {
  if (!isSize(size)) throw new LogError('LOG_INDEX_OUT_OF_RANGE', 'A tree size is a non-negative safe integer', { evidence: { size } });
  if (size === 0) return emptyRoot();
  const plan = [rootNodes(size)];
  return hashPlan(plan, await loadTiles(plan, size, fetch))[0]!.slice();
}

/** An inclusion proof for leaf `index` in the tree of `size` leaves, from that tree's tiles. */
export async function inclusionProofFromTiles(index: number, size: number, fetch: TileFetcher): Promise<Uint8Array[]> {
  if (!isSize(size) || !isSize(index) || index >= size) throw new LogError('LOG_INDEX_OUT_OF_RANGE', 'The leaf index must be below the tree size', { evidence: { index, size } });
  const plan = inclusionPlan(index, size);
  return hashPlan(plan, await loadTiles(plan, size, fetch)).map((h) => h.slice());
}

/** A consistency proof from tree size `size1` to `size2`, from the tiles of the tree of `size2` leaves. */
export async function consistencyProofFromTiles(size1: number, size2: number, fetch: TileFetcher): Promise<Uint8Array[]> {
  if (!isSize(size1) || !isSize(size2) || size1 < 1 || size1 > size2) throw new LogError('LOG_INDEX_OUT_OF_RANGE', 'A consistency proof needs 0 < size1 <= size2', { evidence: { size1, size2 } });
  const plan = consistencyPlan(size1, size2);
  return hashPlan(plan, await loadTiles(plan, size2, fetch)).map((h) => h.slice());
}

/** A tile's bytes split into its hashes (copies). */
export function tileHashes(bytes: Uint8Array): Uint8Array[] {
  const tile = new TileHashes(bytes);
  return Array.from({ length: tile.width }, (_, i) => tile.node(0, i).slice());
}
