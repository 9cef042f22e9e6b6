// The W3C VC Data Model 2.0 suite's inputs, through our issuer and verifier: every `*-ok` credential is
// issued in both formats (Data Integrity and vc+jwt) and verifies; every `*-fail` one is refused at issue
// or does not verify. Presentations are signed by our holder key and verified, or refused.
//
// What the suite's own issuer endpoint would do before signing is done here too (as in
// test/vc/data-model.test.ts): our DID goes in as the issuer where the input has none (or where an
// issuer object has no `id` key), and the PAST/FUTURE DATE placeholders become fixed dates.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createDidResolver, type DppDidResolver } from '../../src/did/resolver.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../../src/did/did-key.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { isDppError } from '../../src/errors.js';
import { createCredentialServices, type CredentialServices } from '../../src/vc/services.js';
import { createDocumentLoader, type DocumentLoader } from '../../src/vc/document-loader.js';
import { checkPresentationDataModel } from '../../src/vc/data-model.js';
import { signPresentationDataIntegrity } from '../../src/vc/data-integrity.js';
import { envelope } from '../../src/vc/jose.js';
import { PROOF_FORMATS, type ProofFormat } from '../../src/vc/issue.js';
import { signerFromSeed, type Signer } from '../../src/vc/signer.js';
import type { Check } from '../../src/vc/report.js';
import type { CredentialReport } from '../../src/vc/verify.js';
import { Recorder, describeError, isObject, missingFolder, readJson, type SuiteResult } from './common.js';

const NAME = 'vc-data-model-2.0';
const NOW = new Date('2026-06-01T00:00:00Z');
/** Our issuer and holder for this run: a did:key from a fixed seed. */
const SEED = new Uint8Array(32).fill(0x2a);
const CHALLENGE = 'conformance-challenge-1';

/** Inputs named neither -ok nor -fail: what they test depends on how the credential is secured, not on its shape. */
const UNCLASSIFIED_REASON =
  'neither -ok nor -fail: the suite decides holder/issuer binding of a self-asserted credential per implementation; no expected result to compare with';

type Json = Record<string, unknown>;

interface World {
  did: string;
  signer: Signer;
  resolver: DppDidResolver;
  services: CredentialServices;
  documentLoader: DocumentLoader;
  /** Services with the clock at `at`, for credentials whose validity period excludes NOW. */
  servicesAt(at: Date): CredentialServices;
}

function createWorld(): World {
  const did = didKeyFromPublicKey(ed25519FromSeed(SEED).publicKey);
  const signer = signerFromSeed(didKeyVerificationMethod(did), SEED);
  const resolver = createDidResolver();
  const services = createCredentialServices({ resolver, now: () => NOW });
  const documentLoader = createDocumentLoader({ contexts: services.contexts, dereferenceDid: resolver.dereference });
  return { did, signer, resolver, services, documentLoader, servicesAt: (at) => createCredentialServices({ resolver, now: () => at }) };
}

export interface SuiteInput {
  file: string;
  name: string;
  expected: 'ok' | 'fail' | undefined;
  presentation: boolean;
}

/** Every input of the VC DM 2.0 suite below `folder`, with what the suite expects of it. */
export function suiteInputs(folder: string): SuiteInput[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const name = basename(file);
      const expected = /-ok\.json$/.test(name) ? 'ok' : /-fail(-or-inject)?\.json$/.test(name) ? 'fail' : undefined;
      return { file, name, expected, presentation: name.startsWith('presentation-') };
    });
}

/**
 * What the suite's issuer endpoint receives: an issuer where the input has none (or an issuer object
 * without an `id` key; a null id is left as it is), and the date placeholders as dates.
 */
function asSubmittedForIssuance(doc: Json, issuer: string): Json {
  const copy = structuredClone(doc);
  if (!('issuer' in copy)) copy.issuer = issuer;
  if (isObject(copy.issuer) && !('id' in copy.issuer)) copy.issuer = { ...copy.issuer, id: issuer };
  for (const name of ['validFrom', 'validUntil']) {
    if (copy[name] === 'PAST DATE') copy[name] = '2020-01-01T00:00:00Z';
    if (copy[name] === 'FUTURE DATE') copy[name] = '2099-01-01T00:00:00Z';
  }
  return copy;
}

function failing(checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.status === 'fail');
}

function summary(checks: readonly Check[]): string {
  return failing(checks).map((c) => `${c.id} ${c.code}: ${c.message}`).join('; ') || 'no failing check';
}

const OUT_OF_PERIOD = new Set(['EXPIRED', 'NOT_YET_VALID']);

export async function runVcDataModel(conformanceDir: string): Promise<SuiteResult> {
  const folder = join(conformanceDir, 'vc-data-model-2.0-test-suite', 'tests', 'input');
  const missing = missingFolder(NAME, folder);
  if (missing) return missing;
  const r = new Recorder(NAME);
  const world = createWorld();

  for (const input of suiteInputs(folder)) {
    const doc = readJson(folder, input.file);
    if (input.expected === undefined) {
      r.skip(input.file, UNCLASSIFIED_REASON);
    } else if (!input.presentation) {
      for (const format of PROOF_FORMATS) {
        const what = `${input.file} [${format}]`;
        const prepared = asSubmittedForIssuance(doc, world.did);
        await r.run(what, () => (input.expected === 'ok' ? okCredential(r, world, what, prepared, format) : failCredential(r, world, what, prepared, format)));
      }
    } else if (input.expected === 'ok') {
      const hasPlainCredentials = embedded(doc).some((vc) => isObject(vc) && vc.type !== 'EnvelopedVerifiableCredential' && !('proof' in vc));
      // Embedded plain credentials are issued by our issuer in each format; without any, one run suffices.
      const formats: ProofFormat[] = hasPlainCredentials ? [...PROOF_FORMATS] : ['data-integrity'];
      for (const format of formats) {
        const what = hasPlainCredentials ? `${input.file} [credentials ${format}]` : input.file;
        await r.run(what, () => okPresentation(r, world, what, doc, format));
      }
    } else {
      await r.run(input.file, () => failPresentation(r, world, input.file, doc));
    }
  }
  return r.result;
}

async function okCredential(r: Recorder, world: World, what: string, credential: Json, format: ProofFormat): Promise<void> {
  let issued: Json | string;
  try {
    issued = await world.services.issuer.issue(credential, { signer: world.signer, format });
  } catch (err) {
    r.fail(what, `refused at issue: ${describeError(err)}`);
    return;
  }
  const report = await world.services.verifier.verifyCredential(issued);
  if (report.verified) return r.pass(what);
  // Outside its validity period at NOW (e.g. validUntil in 2023, validFrom in 4023): that must be the only
  // complaint, and at an instant inside the period it must verify.
  const fails = failing(report.checks);
  if (fails.every((c) => c.id === 'validity' && OUT_OF_PERIOD.has(String(c.code)))) {
    const subject = report.credential ?? {};
    const at = new Date(String(subject.validFrom ?? subject.validUntil));
    if (Number.isNaN(at.getTime())) return r.fail(what, `${summary(report.checks)}, and no validity period to check inside`);
    const inside = await world.servicesAt(at).verifier.verifyCredential(issued);
    if (inside.verified) r.pass(what, `at ${NOW.toISOString()} only ${fails.map((c) => c.code).join(', ')}; verified at ${at.toISOString()}, inside its validity period`);
    else r.fail(what, `at ${at.toISOString()} (inside its validity period): ${summary(inside.checks)}`);
    return;
  }
  r.fail(what, `issued but not verified: ${summary(report.checks)}${proofShapeNote(issued)}`);
}

/** Says so when what we issued carries a proof that is neither one typed object nor a list of them. */
function proofShapeNote(issued: Json | string): string {
  if (typeof issued === 'string' || !isObject(issued.proof) || issued.proof.type !== undefined) return '';
  return ` — the issued credential's proof is an object without a type, with keys ${Object.keys(issued.proof).join(', ')}: a proof set (the input's proof plus ours) turned into an object`;
}

async function failCredential(r: Recorder, world: World, what: string, credential: Json, format: ProofFormat): Promise<void> {
  let issued: Json | string;
  try {
    issued = await world.services.issuer.issue(credential, { signer: world.signer, format });
  } catch (err) {
    if (isDppError(err)) r.pass(what, `refused at issue: ${err.code}: ${err.message}`);
    else r.fail(what, `the issuer crashed instead of refusing with a DppError: ${describeError(err)}`);
    return;
  }
  const report: CredentialReport = await world.services.verifier.verifyCredential(issued);
  if (report.verified) r.fail(what, 'issued and verified; it should have been refused');
  else r.pass(what, `issued, then refused at verify: ${summary(report.checks)}`);
}

function embedded(presentation: Json): unknown[] {
  const vcs = presentation.verifiableCredential;
  return vcs === undefined ? [] : Array.isArray(vcs) ? vcs : [vcs];
}

/**
 * An -ok presentation as our holder would send it: our DID as holder (the suite's holder key is not
 * ours to sign with), each embedded unsecured credential issued by our issuer in `format` (vc+jwt
 * ones wrapped as EnvelopedVerifiableCredential), signed for authentication with a challenge.
 */
async function okPresentation(r: Recorder, world: World, what: string, doc: Json, format: ProofFormat): Promise<void> {
  const vp = structuredClone(doc);
  if (typeof vp.holder === 'string') vp.holder = world.did;
  else if (isObject(vp.holder)) vp.holder = { ...vp.holder, id: world.did };
  const foreign: string[] = [];
  if (vp.verifiableCredential !== undefined) {
    const items: unknown[] = [];
    for (const vc of embedded(vp)) {
      if (isObject(vc) && vc.type === 'EnvelopedVerifiableCredential') {
        foreign.push(String(vc.id).slice(0, 40) + '...');
        items.push(vc);
      } else if (isObject(vc) && !('proof' in vc)) {
        const credential: Json = { ...structuredClone(vc), issuer: isObject(vc.issuer) ? { ...vc.issuer, id: world.did } : world.did };
        const issued = await world.services.issuer.issue(credential, { signer: world.signer, format });
        items.push(typeof issued === 'string' ? envelope(issued) : issued);
      } else {
        items.push(vc);
      }
    }
    vp.verifiableCredential = Array.isArray(vp.verifiableCredential) ? items : items[0];
  }
  const signed = await signPresentationDataIntegrity(vp, { signer: world.signer, documentLoader: world.documentLoader, created: NOW, challenge: CHALLENGE });
  const report = await world.services.verifier.verifyPresentation(signed, { challenge: CHALLENGE });
  if (foreign.length > 0) {
    // An envelope secured by someone else's key (here an ES256 JWT under application/vc-ld+jwt with
    // the legacy `vc` claim, by a key no DID names) cannot be verified by us. The presentation itself can.
    const own = report.checks.filter((c) => c.id !== 'credential');
    if (failing(own).length > 0) return r.fail(what, `the presentation's own checks fail: ${summary(own)}`);
    r.skip(what, `presentation verified, but its enveloped credential (${foreign.join(', ')}) is secured by a foreign key we cannot resolve, so it cannot verify here`);
    return;
  }
  r.check(what, report.verified, () => `not verified: ${summary(report.checks)}`);
}

/** A -fail presentation: refused by the structural checker, or by our library when signed and verified as it is. */
async function failPresentation(r: Recorder, world: World, what: string, doc: Json): Promise<void> {
  const problems = checkPresentationDataModel(doc);
  if (problems.length > 0) return r.pass(what, `refused by the data model checker: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  let signed: Json;
  try {
    signed = await signPresentationDataIntegrity(doc, { signer: world.signer, documentLoader: world.documentLoader, created: NOW, challenge: CHALLENGE });
  } catch (err) {
    return r.pass(what, `refused when signing: ${describeError(err)}`);
  }
  const report = await world.services.verifier.verifyPresentation(signed, { challenge: CHALLENGE });
  if (report.verified) r.fail(what, 'passed the structural checker, was signed and verified');
  else r.pass(what, `refused at verify: ${summary(report.checks)}`);
}
