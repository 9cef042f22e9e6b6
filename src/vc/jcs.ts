// JSON Canonicalization Scheme (RFC 8785): the bytes we hash when a digest is taken over JSON.
import { createHash } from 'node:crypto';
import { multibaseBase64url, withPrefix } from '../did/multibase.js';

/** RFC 8785: object members sorted by UTF-16 code units, ES number and string serialisation, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JCS: numbers must be finite');
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`JCS: ${typeof value} is not JSON`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** The multihash prefix of a sha2-256 digest: code 0x12, length 32. */
const SHA2_256_MULTIHASH = Uint8Array.of(0x12, 0x20);

/** `digestMultibase` of JSON: multibase base64url of the multihash sha2-256 (0x12 0x20) of its JCS bytes. */
export function digestMultibase(value: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(value), 'utf8').digest();
  return multibaseBase64url(withPrefix(SHA2_256_MULTIHASH, digest));
}
