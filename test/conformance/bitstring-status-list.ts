// W3C Bitstring Status List v1.0: the spec's all-zero list decodes, our encoding round-trips, bit 0 is
// the left-most bit, our entries have the spec's shape, and status is enforced end to end on the
// test suite's credential (issued by us with a revocation and a suspension entry).
import { join } from 'node:path';
import { createDidResolver } from '../../src/did/resolver.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../../src/did/did-key.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { createCredentialServices } from '../../src/vc/services.js';
import { signerFromSeed } from '../../src/vc/signer.js';
import { PROOF_FORMATS } from '../../src/vc/issue.js';
import {
  MIN_STATUS_LIST_BITS, createBitstring, decodeBitstring, encodeBitstring, getBit, setBit, statusEntry, statusListCredential, type StatusPurpose,
} from '../../src/vc/status-list.js';
import { Recorder, bytesEqual, missingFolder, readJson, type SuiteResult } from './common.js';

const NAME = 'bitstring-status-list';
const NOW = new Date('2026-06-01T00:00:00Z');
const SEED = new Uint8Array(32).fill(0x5b);

type Json = Record<string, unknown>;

export async function runBitstringStatusList(conformanceDir: string): Promise<SuiteResult> {
  const examples = join(conformanceDir, 'vc-bitstring-status-list', 'examples');
  const missing = missingFolder(NAME, examples);
  if (missing) return missing;
  const r = new Recorder(NAME);

  // --- the spec's status list credential: 131,072 entries, none set ----------------------------
  const example05 = readJson(examples, '05-a-status-list-verifiable-credential.json');
  const exampleSubject = example05.credentialSubject as Json;
  let specList: Uint8Array | undefined;
  await r.run('05: encodedList decodes to 16384 bytes', () => {
    specList = decodeBitstring(String(exampleSubject.encodedList));
    r.check('05: encodedList decodes to 16384 bytes', specList.length === 16384, `${specList.length} bytes`);
  });
  if (specList) {
    const list = specList;
    await r.run('05: none of the 131072 entries is set', () => {
      let set = 0;
      for (let i = 0; i < MIN_STATUS_LIST_BITS; i++) if (getBit(list, i)) set++;
      r.check('05: none of the 131072 entries is set', set === 0 && list.every((b) => b === 0), `${set} entries set`);
    });
  }

  // --- our encoding ------------------------------------------------------------------------------
  await r.run('encodeBitstring(createBitstring()) decodes to the same 16384 zero bytes', () => {
    const fresh = createBitstring();
    const decoded = decodeBitstring(encodeBitstring(fresh));
    r.check('encodeBitstring(createBitstring()) decodes to the same 16384 zero bytes', fresh.length === 16384 && bytesEqual(decoded, fresh) && (!specList || bytesEqual(decoded, specList)), `decoded ${decoded.length} bytes`);
  });
  await r.run('encodedList is multibase base64url (u…) without padding', () => {
    const encoded = encodeBitstring(createBitstring());
    r.check('encodedList is multibase base64url (u…) without padding', /^u[A-Za-z0-9_-]+$/.test(encoded), encoded.slice(0, 40));
  });

  // --- bit order: index 0 is the left-most bit of the first byte -------------------------------
  const bitCases: [number, number, number][] = [
    [0, 0, 0x80],
    [7, 0, 0x01],
    [8, 1, 0x80],
    [94567, 94567 >> 3, 0x80 >> (94567 & 7)],
  ];
  for (const [index, byte, value] of bitCases) {
    const what = `set bit ${index} → byte ${byte} is 0x${value.toString(16).padStart(2, '0')}`;
    await r.run(what, () => {
      const bits = createBitstring();
      setBit(bits, index, true);
      const others = bits.filter((b, i) => i !== byte && b !== 0).length;
      const roundTrip = decodeBitstring(encodeBitstring(bits));
      r.check(what, bits[byte] === value && others === 0 && getBit(bits, index) && bytesEqual(roundTrip, bits),
        `byte ${byte} is 0x${(bits[byte] ?? 0).toString(16)}, ${others} other bytes set`);
    });
  }
  await r.run('clearing a bit clears only it', () => {
    const bits = createBitstring();
    setBit(bits, 3, true);
    setBit(bits, 4, true);
    setBit(bits, 3, false);
    r.check('clearing a bit clears only it', bits[0] === 0x08 && !getBit(bits, 3) && getBit(bits, 4), `byte 0 is 0x${(bits[0] ?? 0).toString(16)}`);
  });

  // --- our entries and list credentials have the spec's shape ----------------------------------
  for (const file of ['04-a-revocable-verifiable-credential.json', '01-example-statuslistcredential-using-simple-entries.json']) {
    const example = readJson(examples, file);
    const entries = ([] as Json[]).concat(example.credentialStatus as Json[]);
    for (const entry of entries) {
      const what = `${file}: statusEntry reproduces the ${String(entry.statusPurpose)} entry`;
      await r.run(what, () => {
        const ours = statusEntry(String(entry.statusListCredential), entry.statusPurpose as StatusPurpose, Number(entry.statusListIndex));
        r.check(what, JSON.stringify(ours) === JSON.stringify(entry), `got ${JSON.stringify(ours)}`);
      });
    }
  }
  await r.run('05: statusListCredential gives the example\'s type, subject type, purpose and list', () => {
    const ours = statusListCredential({
      id: String(example05.id), issuer: String(example05.issuer), purpose: exampleSubject.statusPurpose as StatusPurpose,
      bitstring: createBitstring(), validFrom: String(example05.validFrom),
    });
    const subject = ours.credentialSubject as Json;
    // The subject's id is ours to choose (`<list id>#list`); the example uses another URL.
    const same = ['type', 'statusPurpose'].every((k) => subject[k] === exampleSubject[k]) &&
      bytesEqual(decodeBitstring(String(subject.encodedList)), decodeBitstring(String(exampleSubject.encodedList))) &&
      JSON.stringify(ours.type) === JSON.stringify(example05.type);
    r.check('05: statusListCredential gives the example\'s type, subject type, purpose and list', same, `got ${JSON.stringify({ ...subject, encodedList: '…' })}`);
  });

  // --- end to end on the test suite's credential --------------------------------------------
  const validVcPath = join(conformanceDir, 'vc-bitstring-status-list-test-suite');
  const missingSuite = missingFolder(NAME, join(validVcPath, 'validVc.json'));
  if (missingSuite) {
    r.skip('vc-bitstring-status-list-test-suite/validVc.json', 'absent');
    return r.result;
  }
  await endToEnd(r, readJson(validVcPath, 'validVc.json'));
  return r.result;
}

/**
 * The suite sends validVc.json to an issuer that must add a BitstringStatusListEntry. We issue it with a
 * revocation and a suspension entry, serve the two list credentials, and flip the bits.
 */
async function endToEnd(r: Recorder, validVc: Json): Promise<void> {
  const did = didKeyFromPublicKey(ed25519FromSeed(SEED).publicKey);
  const signer = signerFromSeed(didKeyVerificationMethod(did), SEED);
  const lists = new Map<string, unknown>();
  const services = createCredentialServices({
    resolver: createDidResolver(),
    now: () => NOW,
    fetchStatusList: async (url) => {
      const list = lists.get(url);
      if (!list) throw new Error(`no status list at ${url}`);
      return list;
    },
  });
  const revocationUrl = 'https://status.example/lists/revocation/1';
  const suspensionUrl = 'https://status.example/lists/suspension/1';
  const revocationIndex = 94567;
  const suspensionIndex = 23452;

  const publish = async (url: string, purpose: StatusPurpose, set: number[]): Promise<void> => {
    const bits = createBitstring();
    for (const i of set) setBit(bits, i, true);
    const unsigned = statusListCredential({ id: url, issuer: did, purpose, bitstring: bits, validFrom: '2026-01-01T00:00:00Z' });
    lists.set(url, await services.issuer.issue(unsigned, { signer }));
  };

  for (const format of PROOF_FORMATS) {
    const tag = `validVc.json [${format}]`;
    await r.run(`${tag}: issued with status entries`, async () => {
      const credential: Json = {
        ...structuredClone(validVc),
        issuer: did,
        credentialStatus: [statusEntry(revocationUrl, 'revocation', revocationIndex), statusEntry(suspensionUrl, 'suspension', suspensionIndex)],
      };
      const issued = await services.issuer.issue(credential, { signer, format });
      r.pass(`${tag}: issued with status entries`);

      const statusOf = async (): Promise<{ verified: boolean; codes: string[] }> => {
        const report = await services.verifier.verifyCredential(issued);
        const codes = report.checks.filter((c) => c.id === 'status').map((c) => `${c.status}${c.code ? `:${c.code}` : ''}`);
        return { verified: report.verified, codes };
      };

      await publish(revocationUrl, 'revocation', []);
      await publish(suspensionUrl, 'suspension', []);
      let s = await statusOf();
      r.check(`${tag}: verifies while no bit is set`, s.verified && s.codes.every((c) => c === 'pass'), `verified=${s.verified} status ${s.codes.join(', ')}`);

      await publish(revocationUrl, 'revocation', [revocationIndex - 1, revocationIndex + 1]);
      s = await statusOf();
      r.check(`${tag}: neighbouring bits do not revoke it`, s.verified, `verified=${s.verified} status ${s.codes.join(', ')}`);

      await publish(revocationUrl, 'revocation', [revocationIndex]);
      s = await statusOf();
      r.check(`${tag}: revoked when its revocation bit is set`, !s.verified && s.codes.includes('fail:STATUS_REVOKED'), `verified=${s.verified} status ${s.codes.join(', ')}`);

      await publish(revocationUrl, 'revocation', []);
      await publish(suspensionUrl, 'suspension', [suspensionIndex]);
      s = await statusOf();
      r.check(`${tag}: suspended when its suspension bit is set`, !s.verified && s.codes.includes('fail:STATUS_SUSPENDED'), `verified=${s.verified} status ${s.codes.join(', ')}`);

      // A list signed by someone else does not count.
      const forged = structuredClone(lists.get(suspensionUrl)) as Json;
      const subject = forged.credentialSubject as Json;
      subject.encodedList = encodeBitstring(createBitstring());
      lists.set(suspensionUrl, forged);
      s = await statusOf();
      r.check(`${tag}: a tampered status list is refused`, !s.verified && s.codes.includes('fail:STATUS_LIST_INVALID'), `verified=${s.verified} status ${s.codes.join(', ')}`);
    });
  }
}
