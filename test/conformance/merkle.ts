// transparency-dev/merkle golden vectors (RFC 6962 / RFC 9162): every inclusion and consistency case verifies or
// fails as it should, and the reference tree's leaf hashes, nodes and roots come out of our hashing; its proofs
// out of our generation (from node hashes and from a log on a memory store), each verifying against its roots.
//
// The 213 cases of the README's check script are the 196 vector files plus the reference tree's 8 leaf hashes
// and 9 roots; the interior nodes and generated proofs are counted on top. subtreeinclusion/ and
// subtreeconsistency/ hold subtree proofs (draft-ietf-plants-merkle-tree-certs), not RFC 9162 proofs: not run.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { leafHash, rootOf } from '../../src/log/hash.js';
import { checkConsistency, checkInclusion, consistencyProof, inclusionProof, type NodeId } from '../../src/log/proof.js';
import { createMerkleLog } from '../../src/log/log.js';
import { Recorder, bytesEqual, hex, missingFolder, readJson, readText, type SuiteResult } from './common.js';

const NAME = 'transparency-dev-merkle';

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ReferenceTree {
  leafInputsHex: string[];
  nodeHashesHexByLevel: string[][];
  rootHashesHexByTreeSize: string[];
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** JSON with integers beyond 2^53 (the vectors' uint64 wrap-arounds) kept unsafe rather than rounded into range. */
function parseVector<T>(text: string): T {
  return JSON.parse(text.replace(/:\s*(\d{16,})/g, (_, digits: string) => `: ${Number.isSafeInteger(Number(digits)) ? digits : '1e300'}`)) as T;
}

function jsonFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) out.push(...jsonFiles(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

export async function runMerkle(conformanceDir: string): Promise<SuiteResult> {
  const root = join(conformanceDir, 'transparency-dev-merkle');
  const testdata = join(root, 'testdata');
  const missing = missingFolder(NAME, testdata);
  if (missing) return missing;
  const r = new Recorder(NAME);
  const reference = readJson<ReferenceTree>(root, 'reference-tree.json');
  const referenceRoots = reference.rootHashesHexByTreeSize;

  // Our own proofs, generated from the reference tree's node hashes, for the vectors' happy paths to match.
  const leaves = reference.leafInputsHex.map((h) => leafHash(fromHex(h)));
  const mth = (node: NodeId) => rootOf(leaves.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level));
  const isReferenceRoot = (size: number, rootB64: string) => referenceRoots[size] === hex(bytes(rootB64));

  // --- inclusion vectors -----------------------------------------------------------------------------------
  for (const file of jsonFiles(join(testdata, 'inclusion'))) {
    const what = `inclusion/${relative(join(testdata, 'inclusion'), file)}`;
    await r.run(what, () => {
      const v = parseVector<InclusionVector>(readText(file));
      const proof = (v.proof ?? []).map(bytes);
      const check = checkInclusion(v.leafIdx, v.treeSize, bytes(v.leafHash), proof, bytes(v.root));
      if (v.wantErr) {
        r.check(what, !check.ok, 'a corrupted proof verified');
        return;
      }
      if (!check.ok) return void r.fail(what, `${check.code}: ${check.reason}`);
      if (isReferenceRoot(v.treeSize, v.root)) {
        const ours = inclusionProof(v.leafIdx, v.treeSize, mth);
        const same = ours.length === proof.length && ours.every((p, i) => bytesEqual(p, proof[i]));
        r.check(what, same, () => `verifies, but our generated proof differs: ${ours.map(hex).join(',')}`);
      } else {
        r.pass(what, 'verifies');
      }
    });
  }

  // --- consistency vectors ---------------------------------------------------------------------------------
  for (const file of jsonFiles(join(testdata, 'consistency'))) {
    const what = `consistency/${relative(join(testdata, 'consistency'), file)}`;
    await r.run(what, () => {
      const v = parseVector<ConsistencyVector>(readText(file));
      const proof = (v.proof ?? []).map(bytes);
      const check = checkConsistency(v.size1, v.size2, proof, bytes(v.root1), bytes(v.root2));
      if (v.wantErr) {
        r.check(what, !check.ok, 'a corrupted proof verified');
        return;
      }
      if (!check.ok) return void r.fail(what, `${check.code}: ${check.reason}`);
      if (v.size1 > 0 && isReferenceRoot(v.size1, v.root1) && isReferenceRoot(v.size2, v.root2)) {
        const ours = consistencyProof(v.size1, v.size2, mth);
        const same = ours.length === proof.length && ours.every((p, i) => bytesEqual(p, proof[i]));
        r.check(what, same, () => `verifies, but our generated proof differs: ${ours.map(hex).join(',')}`);
      } else {
        r.pass(what, 'verifies');
      }
    });
  }
  r.skip('subtreeinclusion/, subtreeconsistency/', 'subtree proofs of draft-ietf-plants-merkle-tree-certs, not RFC 9162 proofs');

  // --- the reference tree ----------------------------------------------------------------------------------
  reference.nodeHashesHexByLevel[0]!.forEach((expected, i) => {
    r.check(`reference leaf hash ${i}`, hex(leaves[i]) === expected, () => `got ${hex(leaves[i])}`);
  });
  referenceRoots.forEach((expected, size) => {
    const got = rootOf(leaves.slice(0, size));
    r.check(`reference root of size ${size}`, hex(got) === expected, () => `got ${hex(got)}`);
  });
  reference.nodeHashesHexByLevel.slice(1).forEach((level, l) => {
    level.forEach((expected, i) => {
      const got = mth({ level: l + 1, index: i });
      r.check(`reference node (level ${l + 1}, index ${i})`, hex(got) === expected, () => `got ${hex(got)}`);
    });
  });

  // A log on a memory store, fed the reference leaves one by one: each root, and every proof from the log.
  await r.run('reference tree through createMerkleLog', async () => {
    const store = createMemoryStore();
    const log = createMerkleLog({ store });
    await log.open();
    for (const [i, input] of reference.leafInputsHex.entries()) {
      const prepared = log.prepareAppend([fromHex(input)]);
      await store.batch(prepared.operations);
      prepared.commit();
      r.check(`log root after ${i + 1} appends`, hex(log.root) === referenceRoots[i + 1], () => `got ${hex(log.root)}`);
    }
    let inclusion = 0;
    let consistency = 0;
    const bad: string[] = [];
    for (let n = 1; n <= leaves.length; n++) {
      for (let m = 0; m < n; m++) {
        const check = checkInclusion(m, n, leaves[m]!, await log.inclusionProof(m, n), fromHex(referenceRoots[n]!));
        if (check.ok) inclusion++;
        else bad.push(`inclusion ${m} in ${n}: ${check.reason}`);
      }
      for (let m = 1; m <= n; m++) {
        const check = checkConsistency(m, n, await log.consistencyProof(m, n), fromHex(referenceRoots[m]!), fromHex(referenceRoots[n]!));
        if (check.ok) consistency++;
        else bad.push(`consistency ${m} to ${n}: ${check.reason}`);
      }
    }
    r.check('log inclusion proofs, every index of sizes 1..8, verify against the reference roots', bad.length === 0 && inclusion === 36, () => bad.join('; '));
    r.check('log consistency proofs, every pair of sizes 1..8, verify against the reference roots', bad.length === 0 && consistency === 36, () => bad.join('; '));
  });
  return r.result;
}
