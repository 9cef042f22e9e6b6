// Byte encodings without Buffer: the exported helpers and the portable code (what runs in browsers) both read and
// write exactly what Node's Buffer does, on canonical input, on junk, and on random strings.
import { describe, expect, it } from 'vitest';
import {
  base64Decode, base64Encode, base64urlDecode, base64urlEncode, hexDecode, hexEncode, portableBytes, utf8Decode, utf8Encode,
} from '../../src/platform/bytes.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A deterministic generator, so a failure names its case. */
function random(seed: number) {
  return (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
}

// Canonical, unpadded, both alphabets, whitespace, junk, `=` mid-string, a lone trailing character, and UTF-16
// units above 0xff (Buffer reads their low byte: U+0141 as 'A', U+013D as '=').
const TRICKY = [
  '', 'YQ==', 'YQ', 'Y', 'YQ=', 'YQ==YQ==', 'Y Q = =', 'YW\nJj', '-_-_', '+/+/', 'YWJj$ZGVm', 'YWJ=jZGVm', '====', '=YQ',
  'YQ=x', 'YWJjZA===', 'YWJjZ', '\u00ffabc', '\u0141x==', 'YW\u0100Jj', 'YW\u013dJj', 'ab', '0g12', '0102zz03', 'ABcd', '1',
];

describe('base64, base64url and hex', () => {
  it('encode as Buffer does', () => {
    const next = random(1);
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: next(70) }, () => next(256));
      const buffer = Buffer.from(bytes);
      for (const encode of [base64Encode, portableBytes.base64Encode]) expect(encode(bytes)).toBe(buffer.toString('base64'));
      for (const encode of [base64urlEncode, portableBytes.base64urlEncode]) expect(encode(bytes)).toBe(buffer.toString('base64url'));
      for (const encode of [hexEncode, portableBytes.hexEncode]) expect(encode(bytes)).toBe(buffer.toString('hex'));
    }
  });

  it('encode a view over its own bytes only', () => {
    const bytes = Uint8Array.of(9, 1, 2, 3, 9).subarray(1, 4);
    expect([base64Encode(bytes), portableBytes.base64Encode(bytes), hexEncode(bytes), portableBytes.hexEncode(bytes)]).toEqual(['AQID', 'AQID', '010203', '010203']);
  });

  it('decode as leniently as Buffer does', () => {
    const next = random(2);
    const pool = 'ABCXYZabcxyz0189+/-_=  \n$.\u0100\u0141\u013d\u00ff\ud800afAFgG';
    const samples = [...TRICKY];
    for (let n = 0; n < 3000; n++) samples.push(Array.from({ length: next(24) }, () => pool[next(pool.length)]).join(''));
    for (const text of samples) {
      for (const decode of [base64Decode, base64urlDecode, portableBytes.base64Decode]) {
        expect(hex(decode(text)), JSON.stringify(text)).toBe(Buffer.from(text, 'base64').toString('hex'));
        expect(hex(decode(text)), JSON.stringify(text)).toBe(Buffer.from(text, 'base64url').toString('hex'));
      }
      for (const decode of [hexDecode, portableBytes.hexDecode]) expect(hex(decode(text)), JSON.stringify(text)).toBe(Buffer.from(text, 'hex').toString('hex'));
    }
  });

  it('decode to plain Uint8Arrays over their own memory', () => {
    for (const bytes of [base64Decode('AQID'), base64urlDecode('AQID'), hexDecode('010203'), portableBytes.base64Decode('AQID'), portableBytes.hexDecode('0102zz')]) {
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(bytes.length);
    }
  });
});

describe('UTF-8', () => {
  it('encodes as Buffer does, lone surrogates included', () => {
    for (const text of ['', 'dpp', 'Ünïcødé ✓ 🧾', '\ud800', 'a\udc00b', '\ufeffbom']) {
      for (const encode of [utf8Encode, portableBytes.utf8Encode]) {
        const bytes = encode(text);
        expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
        expect(hex(bytes)).toBe(Buffer.from(text, 'utf8').toString('hex'));
      }
    }
  });

  it('decodes as Buffer does: invalid sequences as U+FFFD, a leading BOM kept', () => {
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe('\ufeff{}');
    const next = random(3);
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: next(12) }, () => (next(3) ? next(256) : 0x80 + next(64)));
      expect(utf8Decode(bytes)).toBe(Buffer.from(bytes).toString('utf8'));
    }
  });
});
