// RFC 9162 (RFC 6962) Merkle tree hashing with SHA-256: leaf and interior node hashes, and the reference root.
import { hash } from 'node:crypto';
import { base64Decode, base64Encode } from '../platform/bytes.js';

/** Bytes in a SHA-256 hash, the size of every leaf hash, node hash and root. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/**
 * The leaf hash of an entry: SHA-256(0x00 || entry).
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1
 */
export function leafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/**
 * The hash of an interior node: SHA-256(0x01 || left || right).
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** The root of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** SHA-256 as a plain Uint8Array over the digest's own memory (a Buffer's slice() would be a view, not a copy). */
export function sha256(input: Uint8Array): Uint8Array {
  const digest = hash('sha256', input, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/**
 * The Merkle Tree Hash of a list of leaf hashes, straight from the RFC's recursive definition (split at the
 * largest power of two below n). A reference for tests and small trees; the log never calls it.
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1
 */
export function rootOf(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return emptyRoot();
  const mth = (begin: number, end: number): Uint8Array => {
    const n = end - begin;
    if (n === 1) return leafHashes[begin]!;
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(mth(begin, begin + k), mth(begin + k, end));
  };
  return mth(0, leafHashes.length);
}

/** The largest power of two strictly smaller than n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toBase64(bytes: Uint8Array): string {
  return base64Encode(bytes);
}

/** Strict standard base64 (RFC 4648 §4, padded): undefined unless `text` is the canonical encoding of its bytes. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = base64Decode(text);
  return base64Encode(bytes) === text ? bytes : undefined;
}
