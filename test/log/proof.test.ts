// RFC 9162 hashing and proofs: the reference tree's hashes, proofs generated from node hashes against the RFC's own
// recursive definitions, and every kind of tampering rejected with its code and evidence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LogError } from '../../src/errors.js';
import { emptyRoot, leafHash, nodeHash, rootOf } from '../../src/log/hash.js';
import {
  checkConsistency, checkInclusion, consistencyProof, inclusionProof, verifyConsistency, verifyInclusion, type NodeId,
} from '../../src/log/proof.js';
import { ReferenceTree, b64, hex, testEntry } from './reference.js';

const REFERENCE_TREE = new URL('../../../shared/conformance/transparency-dev-merkle/reference-tree.json', import.meta.url);
const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** A node hash reader over the reference tree: node (level, index) is MTH of its 2^level leaves. */
const readerOf = (tree: ReferenceTree) => (node: NodeId) => tree.mth(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level);

function thrown(fn: () => unknown): LogError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LogError) return err;
    throw err;
  }
  throw new Error('expected a LogError');
}

describe('hashing', () => {
  it('uses the RFC 6962 prefixes and SHA-256 of the empty string for the empty tree', () => {
    expect(hex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const a = leafHash(Uint8Array.of(1));
    const b = leafHash(Uint8Array.of(2));
    expect(nodeHash(a, b)).not.toEqual(nodeHash(b, a));
    expect(rootOf([a])).toEqual(a);
    expect(rootOf([a, b])).toEqual(nodeHash(a, b));
  });

  it.runIf(exists(REFERENCE_TREE))('reproduces transparency-dev/merkle reference leaves, nodes and roots', () => {
    const ref = JSON.parse(readFileSync(REFERENCE_TREE, 'utf8')) as { leafInputsHex: string[]; nodeHashesHexByLevel: string[][]; rootHashesHexByTreeSize: string[] };
    const leaves = ref.leafInputsHex.map((h) => leafHash(hexBytes(h)));
    expect(leaves.map(hex)).toEqual(ref.nodeHashesHexByLevel[0]);
    ref.rootHashesHexByTreeSize.forEach((root, size) => expect(hex(rootOf(leaves.slice(0, size))), `size ${size}`).toBe(root));
  });
});

describe('proofs against the RFC definitions', () => {
  const tree = new ReferenceTree(Array.from({ length: 70 }, (_, i) => testEntry(i)));
  const read = readerOf(tree);

  it('every inclusion proof for every size 1..70 is PATH(m, D[n]) and verifies', () => {
    for (let n = 1; n <= 70; n++) {
      const root = tree.root(n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, read);
        expect(proof.map(hex), `${m} in ${n}`).toEqual(tree.path(m, n).map(hex));
        verifyInclusion(m, n, tree.leaves[m]!, proof, root);
      }
    }
  });

  it('every consistency proof for 1 <= m <= n <= 70 is PROOF(m, D[n]) and verifies', () => {
    for (let n = 1; n <= 70; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, n, read);
        expect(proof.map(hex), `${m} to ${n}`).toEqual(tree.proof(m, n).map(hex));
        verifyConsistency(m, n, proof, tree.root(m), tree.root(n));
      }
    }
  });

  it('random proofs in trees up to 10,000 leaves', () => {
    const big = new ReferenceTree(Array.from({ length: 10_000 }, (_, i) => testEntry(i)));
    const readBig = readerOf(big);
    let seed = 20260601;
    const random = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % max;
    };
    for (let i = 0; i < 300; i++) {
      const n = 1 + random(10_000);
      const m = random(n);
      const proof = inclusionProof(m, n, readBig);
      expect(proof.map(hex)).toEqual(big.path(m, n).map(hex));
      expect(checkInclusion(m, n, big.leaves[m]!, proof, big.root(n))).toEqual({ ok: true });
      const m1 = 1 + random(n);
      const consistency = consistencyProof(m1, n, readBig);
      expect(consistency.map(hex)).toEqual(big.proof(m1, n).map(hex));
      expect(checkConsistency(m1, n, consistency, big.root(m1), big.root(n))).toEqual({ ok: true });
    }
  });

  it('refuses to generate proofs out of range', () => {
    expect(thrown(() => inclusionProof(5, 5, read)).code).toBe('LOG_INDEX_OUT_OF_RANGE');
    expect(thrown(() => inclusionProof(-1, 5, read)).code).toBe('LOG_INDEX_OUT_OF_RANGE');
    expect(thrown(() => consistencyProof(0, 5, read)).code).toBe('LOG_INDEX_OUT_OF_RANGE');
    expect(thrown(() => consistencyProof(6, 5, read)).code).toBe('LOG_INDEX_OUT_OF_RANGE');
  });
});

describe('tampered proofs fail with their code and evidence', () => {
  const tree = new ReferenceTree(Array.from({ length: 1000 }, (_, i) => testEntry(i)));
  const read = readerOf(tree);
  const m = 345;
  const n = 1000;
  const root = tree.root(n);
  const leaf = tree.leaves[m]!;
  const proof = inclusionProof(m, n, read);

  it('inclusion: a flipped bit in any proof hash, the leaf or the root', () => {
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((p) => p.slice());
      bad[i]![7]! ^= 0x10;
      const err = thrown(() => verifyInclusion(m, n, leaf, bad, root));
      expect(err.code).toBe('PROOF_VERIFICATION_FAILED');
      expect(err.evidence).toMatchObject({ leafIndex: m, treeSize: n, expectedRoot: b64(root) });
      expect(err.evidence!.computedRoot).toBeTypeOf('string');
      expect(err.evidence!.computedRoot).not.toBe(b64(root));
    }
    expect(thrown(() => verifyInclusion(m, n, tree.leaves[m + 1]!, proof, root)).code).toBe('PROOF_VERIFICATION_FAILED');
    expect(thrown(() => verifyInclusion(m, n, leaf, proof, tree.root(n - 1))).code).toBe('PROOF_VERIFICATION_FAILED');
  });

  it('inclusion: wrong index, wrong size, truncated, extended, malformed', () => {
    const fails = (index: number, size: number, p: Uint8Array[], l = leaf, reason?: RegExp) => {
      const check = checkInclusion(index, size, l, p, root);
      expect(check.ok, `${index}/${size}/${p.length}`).toBe(false);
      if (!check.ok && reason) expect(check.reason).toMatch(reason);
      if (!check.ok) expect(JSON.parse(JSON.stringify(check.evidence))).toEqual(check.evidence);
    };
    fails(m + 1, n, proof);
    fails(m - 1, n, proof);
    // (m, n + 1) would pass here: the path of leaf 345 is the same in trees of 1000 and 1001 leaves, so it is the
    // signed checkpoint, not the proof, that binds a root to its size.
    fails(m, n * 2, proof);
    fails(m, n, proof.slice(0, -1), leaf, /shorter/);
    fails(m, n, [...proof, proof[0]!], leaf, /longer/);
    fails(m, n, [new Uint8Array(0), ...proof], leaf, /32 bytes/);
    fails(m, n, proof, leaf.subarray(1), /leaf hash/);
    fails(n, n, proof, leaf, /below/);
    fails(-1, n, proof, leaf, /safe integers/);
    fails(m, 2 ** 64, proof, leaf, /safe integers/);
    fails(0.5, n, proof, leaf, /safe integers/);
  });

  it('consistency: LOG_INCONSISTENT with both sizes and roots', () => {
    const m1 = 377;
    const root1 = tree.root(m1);
    const consistency = consistencyProof(m1, n, read);
    for (let i = 0; i < consistency.length; i++) {
      const bad = consistency.map((p) => p.slice());
      bad[i]![0]! ^= 1;
      const err = thrown(() => verifyConsistency(m1, n, bad, root1, root));
      expect(err.code).toBe('LOG_INCONSISTENT');
      expect(err.evidence).toMatchObject({ size1: m1, size2: n, root1: b64(root1), root2: b64(root) });
    }
    const rewritten = new ReferenceTree(Array.from({ length: 1000 }, (_, i) => testEntry(i === 10 ? 9999 : i)));
    const err = thrown(() => verifyConsistency(m1, n, consistency, rewritten.root(m1), root));
    expect(err.code).toBe('LOG_INCONSISTENT');
    expect(err.evidence!.computedRoot1).toBe(b64(root1));
    expect(checkConsistency(m1, n, consistency, root, root1).ok).toBe(false);
    expect(checkConsistency(n, m1, consistency, root, root1).ok).toBe(false);
    expect(checkConsistency(m1, n, consistency.slice(1), root1, root).ok).toBe(false);
    expect(checkConsistency(m1, n, [], root1, root).ok).toBe(false);
    expect(checkConsistency(0, n, [], emptyRoot(), root).ok).toBe(false);
    expect(checkConsistency(n, n, [], root, root)).toEqual({ ok: true });
    expect(checkConsistency(n, n, [root], root, root).ok).toBe(false);
    expect(checkConsistency(n, n, [], root, root1).ok).toBe(false);
  });
});

function exists(url: URL): boolean {
  try {
    readFileSync(url);
    return true;
  } catch {
    return false;
  }
}
