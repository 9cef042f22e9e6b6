// C2SP tlog-tiles: tile and bundle paths both ways, malformed paths refused, entry bundles, tile geometry.
import { describe, expect, it } from 'vitest';
import { LogError } from '../../src/errors.js';
import {
  encodeEntryBundle, entriesPath, formatTileIndex, parseEntryBundle, parseTilePath, resourcePath, tileOfNode, tilePath, tileWidth,
} from '../../src/log/tiles.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LogError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('tile paths', () => {
  it('encodes indices in 3-digit elements, x-prefixed but the last', () => {
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
    expect(formatTileIndex(2 ** 53 - 1)).toBe('x009/x007/x199/x254/x740/991');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(0, 1234067, 8)).toBe('tile/0/x001/x234/067.p/8');
    expect(tilePath(3, 0, 1)).toBe('tile/3/000.p/1');
    expect(entriesPath(1234067, 8)).toBe('tile/entries/x001/x234/067.p/8');
    expect(entriesPath(5)).toBe('tile/entries/005');
    expect(() => tilePath(64, 0)).toThrow(TypeError);
    expect(() => tilePath(0, 0, 0)).toThrow(TypeError);
    expect(() => tilePath(0, -1)).toThrow(TypeError);
  });

  it('parses what it formats', () => {
    for (const index of [0, 1, 255, 256, 999, 1000, 1234067, 999_999_999, 2 ** 40 + 17, 2 ** 53 - 1]) {
      for (const width of [1, 17, 255, 256]) {
        for (const level of [0, 1, 9, 63]) {
          const path = tilePath(level, index, width);
          expect(parseTilePath(path)).toEqual({ kind: 'tile', level, index, width });
          expect(resourcePath(parseTilePath(path))).toBe(path);
        }
        expect(parseTilePath(entriesPath(index, width))).toEqual({ kind: 'entries', index, width });
      }
    }
  });

  it('refuses malformed, non-numeric and non-canonical paths with LOG_TILE_INVALID', () => {
    for (const bad of [
      '',
      'tile',
      'tile/',
      'tile/0',
      'tile/0/',
      'tile/0/1',
      'tile/0/01',
      'tile/0/0000',
      'tile/00/000',
      'tile/01/000',
      'tile/64/000',
      'tile/100/000',
      'tile/-1/000',
      'tile/a/000',
      'tile/0/abc',
      'tile/0/x001',
      'tile/0/001/002',
      'tile/0/x000/001',
      'tile/0/x000/x001/002',
      'tile/0/y001/002',
      'tile/0/X001/002',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/0/000.p/01',
      'tile/0/000.p/',
      'tile/0/000.p',
      'tile/0/000.P/5',
      'tile/0/000/.p/5',
      'tile/entries/x001',
      'tile/entries/000.p/300',
      'tile/entries/1/000',
      '/tile/0/000',
      'tile/0/000/',
      'tile/0/ 000',
      'tile/0/000 ',
      'tile/0/０００',
      'tile/0/x009/x007/x199/x254/x740/992', // 2^53
      'tile/0/x999/x999/x999/x999/x999/x999/999',
      'tile/0/000?x=1',
      'tile/0/%30%30%30',
    ]) {
      expect(code(() => parseTilePath(bad)), JSON.stringify(bad)).toBe('LOG_TILE_INVALID');
    }
    expect(code(() => parseTilePath(undefined as unknown as string))).toBe('LOG_TILE_INVALID');
  });
});

describe('entry bundles', () => {
  it('length-prefixes each entry with a big-endian uint16', () => {
    const entries = [new Uint8Array(0), Uint8Array.of(0x61), new Uint8Array(300).fill(7), new Uint8Array(65535).fill(1)];
    const bundle = encodeEntryBundle(entries);
    expect(Buffer.from(bundle.subarray(0, 5)).toString('hex')).toBe('0000000161');
    expect(Buffer.from(bundle.subarray(5, 7)).toString('hex')).toBe('012c');
    expect(bundle.length).toBe(2 + 0 + 2 + 1 + 2 + 300 + 2 + 65535);
    expect(parseEntryBundle(bundle)).toEqual(entries);
    expect(parseEntryBundle(new Uint8Array(0))).toEqual([]);
    expect(() => encodeEntryBundle([new Uint8Array(65536)])).toThrow(TypeError);
  });

  it('refuses truncated and overlong bundles', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    expect(code(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1)))).toBe('LOG_TILE_INVALID');
    expect(code(() => parseEntryBundle(bundle.subarray(0, 1)))).toBe('LOG_TILE_INVALID');
    expect(code(() => parseEntryBundle(encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(0)))))).toBe('LOG_TILE_INVALID');
  });
});

describe('tile geometry', () => {
  it('gives each tile its width in a tree of a given size (the spec example of 70,000 leaves)', () => {
    const size = 70_000;
    expect(tileWidth(0, 272, size)).toBe(256);
    expect(tileWidth(0, 273, size)).toBe(112);
    expect(tileWidth(0, 274, size)).toBe(0);
    expect(tileWidth(1, 0, size)).toBe(256);
    expect(tileWidth(1, 1, size)).toBe(17);
    expect(tileWidth(2, 0, size)).toBe(1);
    expect(tileWidth(3, 0, size)).toBe(0);
    expect(tileWidth(1, 0, 256)).toBe(1);
  });

  it('places nodes in tiles: level 8L in tile level L, levels between rehashed from the tile below', () => {
    expect(tileOfNode({ level: 0, index: 1234 })).toEqual({ level: 0, index: 4, innerLevel: 0, innerIndex: 210 });
    expect(tileOfNode({ level: 3, index: 33 })).toEqual({ level: 0, index: 1, innerLevel: 3, innerIndex: 1 });
    expect(tileOfNode({ level: 8, index: 300 })).toEqual({ level: 1, index: 1, innerLevel: 0, innerIndex: 44 });
    expect(tileOfNode({ level: 15, index: 3 })).toEqual({ level: 1, index: 1, innerLevel: 7, innerIndex: 1 });
    expect(tileOfNode({ level: 16, index: 0 })).toEqual({ level: 2, index: 0, innerLevel: 0, innerIndex: 0 });
  });
});
