// A naive RFC 9162 reference for the log tests: MTH, PATH and PROOF straight from the RFC's recursive definitions
// over a list of leaf hashes (MTH memoised per range so trees of 10,000 leaves stay quick), and test signers.
import { LogError } from '../../src/errors.js';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { leafHash, nodeHash, emptyRoot } from '../../src/log/hash.js';
import type { NoteSigner } from '../../src/log/checkpoint.js';

export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class ReferenceTree {
  readonly leaves: Uint8Array[] = [];
  private readonly memo = new Map<string, Uint8Array>();

  constructor(entries: Iterable<Uint8Array> = []) {
    for (const entry of entries) this.leaves.push(leafHash(entry));
  }

  /** MTH(D[begin:end]). */
  mth(begin: number, end: number): Uint8Array {
    if (end === begin) return emptyRoot();
    if (end - begin === 1) return this.leaves[begin]!;
    const key = `${begin}:${end}`;
    let hash = this.memo.get(key);
    if (!hash) {
      const k = largestPowerOfTwoBelow(end - begin);
      hash = nodeHash(this.mth(begin, begin + k), this.mth(begin + k, end));
      this.memo.set(key, hash);
    }
    return hash;
  }

  root(size: number): Uint8Array {
    return this.mth(0, size);
  }

  /** PATH(m, D[0:n]). */
  path(m: number, n: number, begin = 0): Uint8Array[] {
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...this.path(m, k, begin), this.mth(begin + k, begin + n)]
      : [...this.path(m - k, n - k, begin + k), this.mth(begin, begin + k)];
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, n, true, 0);
  }

  private subproof(m: number, n: number, whole: boolean, begin: number): Uint8Array[] {
    if (m === n) return whole ? [] : [this.mth(begin, begin + n)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...this.subproof(m, k, whole, begin), this.mth(begin + k, begin + n)]
      : [...this.subproof(m - k, n - k, false, begin + k), this.mth(begin, begin + k)];
  }
}

/** Deterministic test entries: `entry-<i>` padded to vary in length. */
export function testEntry(i: number): Uint8Array {
  return new TextEncoder().encode(`{"entry":${i},"pad":"${'x'.repeat(i % 17)}"}`);
}

const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 note signer from a 32-byte seed, over node:crypto (the server backs the same shape with Veramo). */
export function seedSigner(name: string, seed: Uint8Array): NoteSigner {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { name, publicKey: new Uint8Array(spki.subarray(12)), sign: async (message) => new Uint8Array(sign(null, message, privateKey)) };
}

export const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : '<none>');
export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The LogError a promise (or function) fails with; anything else, or success, fails the test. */
export async function logErrorOf(promise: Promise<unknown> | (() => unknown)): Promise<LogError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    if (err instanceof LogError) return err;
    throw err;
  }
  throw new Error('expected a LogError');
}
