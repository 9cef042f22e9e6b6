// The W3C VC-JOSE-COSE suite, JOSE section: compact JWS credentials and presentations (vc+jwt / vp+jwt).
// SD-JWT and COSE are counted as skipped: we secure with JOSE only.
//
// verify: `verifyVcJwtWithKey` with the suite's key (this run accepts the suite's curves; the product's
// default is Ed25519 only). A presentation is also checked the way our verifier checks one: its data
// model, and each enveloped credential against the suite key its `kid` names.
// issue: our issuer's checks on the input (data model + safe-mode JSON-LD expansion), then a compact JWS
// with the suite's secret key (jose's CompactSign: our signer is Ed25519-only), then verified back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { CompactSign, importJWK, type JWK } from 'jose';
import { createDidResolver } from '../../src/did/resolver.js';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';
import { checkCredentialDataModel, checkPresentationDataModel } from '../../src/vc/data-model.js';
import { decodeJws, unwrapEnvelope, verifyVcJwtWithKey } from '../../src/vc/jose.js';
import { Recorder, describeError, isObject, missingFolder, readJson, readText, type SuiteResult } from './common.js';

const NAME = 'vc-jose-cose';
const ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512'] as const;
const ALG_OF_CURVE: Readonly<Record<string, string>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' };
const VC_JWT = 'application/vc+jwt';
const VP_JWT = 'application/vp+jwt';

type Json = Record<string, unknown>;

interface TestCase {
  number: number;
  input_file: string;
  key_file: string;
  fn: 'issue' | 'verify';
  feature: string;
  expected_result: 'success' | 'failure';
}

interface KeyFile {
  id: string;
  publicKeyJwk: JWK;
  secretKeyJwk: JWK;
}

export async function runVcJoseCose(conformanceDir: string): Promise<SuiteResult> {
  const root = join(conformanceDir, 'vc-jose-cose-test-suite');
  const missing = missingFolder(NAME, join(root, 'test-mapping.json'));
  if (missing) return missing;
  const r = new Recorder(NAME);
  const inputs = join(root, 'tests', 'input');
  const mapping = readJson<Record<string, unknown>>(root, 'test-mapping.json');

  // The suite's keys by kid, for the credentials enveloped inside presentations.
  const keysByKid = new Map<string, JWK>();
  for (const file of readdirSync(inputs).filter((f) => /^vm-.*\.json$/.test(f))) {
    const key = readJson<KeyFile>(inputs, file).publicKeyJwk;
    if (typeof key.kid === 'string') keysByKid.set(key.kid, key);
  }
  const documentLoader = createDocumentLoader({ contexts: loadBundledContexts(), dereferenceDid: createDidResolver().dereference });

  for (const section of ['JOSE', 'SDJWT', 'COSE']) {
    const cases = mapping[section];
    if (!isObject(cases)) continue;
    for (const [title, value] of Object.entries(cases)) {
      const c = value as TestCase;
      const what = `${title} (${c.fn} ${c.input_file}, expected ${c.expected_result})`;
      if (section !== 'JOSE') {
        r.skip(what, 'not implemented: we secure with JOSE only');
        continue;
      }
      await r.run(what, async () => {
        const key = readJson<KeyFile>(inputs, c.key_file);
        const presentation = c.feature.startsWith('presentation');
        const outcome = c.fn === 'verify'
          ? await verifyCase(readText(inputs, c.input_file), key, presentation, keysByKid)
          : await issueCase(readJson(inputs, c.input_file), key, presentation, documentLoader);
        const expectedOk = c.expected_result === 'success';
        const known = KNOWN_DISAGREEMENTS[c.number];
        if (known) {
          if (outcome.ok === expectedOk) return r.fail(what, 'listed as a known disagreement but now agrees: remove it from KNOWN_DISAGREEMENTS');
          return r.disagree(what, known);
        }
        if (outcome.ok === expectedOk) return r.pass(what, outcome.ok ? outcome.note : outcome.reason);
        r.fail(what, outcome.ok ? `${c.fn === 'issue' ? 'issued' : 'verified'}, but the suite expects failure${outcome.note ? ` (${outcome.note})` : ''}` : `failed: ${outcome.reason}`);
      });
    }
  }
  return r.result;
}

/**
 * Issue cases where we deliberately differ from the suite (our verifier agrees with every JOSE verify case).
 * A listed case that starts agreeing fails the run, so this list cannot go stale.
 */
const KNOWN_DISAGREEMENTS: Record<number, string> = {
  4: 'the vector embeds an enveloped credential whose data: URL ends in a newline; JSON-LD safe mode rejects that IRI, and we refuse to sign what JSON-LD cannot process (we never issue presentations as vp+jwt anyway)',
  5: 'badExtension and anotherBadOne are defined through the examples context\'s @vocab, so they are not unknown to JSON-LD; we refuse undefined terms, not terms the issuer\'s contexts define',
};

interface Outcome {
  ok: boolean;
  reason?: string;
  note?: string;
}

async function verifyCase(token: string, key: KeyFile, presentation: boolean, keysByKid: Map<string, JWK>): Promise<Outcome> {
  const mediaType = presentation ? VP_JWT : VC_JWT;
  const result = await verifyVcJwtWithKey(token.trim(), key.publicKeyJwk, { algorithms: ALGORITHMS, mediaType });
  if (!result.ok) return { ok: false, reason: `${result.code}: ${result.message}` };
  if (!presentation) return { ok: true };
  const problems = checkPresentationDataModel(result.payload);
  if (problems.length) return { ok: false, reason: dataModelReason(problems, result.payload) };
  // Each enveloped vc+jwt credential: signed by a key of the suite. SD-JWT and COSE envelopes are not
  // ours to open (JOSE only); the data model checker has seen their envelopes.
  const vcs = ([] as unknown[]).concat(result.payload.verifiableCredential ?? []);
  for (const [i, vc] of vcs.entries()) {
    if (isObject(vc) && typeof vc.id === 'string' && /^data:application\/vc\+(sd-jwt|cose)[;,]/.test(vc.id)) continue;
    const jws = isObject(vc) ? unwrapEnvelope(vc) : undefined;
    if (!jws) return { ok: false, reason: `verifiableCredential[${i}] is not an application/vc+jwt envelope` };
    const decoded = decodeJws(jws);
    if ('code' in decoded) return { ok: false, reason: `verifiableCredential[${i}]: ${decoded.code}: ${decoded.message}` };
    const vcKey = keysByKid.get(String(decoded.header.kid));
    if (!vcKey) return { ok: false, reason: `verifiableCredential[${i}] is signed by unknown kid ${String(decoded.header.kid)}` };
    const inner = await verifyVcJwtWithKey(jws, vcKey, { algorithms: ALGORITHMS });
    if (!inner.ok) return { ok: false, reason: `verifiableCredential[${i}]: ${inner.code}: ${inner.message}` };
  }
  return { ok: true };
}

async function issueCase(document: Json, key: KeyFile, presentation: boolean, documentLoader: ReturnType<typeof createDocumentLoader>): Promise<Outcome> {
  const problems = presentation ? checkPresentationDataModel(document) : checkCredentialDataModel(document);
  if (problems.length) return { ok: false, reason: dataModelReason(problems, document) };
  let expanded: unknown[];
  try {
    expanded = await jsonld.expand(structuredClone(document), { documentLoader, safe: true });
  } catch (err) {
    return { ok: false, reason: `JSON-LD safe-mode expansion refused it: ${describeError(err)}` };
  }
  const alg = ALG_OF_CURVE[String(key.secretKeyJwk.crv)];
  if (!alg) return { ok: false, reason: `no JWS algorithm for curve ${String(key.secretKeyJwk.crv)}` };
  const typ = presentation ? 'vp+jwt' : 'vc+jwt';
  const secret = await importJWK(key.secretKeyJwk, alg);
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(document)))
    .setProtectedHeader({ alg, typ, kid: key.publicKeyJwk.kid ?? key.id })
    .sign(secret);
  const back = await verifyVcJwtWithKey(token, key.publicKeyJwk, { algorithms: ALGORITHMS, mediaType: presentation ? VP_JWT : VC_JWT });
  if (!back.ok) return { ok: false, reason: `the token we issued does not verify: ${back.code}: ${back.message}` };
  return { ok: true, note: expansionNote(document, expanded) };
}

/** Which top-level properties of the input JSON-LD expansion kept under the examples context's @vocab. */
function expansionNote(document: Json, expanded: unknown[]): string {
  const node = expanded[0];
  if (!isObject(node)) return '';
  const vocab = Object.keys(node).filter((iri) => iri.startsWith('https://www.w3.org/ns/credentials/examples#'));
  if (!vocab.length) return '';
  const terms = vocab.map((iri) => iri.slice(iri.indexOf('#') + 1)).filter((t) => t in document);
  return terms.length
    ? `${terms.join(', ')} expanded to https://www.w3.org/ns/credentials/examples#… through the examples context's @vocab, so neither the data model checker nor safe-mode JSON-LD can call them unknown`
    : '';
}

/** The data model problems, and a note when an envelope's data: URL carries whitespace (a vector quirk). */
function dataModelReason(problems: { path: string; message: string }[], document: Json): string {
  const text = `DATA_MODEL_INVALID: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  const vcs = ([] as unknown[]).concat(document.verifiableCredential ?? []);
  const spaced = vcs
    .map((vc, i) => (isObject(vc) && typeof vc.id === 'string' && /\s/.test(vc.id) ? `verifiableCredential[${i}].id contains ${JSON.stringify(vc.id.match(/\s/)![0])} at offset ${vc.id.search(/\s/)} of ${vc.id.length}` : undefined))
    .filter(Boolean);
  return spaced.length ? `${text} — the vector's ${spaced.join(', ')}: our checker takes a URL as RFC 3986 does (no whitespace), where the WHATWG URL parser would strip it` : text;
}
