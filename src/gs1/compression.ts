// Compressed GS1 Digital Links: the binary AI encoding carried as one URI-safe base64 path segment.
//
// The format is the one of GS1's reference implementation (GS1DigitalLinkToolkit.js, compressGS1DigitalLink /
// decompressGS1DigitalLink), which other implementations and deployed QR codes follow: a sequence of entries
// until fewer than nine bits remain (the rest is base64 padding). An entry starts with two hex nibbles:
//   - 00–99: an AI, whose remaining digits (the AI length is fixed by its first two digits) follow as nibbles,
//     then its value;
//   - a code of the optimisation table (0A–0F, 1A–1F, …, CD): a fixed sequence of AIs whose values follow;
//   - F: a non-GS1 query parameter: 7 bits key length (from the second nibble on), the key in 6-bit base64
//     characters, then the value as an alphanumeric component with a 7-bit length.
// Values follow the AI's format, its components merged into runs: a numeric run of fixed length L is the number
// in ceil(L·log2 10) bits; a variable one (up to M digits) is its length in ceil(log2 M) bits, then the number;
// an alphanumeric run is a 3-bit encoding (0 digits, 1 lower-case hex, 2 upper-case hex, 3 URI-safe base64,
// 4 seven-bit ASCII), its length if variable, then the characters.
// Fully compressed: https://id.gs1.org/AQnYUc1gmg. Partially: https://id.gs1.org/01/05412345000013/EEarwSM.
//
// Where the reference's own AI format table lags the AI table (it predates AIs such as 4309, 7241 or 8030),
// the formats here come from the AI table; for 235 it agrees with other implementations (X..28) and not
// with the reference (which has N3+X..28). Numbers are decoded exactly (the reference loses precision above
// 2^53 and drops leading zeros of variable-length numbers).
import { lookupAi, type AiEntry } from './ai.js';
import { assembleDigitalLink, parseQuery, type AiValue, type DigitalLink } from './digital-link.js';
import { DigitalLinkError } from '../errors.js';
import { uriEscape, uriUnescape } from './escape.js';
import { BASE64URL_SEGMENT, ORIGIN_MATCHER, URI_CHARACTERS_MATCHER } from './grammar.js';
import { dlError } from './validate.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789ABCDEF';

/**
 * Optimisation codes for common AI sequences. The values follow in the AIs' sorted order: the reference sorts
 * these lists in place when it starts, so that is the order it writes and reads them in (1A, 9D).
 */
const OPTIMISATIONS: Readonly<Record<string, readonly string[]>> = {
  '0A': ['01', '22'], '0B': ['01', '10'], '0C': ['01', '21'], '0D': ['01', '17'], '0E': ['01', '7003'], '0F': ['01', '30'],
  '1A': ['01', '10', '17', '21'], '1B': ['01', '15'], '1C': ['01', '11'], '1D': ['01', '16'], '1E': ['01', '91'], '1F': ['01', '10', '15'],
  '2A': ['01', '3100'], '2B': ['01', '3101'], '2C': ['01', '3102'], '2D': ['01', '3103'], '2E': ['01', '3104'], '2F': ['01', '3105'],
  '3A': ['01', '3200'], '3B': ['01', '3201'], '3C': ['01', '3202'], '3D': ['01', '3203'], '3E': ['01', '3204'], '3F': ['01', '3205'],
  '9A': ['8010', '8011'], '9B': ['8017', '8019'], '9C': ['8018', '8019'], '9D': ['254', '414'],
  'A0': ['01', '3920'], 'A1': ['01', '3921'], 'A2': ['01', '3922'], 'A3': ['01', '3923'], 'A4': ['01', '3924'],
  'A5': ['01', '3925'], 'A6': ['01', '3926'], 'A7': ['01', '3927'], 'A8': ['01', '3928'], 'A9': ['01', '3929'],
  'C0': ['255', '3900'], 'C1': ['255', '3901'], 'C2': ['255', '3902'], 'C3': ['255', '3903'], 'C4': ['255', '3904'],
  'C5': ['255', '3905'], 'C6': ['255', '3906'], 'C7': ['255', '3907'], 'C8': ['255', '3908'], 'C9': ['255', '3909'],
  'CA': ['255', '3940'], 'CB': ['255', '3941'], 'CC': ['255', '3942'], 'CD': ['255', '3943'],
};

/** A run of an AI value as it is compressed: numeric or alphanumeric, fixed `length` or up to `length`. */
interface Run {
  numeric: boolean;
  fixed: boolean;
  length: number;
}

/** The AI's components merged into runs: a numeric run's mandatory fixed part, then its variable or optional rest; an alphanumeric run whole. */
function runsOf(entry: AiEntry): Run[] {
  const runs: Run[] = [];
  const components = [...entry.components];
  while (components.length) {
    const numeric = components[0]!.type === 'N';
    let end = 0;
    while (end < components.length && (components[end]!.type === 'N') === numeric) end++;
    const group = components.splice(0, end);
    const isFixed = (c: (typeof group)[number]) => !c.optional && c.min === c.max;
    if (numeric) {
      const fixedPart = group.filter(isFixed).reduce((n, c) => n + c.max, 0);
      const rest = group.filter((c) => !isFixed(c)).reduce((n, c) => n + c.max, 0);
      if (fixedPart) runs.push({ numeric, fixed: true, length: fixedPart });
      if (rest) runs.push({ numeric, fixed: false, length: rest });
    } else {
      runs.push({ numeric, fixed: group.every(isFixed), length: group.reduce((n, c) => n + c.max, 0) });
    }
  }
  return runs;
}

const valueBits = (digits: number) => Math.ceil((digits * Math.log(10)) / Math.log(2) + 0.01);
const lengthBits = (max: number) => Math.ceil(Math.log(max) / Math.log(2) + 0.01);

/** AI length by its first two digits, from the AI table. */
const AI_LENGTH = (() => {
  const lengths = new Map<string, number>();
  for (let n = 0; n <= 9999; n++) {
    for (const ai of [String(n).padStart(2, '0'), String(n).padStart(3, '0'), String(n).padStart(4, '0')]) {
      if (lookupAi(ai) && !lengths.has(ai.slice(0, 2))) lengths.set(ai.slice(0, 2), ai.length);
    }
  }
  return lengths;
})();

/** Thrown inside the decoder; turned into DL_COMPRESSED_INVALID (or "not compressed" before the first entry). */
class Malformed extends Error {
  /** How many entries decoded before this one. */
  entries = 0;
  constructor(message: string, readonly bit: number) {
    super(message);
  }
}

class BitReader {
  position = 0;
  constructor(private readonly bits: string) {}

  get remaining(): number {
    return this.bits.length - this.position;
  }

  big(n: number): bigint {
    if (n > this.remaining) throw new Malformed(`truncated: ${n} bits needed at bit ${this.position}, ${this.remaining} left`, this.position);
    const slice = this.bits.slice(this.position, this.position + n);
    this.position += n;
    return n === 0 ? 0n : BigInt('0b' + slice);
  }

  int(n: number): number {
    return Number(this.big(n));
  }
}

function readNumber(reader: BitReader, digits: number): string {
  const at = reader.position;
  const value = reader.big(valueBits(digits));
  if (digits === 0) return '';
  const text = value.toString();
  if (text.length > digits) throw new Malformed(`a ${digits}-digit number holds ${text}`, at);
  return text.padStart(digits, '0');
}

function readCharacters(reader: BitReader, encoding: number, count: number): string {
  let out = '';
  switch (encoding) {
    case 0:
      return readNumber(reader, count);
    case 1:
    case 2:
      for (let i = 0; i < count; i++) out += HEX[reader.int(4)]!;
      return encoding === 1 ? out.toLowerCase() : out;
    case 3:
      for (let i = 0; i < count; i++) out += BASE64URL[reader.int(6)]!;
      return out;
    case 4:
      for (let i = 0; i < count; i++) out += String.fromCharCode(reader.int(7));
      return out;
    default:
      throw new Malformed(`unknown character encoding ${encoding}`, reader.position - 3);
  }
}

function readValue(reader: BitReader, entry: AiEntry): string {
  let value = '';
  for (const run of runsOf(entry)) {
    if (run.numeric) {
      const digits = run.fixed ? run.length : reader.int(lengthBits(run.length));
      if (digits > run.length) throw new Malformed(`(${entry.ai}) holds ${digits} digits, at most ${run.length}`, reader.position);
      value += readNumber(reader, digits);
    } else {
      const encoding = reader.int(3);
      const count = run.fixed ? run.length : reader.int(lengthBits(run.length));
      if (count > run.length) throw new Malformed(`(${entry.ai}) holds ${count} characters, at most ${run.length}`, reader.position);
      value += readCharacters(reader, encoding, count);
    }
  }
  return value;
}

function readAi(reader: BitReader, ai: string): AiValue {
  const entry = lookupAi(ai);
  if (!entry) throw new Malformed(`(${ai}) is not a GS1 Application Identifier`, reader.position);
  return { ai, value: readValue(reader, entry) };
}

/** Decodes the binary entries: AI values and non-GS1 parameters, in order. */
function decodeBinary(segment: string): { ais: AiValue[]; params: [string, string][] } {
  let bits = '';
  for (const c of segment) bits += BASE64URL.indexOf(c).toString(2).padStart(6, '0');
  const reader = new BitReader(bits);
  const ais: AiValue[] = [];
  const params: [string, string][] = [];
  try {
    while (reader.remaining > 8) readEntry(reader, ais, params);
  } catch (err) {
    if (err instanceof Malformed) err.entries = ais.length + params.length;
    throw err;
  }
  return { ais, params };
}

function readEntry(reader: BitReader, ais: AiValue[], params: [string, string][]): void {
  {
    const start = reader.position;
    const h1 = reader.int(4);
    const h2 = reader.int(4);
    const code = HEX[h1]! + HEX[h2]!;
    if (h1 <= 9 && h2 <= 9) {
      const length = AI_LENGTH.get(code);
      if (!length) throw new Malformed(`no AI starts with ${code}`, start);
      let ai = code;
      while (ai.length < length) {
        const digit = reader.int(4);
        if (digit > 9) throw new Malformed(`AI ${ai}… continues with a non-digit`, reader.position - 4);
        ai += String(digit);
      }
      ais.push(readAi(reader, ai));
    } else if (OPTIMISATIONS[code]) {
      for (const ai of OPTIMISATIONS[code]!) ais.push(readAi(reader, ai));
    } else if (h1 === 15) {
      const keyLength = (h2 << 3) | reader.int(3);
      let key = '';
      for (let i = 0; i < keyLength; i++) key += BASE64URL[reader.int(6)]!;
      const encoding = reader.int(3);
      params.push([key, readCharacters(reader, encoding, reader.int(7))]);
    } else {
      throw new Malformed(`${code} is neither an AI nor an optimisation code`, start);
    }
  }
}

/**
 * The Digital Link a compressed one stands for, or undefined when `uri` is not compressed at all (no
 * base64 segment at the end, or one whose bits do not begin with an AI). Throws DL_COMPRESSED_INVALID for a
 * compressed link that does not decode, and the usual DL_* codes for decoded data that is not valid.
 */
export function decodeCompressedDigitalLink(uri: string): DigitalLink | undefined {
  if (typeof uri !== 'string') throw new TypeError('a Digital Link must be a string');
  if (!URI_CHARACTERS_MATCHER.test(uri)) return undefined;
  const origin = ORIGIN_MATCHER.exec(uri);
  if (!origin || origin[2] !== '/') return undefined;
  const rest = uri.slice(origin[0].length - 1);
  const pathEnd = rest.search(/[?#]/);
  const path = pathEnd < 0 ? rest : rest.slice(0, pathEnd);
  const query = rest[pathEnd] === '?' ? rest.slice(pathEnd + 1).split('#')[0]! : undefined;
  const segments = path.split('/').slice(1);
  const segment = segments[segments.length - 1] ?? '';
  if (!BASE64URL_SEGMENT.test(segment)) return undefined;

  // Partially compressed: /{primary key}/{value}/{compressed}.
  const keyAi = segments[segments.length - 3];
  const partial = keyAi !== undefined && lookupAi(keyAi)?.qualifierSequences !== undefined;
  const stemSegments = segments.slice(0, partial ? -3 : -1);
  const stem = origin[0].slice(0, -1) + stemSegments.map((s) => '/' + s).join('');
  const where = { segment, position: uri.length - rest.length + path.length - segment.length };

  let decoded: ReturnType<typeof decodeBinary>;
  try {
    decoded = decodeBinary(segment);
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    if (err.entries === 0) return undefined;
    throw dlError('DL_COMPRESSED_INVALID', `The compressed Digital Link does not decode: ${err.message}`, { ...where, reason: err.message, bit: err.bit });
  }
  if (decoded.ais.length === 0 && decoded.params.length === 0) return undefined;

  const items: (AiValue & { where: Record<string, unknown> })[] = decoded.ais.map((a) => ({ ...a, where: { ...where, compressed: true } }));
  if (partial) items.unshift({ ai: keyAi!, value: uriUnescape(segments[segments.length - 2]!, false), where: { segment: segments[segments.length - 2] } });
  let params = Object.fromEntries(decoded.params);
  if (query !== undefined) {
    const extra = parseQuery(query, uri.indexOf('?') + 1);
    items.push(...extra.attributes);
    params = { ...params, ...extra.params };
  }
  try {
    return assembleDigitalLink(items, stem, params);
  } catch (err) {
    if (err instanceof DigitalLinkError && err.code !== 'DL_COMPRESSED_INVALID') {
      throw new DigitalLinkError(err.code, `In the compressed Digital Link: ${err.message}`, { evidence: { ...err.evidence, compressed: segment }, cause: err });
    }
    throw err;
  }
}

/** Encodes `dl`'s AIs (sorted by AI, as the reference does) and those parameters that fit, as one base64 segment. */
function encodeBinary(ais: readonly AiValue[], params: readonly [string, string][], optimise: boolean): string {
  let bits = '';
  const put = (value: bigint | number, n: number) => {
    bits += value.toString(2).padStart(n, '0');
  };
  const putCharacters = (text: string) => {
    const encoding = encodingOf(text);
    put(encoding, 3);
    return () => {
      if (encoding === 0) put(text === '' ? 0n : BigInt(text), valueBits(text.length));
      else for (const c of text) {
        if (encoding === 1 || encoding === 2) put(HEX.indexOf(c.toUpperCase()), 4);
        else if (encoding === 3) put(BASE64URL.indexOf(c), 6);
        else put(c.charCodeAt(0), 7);
      }
    };
  };
  const putValue = ({ ai, value }: AiValue) => {
    let at = 0;
    const runs = runsOf(lookupAi(ai)!);
    runs.forEach((run, i) => {
      const last = i === runs.length - 1;
      // Only the last run varies in length.
      const text = run.fixed && !last ? value.slice(at, at + run.length) : value.slice(at);
      at += text.length;
      if (run.numeric) {
        if (!run.fixed) put(text.length, lengthBits(run.length));
        put(text === '' ? 0n : BigInt(text), valueBits(text.length));
      } else {
        const body = putCharacters(text);
        if (!run.fixed) put(text.length, lengthBits(run.length));
        body();
      }
    });
  };

  let remaining = [...ais].sort((a, b) => (a.ai < b.ai ? -1 : a.ai > b.ai ? 1 : 0));
  if (optimise) {
    for (;;) {
      let best: string | undefined;
      for (const [code, sequence] of Object.entries(OPTIMISATIONS)) {
        if (sequence.every((ai) => remaining.some((r) => r.ai === ai)) && (!best || sequence.join('').length > OPTIMISATIONS[best]!.join('').length)) best = code;
      }
      if (!best) break;
      for (const c of best) put(HEX.indexOf(c), 4);
      for (const ai of OPTIMISATIONS[best]!) putValue(remaining.find((r) => r.ai === ai)!);
      remaining = remaining.filter((r) => !OPTIMISATIONS[best!]!.includes(r.ai));
    }
  }
  for (const item of remaining) {
    for (const c of item.ai) put(Number(c), 4);
    putValue(item);
  }
  for (const [key, value] of params) {
    put(15, 4);
    put(key.length, 7);
    for (const c of key) put(BASE64URL.indexOf(c), 6);
    const body = putCharacters(value);
    put(value.length, 7);
    body();
  }
  bits = bits.padEnd(Math.ceil(bits.length / 6) * 6, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 6) out += BASE64URL[parseInt(bits.slice(i, i + 6), 2)]!;
  return out;
}

/** The reference's choice of character encoding: digits, upper-case hex, lower-case hex, base64, else 7-bit ASCII. */
function encodingOf(text: string): number {
  if (/^[0-9]+$/.test(text)) return 0;
  if (/^[0-9A-F]+$/.test(text)) return 2;
  if (/^[0-9a-f]+$/.test(text)) return 1;
  if (/^[A-Za-z0-9_-]+$/.test(text)) return 3;
  return 4;
}

/** Parameters that the binary format can carry: base64 names and 7-bit values, each under 128 characters. */
function compressible([key, value]: [string, string]): boolean {
  return key.length > 0 && key.length < 128 && BASE64URL_SEGMENT.test(key) && value.length < 128 && /^[\x00-\x7f]*$/.test(value);
}

/**
 * A fully compressed Digital Link for `dl`: the stem, then one base64 segment carrying every AI and those
 * parameters that fit (the rest stay in the query). `optimise` uses the optimisation codes, as the reference's
 * default does; without it the output matches implementations that do not.
 */
export function encodeCompressedDigitalLink(dl: DigitalLink, stem: string, optimise: boolean): string {
  const params = Object.entries(dl.params);
  const inside = params.filter(compressible);
  const outside = params.filter((p) => !compressible(p));
  const segment = encodeBinary([dl.primaryKey, ...dl.qualifiers, ...dl.attributes], inside, optimise);
  const query = outside.map(([k, v]) => (v === '' ? uriEscape(k, true) : `${uriEscape(k, true)}=${uriEscape(v, true)}`));
  return `${stem}/${segment}${query.length ? '?' + query.join('&') : ''}`;
}
