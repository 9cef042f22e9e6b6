// did:key spec vectors: Ed25519 DIDs derive from their seeds and resolve to their keys; every other key
// type is refused with KEY_UNSUPPORTED (by design we support Ed25519 did:key only).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { didKeyFromPublicKey, didKeyVerificationMethod, resolveDidKey } from '../../src/did/did-key.js';
import { findVerificationMethod } from '../../src/did/did-document.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { base58btcDecode, ed25519PublicKeyFromMultibase } from '../../src/did/multibase.js';
import { isDppError } from '../../src/errors.js';
import { Recorder, bytesEqual, describeError, hex, isObject, missingFolder, readJson, type SuiteResult } from './common.js';

const NAME = 'did-method-key';
const ED25519_FILE = 'ed25519-x25519.json';

type Json = Record<string, unknown>;

/** The vector's Ed25519 public key: publicKeyBase58 (2018 suites) or publicKeyJwk.x (JsonWebKey2020). */
function vectorPublicKey(pair: Json): Uint8Array | undefined {
  if (typeof pair.publicKeyBase58 === 'string') return base58btcDecode(pair.publicKeyBase58);
  if (isObject(pair.publicKeyJwk) && typeof pair.publicKeyJwk.x === 'string') return new Uint8Array(Buffer.from(pair.publicKeyJwk.x, 'base64url'));
  return undefined;
}

/** The DIDs a vector file names: its top-level keys, or those of its `didDocument` map (x25519.json). */
function didsOf(file: Json): string[] {
  const top = Object.keys(file).filter((k) => k.startsWith('did:key:'));
  if (top.length) return top;
  return isObject(file.didDocument) ? Object.keys(file.didDocument).filter((k) => k.startsWith('did:key:')) : [];
}

export async function runDidMethodKey(conformanceDir: string): Promise<SuiteResult> {
  const folder = join(conformanceDir, 'did-method-key', 'test-vectors');
  const missing = missingFolder(NAME, folder);
  if (missing) return missing;
  const r = new Recorder(NAME);

  // Ed25519: derive from the seed, resolve, compare the key bytes.
  const vectors = readJson(folder, ED25519_FILE);
  for (const [did, vector] of Object.entries(vectors)) {
    if (!isObject(vector)) continue;
    await r.run(`${did}: derived from its seed`, () => {
      const seed = new Uint8Array(Buffer.from(String(vector.seed), 'hex'));
      const derived = didKeyFromPublicKey(ed25519FromSeed(seed).publicKey);
      r.check(`${did}: derived from its seed`, derived === did, `seed ${String(vector.seed)} gives ${derived}`);
    });
    await r.run(`${did}: resolves to its public key`, () => {
      const pair = vector.verificationKeyPair as Json;
      const expected = vectorPublicKey(pair);
      const doc = resolveDidKey(did);
      const vmId = didKeyVerificationMethod(did);
      const vectorVmId = String(pair.id).startsWith('#') ? did + String(pair.id) : String(pair.id);
      const vm = findVerificationMethod(doc, vmId);
      const actual = vm?.publicKeyMultibase ? ed25519PublicKeyFromMultibase(vm.publicKeyMultibase) : undefined;
      const problems: string[] = [];
      if (doc.id !== did) problems.push(`document id ${doc.id}`);
      if (vmId !== vectorVmId) problems.push(`verification method ${vmId}, vector has ${vectorVmId}`);
      if (!vm) problems.push(`no verification method ${vmId}`);
      if (!bytesEqual(actual, expected)) problems.push(`public key ${hex(actual)}, vector has ${hex(expected)}`);
      for (const rel of ['assertionMethod', 'authentication']) {
        const list = doc[rel];
        if (!Array.isArray(list) || !list.includes(vmId)) problems.push(`${vmId} is not in ${rel}`);
      }
      r.check(`${did}: resolves to its public key`, problems.length === 0, problems.join('; '));
    });
  }

  // Every other key type: refused with KEY_UNSUPPORTED.
  const others = readdirSync(folder).filter((f) => f.endsWith('.json') && f !== ED25519_FILE).sort();
  for (const file of others) {
    for (const did of didsOf(readJson(folder, file))) {
      const what = `${file}: ${did.length > 60 ? `${did.slice(0, 57)}...` : did} is refused with KEY_UNSUPPORTED`;
      try {
        const doc = resolveDidKey(did);
        r.fail(what, `resolved to ${JSON.stringify(doc).slice(0, 120)}`);
      } catch (err) {
        r.check(what, isDppError(err) && err.code === 'KEY_UNSUPPORTED', `threw ${describeError(err)}`);
      }
    }
  }
  return r.result;
}
