// Byte encodings over Uint8Array (base64, base64url, hex, UTF-8) for code that runs both in Node and in browsers.
//
// Decoding reads a string exactly as Node's Buffer does, so a verdict never depends on where the verifier runs:
// base64 and base64url decode the same way and accept both alphabets, other characters are skipped, decoding
// stops at the first `=` after data, a lone trailing character is dropped, and each UTF-16 unit counts as its
// low byte; hex decodes whole pairs up to the first pair that is not hex. Callers that need the canonical form
// check it themselves (`fromBase64` in log/hash.ts). Results are plain Uint8Arrays, never Buffers; decoded bytes
// have their own memory. On Node, Buffer is the fast path (several times faster than the portable code on log
// tiles and proofs); elsewhere the portable code below runs, and tests hold it to Buffer's behaviour.

/** The part of Node's Buffer used here, typed locally so this module needs no Node types. */
interface NodeBuffer extends Uint8Array {
  toString(encoding?: 'base64' | 'base64url' | 'hex' | 'utf8'): string;
}
interface NodeBufferConstructor {
  from(text: string, encoding: 'base64' | 'base64url' | 'hex' | 'utf8'): NodeBuffer;
  from(arrayBuffer: ArrayBufferLike, byteOffset: number, length: number): NodeBuffer;
}

const NODE_BUFFER = (globalThis as unknown as { Buffer?: NodeBufferConstructor }).Buffer;

const view = (Buffer: NodeBufferConstructor, bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Standard base64 with `=` padding (RFC 4648 §4). */
export const base64Encode: (bytes: Uint8Array) => string = NODE_BUFFER
  ? (bytes) => view(NODE_BUFFER, bytes).toString('base64')
  : (bytes) => encodeBase64(bytes, STANDARD, true);

/** URL-safe base64 without padding (RFC 4648 §5). */
export const base64urlEncode: (bytes: Uint8Array) => string = NODE_BUFFER
  ? (bytes) => view(NODE_BUFFER, bytes).toString('base64url')
  : (bytes) => encodeBase64(bytes, URL_SAFE, false);

/** Decodes base64 or base64url, leniently (see the top of this module). */
export const base64Decode: (text: string) => Uint8Array<ArrayBuffer> = NODE_BUFFER
  ? (text) => new Uint8Array(NODE_BUFFER.from(text, 'base64'))
  : (text) => decodeBase64(text);

/** The same decoder as `base64Decode`: Buffer reads both alphabets whichever it is told. */
export const base64urlDecode: (text: string) => Uint8Array<ArrayBuffer> = base64Decode;

/** Lower-case hex. */
export const hexEncode: (bytes: Uint8Array) => string = NODE_BUFFER
  ? (bytes) => view(NODE_BUFFER, bytes).toString('hex')
  : (bytes) => encodeHex(bytes);

/** Decodes hex pairs (either case) up to the first pair that is not hex. */
export const hexDecode: (text: string) => Uint8Array<ArrayBuffer> = NODE_BUFFER
  ? (text) => new Uint8Array(NODE_BUFFER.from(text, 'hex'))
  : (text) => decodeHex(text);

const ENCODER = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF as Buffer does (the default would drop it: a BOM-prefixed JSON payload would parse).
const DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * UTF-8; lone surrogates become U+FFFD. On Node the bytes may share memory with Buffer's pool, as Buffer.from's
 * do (a TextEncoder result costs a fresh allocation: several times slower on short text): read them, do not keep `.buffer`.
 */
export const utf8Encode: (text: string) => Uint8Array<ArrayBuffer> = NODE_BUFFER
  ? (text) => {
      const bytes = NODE_BUFFER.from(text, 'utf8');
      return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    }
  : (text) => ENCODER.encode(text);

/** UTF-8; invalid sequences become U+FFFD, a leading BOM is kept. */
export const utf8Decode = (bytes: Uint8Array): string => DECODER.decode(bytes);

// --- the portable implementation ------------------------------------------------------------------------------

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PAD = 0x3d;
const INVALID = 0xff;

/** The 6-bit value of each byte value in either alphabet, INVALID for the rest. */
const SEXTET = (() => {
  const table = new Uint8Array(256).fill(INVALID);
  for (let i = 0; i < 64; i++) {
    table[STANDARD.charCodeAt(i)] = i;
    table[URL_SAFE.charCodeAt(i)] = i;
  }
  return table;
})();

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The nibble of each byte value, INVALID for the rest. */
const NIBBLE = (() => {
  const table = new Uint8Array(256).fill(INVALID);
  for (let i = 0; i < 16; i++) {
    table['0123456789abcdef'.charCodeAt(i)] = i;
    table['0123456789ABCDEF'.charCodeAt(i)] = i;
  }
  return table;
})();

/** Each 12-bit value as two characters of the alphabet, built on first use (Node never needs it). */
const PAIRS = new Map<string, string[]>();

function encodeBase64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let pairs = PAIRS.get(alphabet);
  if (!pairs) PAIRS.set(alphabet, (pairs = Array.from({ length: 4096 }, (_, i) => alphabet[i >>> 6]! + alphabet[i & 63]!)));
  let text = '';
  const whole = bytes.length - (bytes.length % 3);
  let i = 0;
  for (; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    text += pairs[n >>> 12]! + pairs[n & 4095]!;
  }
  if (i < bytes.length) {
    const two = i + 1 < bytes.length;
    const n = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
    text += pairs[n >>> 12]! + (two ? alphabet[(n >>> 6) & 63]! : '') + (pad ? (two ? '=' : '==') : '');
  }
  return text;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array((text.length * 3) >>> 2);
  let length = 0;
  let bits = 0;
  let held = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i) & 0xff;
    const value = SEXTET[code]!;
    if (value === INVALID) {
      if (code === PAD) break;
      continue;
    }
    bits = ((bits << 6) | value) & 0xffffff;
    held += 6;
    if (held >= 8) {
      held -= 8;
      out[length++] = (bits >>> held) & 0xff;
    }
  }
  return length === out.length ? out : out.slice(0, length);
}

function encodeHex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += HEX_PAIRS[bytes[i]!]!;
  return text;
}

function decodeHex(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length >>> 1);
  let length = 0;
  for (; length < out.length; length++) {
    const high = NIBBLE[text.charCodeAt(2 * length) & 0xff]!;
    const low = NIBBLE[text.charCodeAt(2 * length + 1) & 0xff]!;
    if (high === INVALID || low === INVALID) break;
    out[length] = (high << 4) | low;
  }
  return length === out.length ? out : out.slice(0, length);
}

/**
 * The implementation used where there is no Buffer (browsers), whichever platform this is: for the tests that
 * hold it to Buffer's behaviour and the benchmark that decides the fast path. Not for application code.
 */
export const portableBytes = {
  base64Encode: (bytes: Uint8Array): string => encodeBase64(bytes, STANDARD, true),
  base64urlEncode: (bytes: Uint8Array): string => encodeBase64(bytes, URL_SAFE, false),
  base64Decode: decodeBase64,
  hexEncode: encodeHex,
  hexDecode: decodeHex,
  utf8Encode: (text: string): Uint8Array<ArrayBuffer> => ENCODER.encode(text),
} as const;
