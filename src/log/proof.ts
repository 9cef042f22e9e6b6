// RFC 9162 inclusion and consistency proofs: which tree nodes make up a proof, and verifying one against roots.
//
// Sizes and indices are JavaScript numbers and must be safe integers (below 2^53); the arithmetic below never uses
// 32-bit bitwise operators, so it holds over that whole range.
import { LogError } from '../errors.js';
import { HASH_SIZE, bytesEqual, largestPowerOfTwoBelow, nodeHash, toBase64 } from './hash.js';

/** A perfect subtree: the 2^level leaves from index·2^level. Level 0 nodes are leaves. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * How to compute each hash of a proof: each element is a list of perfect subtrees, left to right, whose Merkle
 * Tree Hash is that proof hash (one node, or several folded from the right for a subtree on the tree's right edge).
 */
export type ProofPlan = NodeId[][];

/** Returns the hash of a node that is complete in the tree the plan is for. */
export type NodeHashReader = (node: NodeId) => Uint8Array;

export function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The perfect subtrees that make up MTH(D[begin:end]) as the RFC's recursion splits it, left to right. `begin` is a
 * multiple of the largest power of two not above end - begin, as every range in a proof is.
 */
export function subtreeNodes(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let position = begin;
  let remaining = end - begin;
  while (remaining > 0) {
    let width = 1;
    let level = 0;
    while (width * 2 <= remaining) {
      width *= 2;
      level++;
    }
    nodes.push({ level, index: position / width });
    position += width;
    remaining -= width;
  }
  return nodes;
}

/** The Merkle Tree Hash of consecutive perfect subtrees: folded from the right. */
export function foldNodes(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes[hashes.length - 1];
  if (!acc) throw new TypeError('foldNodes needs at least one hash');
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** The nodes whose hashes, folded, give the root of a tree of `size` leaves (size > 0). */
export function rootNodes(size: number): NodeId[] {
  return subtreeNodes(0, size);
}

/**
 * The audit path PATH(m, D[0:n]) for leaf `index` in a tree of `size` leaves, from the leaf up.
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.1
 */
export function inclusionPlan(index: number, size: number): ProofPlan {
  const topDown: ProofPlan = [];
  let begin = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      topDown.push(subtreeNodes(begin + k, begin + n));
      n = k;
    } else {
      topDown.push(subtreeNodes(begin, begin + k));
      begin += k;
      m -= k;
      n -= k;
    }
  }
  return topDown.reverse();
}

/**
 * The consistency proof PROOF(m, D[0:n]) between tree sizes 0 < size1 <= size2 (empty when they are equal).
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.1
 */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  const topDown: ProofPlan = [];
  let begin = 0;
  let n = size2;
  let m = size1;
  let whole = true; // SUBPROOF's b: the subtree is the whole first tree, whose root the verifier already has
  for (;;) {
    if (m === n) {
      if (!whole) topDown.push(subtreeNodes(begin, begin + n));
      break;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      topDown.push(subtreeNodes(begin + k, begin + n));
      n = k;
    } else {
      topDown.push(subtreeNodes(begin, begin + k));
      begin += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  return topDown.reverse();
}

/** The proof hashes of a plan, reading each node through `hashAt`. */
export function hashPlan(plan: ProofPlan, hashAt: NodeHashReader): Uint8Array[] {
  return plan.map((nodes) => foldNodes(nodes.map(hashAt)));
}

/** An inclusion proof from any source of node hashes (a tree of `size` leaves must be complete in it). */
export function inclusionProof(index: number, size: number, hashAt: NodeHashReader): Uint8Array[] {
  if (!isSize(size) || !isSize(index) || index >= size) throw rangeError('the leaf index must be below the tree size', { index, size });
  return hashPlan(inclusionPlan(index, size), hashAt);
}

/** A consistency proof from any source of node hashes (a tree of `size2` leaves must be complete in it). */
export function consistencyProof(size1: number, size2: number, hashAt: NodeHashReader): Uint8Array[] {
  if (!isSize(size1) || !isSize(size2) || size1 < 1 || size1 > size2) throw rangeError('a consistency proof needs 0 < size1 <= size2', { size1, size2 });
  return hashPlan(consistencyPlan(size1, size2), hashAt);
}

function rangeError(message: string, evidence: Record<string, unknown>): LogError {
  return new LogError('LOG_INDEX_OUT_OF_RANGE', message, { evidence });
}

// --- verification ---------------------------------------------------------------------------------------------

/**
 * The outcome of checking a proof. `ok: false` carries a stable code (`PROOF_VERIFICATION_FAILED` for inclusion,
 * `LOG_INCONSISTENT` for consistency), the reason, and the evidence: sizes, index, expected and computed roots
 * (base64), as a JSON-safe object.
 */
export type ProofCheck =
  | { ok: true }
  | { ok: false; code: 'PROOF_VERIFICATION_FAILED' | 'LOG_INCONSISTENT'; reason: string; evidence: Record<string, unknown> };

const b64 = (bytes: Uint8Array | undefined) => (bytes ? toBase64(bytes) : null);

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

/**
 * Checks that `leafHash` is the leaf at `leafIndex` of the tree of `treeSize` leaves whose root is `root`, by
 * RFC 9162 §2.1.3.2 step by step. Never throws for bad input: every malformed argument is a failed check.
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2
 */
export function checkInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): ProofCheck {
  const evidence = (reason: string, computed?: Uint8Array) => ({
    ok: false as const,
    code: 'PROOF_VERIFICATION_FAILED' as const,
    reason,
    evidence: { reason, leafIndex, treeSize, leafHash: b64(leafHash), proofLength: proof.length, expectedRoot: b64(root), ...(computed ? { computedRoot: b64(computed) } : {}) },
  });
  if (!isSize(leafIndex) || !isSize(treeSize)) return evidence('the leaf index and tree size must be non-negative safe integers');
  if (leafIndex >= treeSize) return evidence('the leaf index is not below the tree size');
  if (leafHash.length !== HASH_SIZE) return evidence(`the leaf hash is ${leafHash.length} bytes, not ${HASH_SIZE}`);
  if (proof.some((p) => p.length !== HASH_SIZE)) return evidence(`a proof hash is not ${HASH_SIZE} bytes`);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return evidence('the proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return evidence('the proof is shorter than the path to the root', r);
  if (!bytesEqual(r, root)) return evidence('the computed root is not the expected root', r);
  return { ok: true };
}

/** Throws a LogError `PROOF_VERIFICATION_FAILED` with the evidence unless the inclusion proof holds. */
export function verifyInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  const check = checkInclusion(leafIndex, treeSize, leafHash, proof, root);
  if (!check.ok) throw new LogError(check.code, `Inclusion proof failed: ${check.reason}`, { evidence: check.evidence });
}

/**
 * Checks that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with root `root1`, by
 * RFC 9162 §2.1.4.2 step by step. As transparency-dev/merkle does: size1 = 0 fails (a proof from the empty tree
 * proves nothing), and size1 = size2 needs an empty proof and equal roots.
 * @see https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.2
 */
export function checkConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): ProofCheck {
  const evidence = (reason: string, computed1?: Uint8Array, computed2?: Uint8Array) => ({
    ok: false as const,
    code: 'LOG_INCONSISTENT' as const,
    reason,
    evidence: {
      reason,
      size1,
      size2,
      root1: b64(root1),
      root2: b64(root2),
      proofLength: proof.length,
      ...(computed1 ? { computedRoot1: b64(computed1) } : {}),
      ...(computed2 ? { computedRoot2: b64(computed2) } : {}),
    },
  });
  if (!isSize(size1) || !isSize(size2)) return evidence('the tree sizes must be non-negative safe integers');
  if (size1 === 0) return evidence('a consistency proof from the empty tree proves nothing');
  if (size2 < size1) return evidence('the second tree is smaller than the first');
  if (size1 === size2) {
    if (proof.length > 0) return evidence('equal tree sizes need an empty proof');
    if (!bytesEqual(root1, root2)) return evidence('two different roots for the same tree size');
    return { ok: true };
  }
  if (proof.length === 0) return evidence('the proof is empty');
  if (proof.some((p) => p.length !== HASH_SIZE)) return evidence(`a proof hash is not ${HASH_SIZE} bytes`);
  // Step 2: when size1 is a power of two, the first tree is a node of the second and its root starts the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return evidence('the proof is longer than needed');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return evidence('the proof is shorter than needed', fr, sr);
  if (!bytesEqual(fr, root1)) return evidence('the proof does not lead to the first root', fr, sr);
  if (!bytesEqual(sr, root2)) return evidence('the proof does not lead to the second root', fr, sr);
  return { ok: true };
}

/** Throws a LogError `LOG_INCONSISTENT` with the evidence unless the consistency proof holds. */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  const check = checkConsistency(size1, size2, proof, root1, root2);
  if (!check.ok) throw new LogError(check.code, `Consistency proof failed: ${check.reason}`, { evidence: check.evidence });
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
