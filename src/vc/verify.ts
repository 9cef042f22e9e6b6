// Verifies a credential (Data Integrity or vc+jwt) or a presentation, returning a report; never throws on bad input.
import type { DppDidResolver } from '../did/resolver.js';
import { hasRelationship } from '../did/did-document.js';
import { isDppError } from '../errors.js';
import { createDocumentLoader, type DocumentLoader } from './document-loader.js';
import { checkCredentialDataModel, checkPresentationDataModel } from './data-model.js';
import { verifyDataIntegrityProof, type ProofResult } from './data-integrity.js';
import type { ProofPool } from './proof-pool.js';
import type { DidDocument } from '../did/did-document.js';
import { decodeJws, isCompactJws, unwrapEnvelope, verificationMethodJwk, verifyDecodedJws, DEFAULT_JWS_ALGORITHMS } from './jose.js';
import type { SchemaRegistry } from './schema.js';
import { checkProductSubject } from './subject-checks.js';
import { decodeBitstring, getStatus, statusHex, MAX_STATUS_SIZE, MIN_STATUS_LIST_BITS } from './status-list.js';
import { asArray, credentialLabel, isObject, issuerId, typesOf, type JsonObject } from './credential.js';
import { fail, isVerified, pass, warn, type Check, type VerificationReport } from './report.js';

export type SecuringMechanism = 'data-integrity' | 'vc+jwt';

export interface CredentialReport extends VerificationReport {
  /** How the credential was secured, when that could be told. */
  format?: SecuringMechanism;
  /** The credential that was checked (for vc+jwt, the JWS payload). */
  credential?: JsonObject;
}

export interface PresentationReport extends VerificationReport {
  credentials: CredentialReport[];
}

export interface VerifierOptions {
  /** Bundled contexts: the allow-list, and all the loader will serve. */
  contexts: ReadonlyMap<string, unknown>;
  resolver: Pick<DppDidResolver, 'resolve' | 'dereference'>;
  schemas: SchemaRegistry;
  now: () => Date;
  /** Fetches a status list credential by URL; without it, credentials with a status cannot verify. */
  fetchStatusList?: (url: string) => Promise<unknown>;
  /** JWS algorithms accepted for vc+jwt (default: EdDSA/Ed25519). */
  algorithms?: readonly string[];
  /** Worker threads for Data Integrity proofs (src/vc/proof-pool.ts); without it they are verified in this thread. */
  proofPool?: ProofPool;
}

export interface Verifier {
  verifyCredential(input: unknown): Promise<CredentialReport>;
  verifyPresentation(input: unknown, options?: { challenge?: string; domain?: string }): Promise<PresentationReport>;
  /** Only the status checks of a credential (for status plugins). */
  checkStatus(credential: JsonObject): Promise<Check[]>;
  /**
   * Only whether a Data Integrity credential is signed by its issuer (the `proof` and `issuer` checks): for one
   * carried inside another, whose validity, schema and status are the carrier's business.
   */
  checkSignature(credential: JsonObject): Promise<Check[]>;
}

export function createVerifier(options: VerifierOptions): Verifier {
  if (!options?.contexts || !options.resolver || !options.schemas || typeof options.now !== 'function') {
    throw new TypeError('createVerifier: contexts, resolver, schemas and now are required');
  }
  const { contexts, resolver, schemas, now, fetchStatusList } = options;
  const algorithms = options.algorithms ?? DEFAULT_JWS_ALGORITHMS;
  const documentLoader = createDocumentLoader({ contexts, dereferenceDid: resolver.dereference });
  /** A credential's Data Integrity proofs, on a worker when there is a pool (given the DID documents it needs). */
  async function dataIntegrityProof(document: JsonObject): Promise<ProofResult> {
    const pool = options.proofPool;
    if (!pool) return verifyDataIntegrityProof(document, { documentLoader });
    const documents: Record<string, DidDocument> = {};
    try {
      for (const proof of asArray(document.proof as unknown).filter(isObject)) {
        if (typeof proof.verificationMethod !== 'string') continue;
        const did = proof.verificationMethod.split('#')[0]!.split('?')[0]!;
        documents[did] ??= await resolver.resolve(did);
      }
    } catch {
      // Resolution failed: verified here, where the failure is reported as it always is.
      return verifyDataIntegrityProof(document, { documentLoader });
    }
    return pool.verify(document, documents);
  }

  // A list fetched once and checked for many entries is verified once (a fetcher that memoises returns the same object).
  const listReports = new WeakMap<object, Promise<CredentialReport>>();

  async function verifyCredential(input: unknown, depth = 0): Promise<CredentialReport> {
    if (typeof input === 'string' || (isObject(input) && input.type === 'EnvelopedVerifiableCredential')) {
      return verifyJwtCredential(input, depth);
    }
    if (!isObject(input)) {
      return { verified: false, checks: [fail('data-model', 'DATA_MODEL_INVALID', 'A credential is a JSON object or a vc+jwt')] };
    }
    const label = credentialLabel(input);
    const at = { credential: label };
    const checks: Check[] = [dataModelCheck(checkCredentialDataModel(input), at), ...(await signatureChecks(input, at))];
    // A document with contexts we cannot load has no claims to read (its proof was not even tried).
    if (!checks.some((c) => c.id === 'issuer')) return { verified: false, format: 'data-integrity', credential: input, checks };
    checks.push(...(await claimChecks(input, at, depth)));
    return { verified: isVerified(checks), format: 'data-integrity', credential: input, checks };
  }

  /** Whether a Data Integrity document is signed by its issuer: the `context`, `proof` and `issuer` checks. */
  async function signatureChecks(input: JsonObject, at: { credential: string }): Promise<Check[]> {
    const contextCheck = checkContexts(input, contexts, at);
    if (contextCheck.status === 'fail') return [contextCheck, fail('proof', contextCheck.code!, 'Proof not checked: the document cannot be processed', at)];
    const proof = await dataIntegrityProof(input);
    const unprocessable = !proof.ok && (proof.code === 'JSONLD_INVALID' || proof.code === 'CONTEXT_NOT_ALLOWED');
    return [
      unprocessable ? fail('context', proof.code!, proof.message, at) : contextCheck,
      proof.ok
        ? pass('proof', `${proof.cryptosuite} proof by ${proof.verificationMethod?.id}`, { ...at, evidence: { verificationMethod: proof.verificationMethod?.id } })
        : fail('proof', proof.code ?? 'PROOF_INVALID', proof.message, at),
      issuerCheck(input, proof.ok ? proof.verificationMethod?.controller : undefined, at),
    ];
  }

  async function verifyJwtCredential(input: string | JsonObject, depth: number): Promise<CredentialReport> {
    const jws = typeof input === 'string' ? input : unwrapEnvelope(input);
    if (!jws || !isCompactJws(jws)) {
      return { verified: false, format: 'vc+jwt', checks: [fail('proof', 'JWT_MALFORMED', 'Not a compact JWS or an application/vc+jwt envelope')] };
    }
    const decoded = decodeJws(jws);
    if ('code' in decoded) return { verified: false, format: 'vc+jwt', checks: [fail('proof', decoded.code, decoded.message)] };
    const credential = decoded.payload;
    const at = { credential: credentialLabel(credential) };
    const checks: Check[] = [dataModelCheck(checkCredentialDataModel(credential), at)];
    // No JSON-LD expansion here: the JWS secures every byte of the payload, so no term can be dropped
    // from what was signed (our issuer refuses undefined terms anyway). Contexts must still be ours.
    const contextCheck = checkContexts(credential, contexts, at);
    checks.push(contextCheck.status === 'pass' ? { ...contextCheck, message: 'Every context is a bundled one (a vc+jwt is not JSON-LD expanded: its signature covers every byte)' } : contextCheck);
    const kid = decoded.header.kid;
    let controller: string | undefined;
    let proofCheck: Check;
    try {
      if (typeof kid !== 'string' || !kid.startsWith('did:')) throw Object.assign(new Error('The JWS header has no DID URL kid'), { code: 'VERIFICATION_METHOD_NOT_FOUND' });
      const vm = await resolver.dereference(kid);
      const jwk = verificationMethodJwk(vm);
      if (!jwk) throw Object.assign(new Error(`${kid} has no usable public key`), { code: 'KEY_UNSUPPORTED' });
      const result = await verifyDecodedJws(jws, decoded, jwk, { algorithms });
      const doc = await resolver.resolve(kid.split('#')[0]!);
      if (!result.ok) proofCheck = fail('proof', result.code, result.message, at);
      else if (!hasRelationship(doc, 'assertionMethod', kid)) proofCheck = fail('proof', 'PROOF_PURPOSE_INVALID', `${kid} is not an assertionMethod of ${doc.id}`, at);
      else {
        controller = doc.id;
        proofCheck = pass('proof', `vc+jwt (${String(result.header.alg)}) signed by ${kid}`, { ...at, evidence: { verificationMethod: kid } });
      }
    } catch (err) {
      const code = isDppError(err) ? err.code : ((err as { code?: string }).code as Check['code']) ?? 'VERIFICATION_METHOD_NOT_FOUND';
      proofCheck = fail('proof', code ?? 'VERIFICATION_METHOD_NOT_FOUND', (err as Error).message, at);
    }
    checks.push(proofCheck);
    const iss = credential.iss;
    checks.push(
      iss !== undefined && iss !== issuerId(credential)
        ? fail('issuer', 'ISSUER_MISMATCH', `JWT iss ${String(iss)} is not the credential's issuer`, at)
        : issuerCheck(credential, controller, at),
    );
    checks.push(...(await claimChecks(credential, at, depth)));
    return { verified: isVerified(checks), format: 'vc+jwt', credential, checks };
  }

  /** Validity window, schema and status: the checks that read the claims rather than the proof. */
  async function claimChecks(credential: JsonObject, at: { credential: string }, depth: number): Promise<Check[]> {
    const checks = [validityCheck(credential, now(), at)];
    checks.push(...schemaChecks(schemas, credential, at));
    const inconsistent = checkProductSubject(credential);
    if (inconsistent.length) checks.push(fail('claims', 'CLAIMS_INCONSISTENT', inconsistent.map((p) => `${p.path}: ${p.message}`).join('; '), { ...at, evidence: { problems: inconsistent } }));
    checks.push(...(await statusChecks(credential, at, depth)));
    return checks;
  }

  async function statusChecks(credential: JsonObject, at: { credential: string }, depth: number): Promise<Check[]> {
    const entries = asArray(credential.credentialStatus as unknown).filter(isObject);
    if (entries.length === 0) return [pass('status', 'No credentialStatus', at)];
    const checks: Check[] = [];
    for (const entry of entries) {
      if (entry.type !== 'BitstringStatusListEntry') {
        checks.push(warn('status', 'STATUS_UNAVAILABLE', `Status type ${JSON.stringify(entry.type)} is not supported; not checked`, at));
        continue;
      }
      checks.push(await bitstringStatus(credential, entry, at, depth));
    }
    return checks;
  }

  async function bitstringStatus(credential: JsonObject, entry: JsonObject, at: { credential: string }, depth: number): Promise<Check> {
    const listUrl = String(entry.statusListCredential);
    const purpose = String(entry.statusPurpose);
    const index = Number(entry.statusListIndex);
    const evidence: Record<string, unknown> = { statusListCredential: listUrl, statusPurpose: purpose, statusListIndex: entry.statusListIndex };
    if (typeof entry.statusListIndex !== 'string' || !/^(0|[1-9][0-9]*)$/.test(entry.statusListIndex) || !Number.isSafeInteger(index)) {
      return fail('status', 'STATUS_LIST_INVALID', 'statusListIndex is not a non-negative integer in base 10', { ...at, evidence });
    }
    // statusSize: 1 when absent; above 1 the entry must say what each value means (statusMessage).
    const size = entry.statusSize === undefined ? 1 : entry.statusSize;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_STATUS_SIZE) {
      return fail('status', 'STATUS_LIST_INVALID', `statusSize is an integer from 1 to ${MAX_STATUS_SIZE}`, { ...at, evidence: { ...evidence, statusSize: entry.statusSize } });
    }
    if (size > 1) evidence.statusSize = size;
    const messages = statusMessages(entry.statusMessage, size);
    if (typeof messages === 'string') return fail('status', 'STATUS_LIST_INVALID', messages, { ...at, evidence });
    if (!fetchStatusList || depth > 0) return fail('status', 'STATUS_UNAVAILABLE', `Cannot fetch status list ${listUrl}`, { ...at, evidence });
    let list: unknown;
    try {
      list = await fetchStatusList(listUrl);
    } catch (err) {
      return fail('status', 'STATUS_UNAVAILABLE', `Cannot fetch status list ${listUrl}: ${(err as Error).message}`, { ...at, evidence });
    }
    let pending = isObject(list) ? listReports.get(list) : undefined;
    if (!pending) {
      pending = verifyCredential(list, depth + 1);
      if (isObject(list)) listReports.set(list, pending);
    }
    const listReport = await pending;
    const listCredential = listReport.credential;
    const failed = listReport.checks.find((c) => c.status === 'fail');
    if (failed || !listCredential) {
      return fail('status', 'STATUS_LIST_INVALID', `Status list ${listUrl} does not verify: ${failed?.message ?? 'unreadable'}`, { ...at, evidence });
    }
    if (issuerId(listCredential) !== issuerId(credential)) {
      return fail('status', 'STATUS_LIST_INVALID', `Status list ${listUrl} is not issued by the credential's issuer`, { ...at, evidence });
    }
    if (!typesOf(listCredential).includes('BitstringStatusListCredential')) {
      return fail('status', 'STATUS_LIST_INVALID', `${listUrl} is not a BitstringStatusListCredential`, { ...at, evidence });
    }
    const subject = listCredential.credentialSubject as JsonObject;
    // A list's statusPurpose may be one purpose or several.
    if (!isObject(subject) || !asArray(subject.statusPurpose as unknown).includes(purpose) || typeof subject.encodedList !== 'string') {
      return fail('status', 'STATUS_LIST_INVALID', `Status list ${listUrl} is not a ${purpose} list`, { ...at, evidence });
    }
    let value: number;
    try {
      const bitstring = decodeBitstring(subject.encodedList);
      const entries = Math.floor((bitstring.length * 8) / size);
      // The spec's STATUS_LIST_LENGTH_ERROR: fewer entries than the minimum hides no one.
      if (entries < MIN_STATUS_LIST_BITS) {
        return fail('status', 'STATUS_LIST_INVALID', `Status list ${listUrl} has ${entries} entries, fewer than ${MIN_STATUS_LIST_BITS}`, { ...at, evidence: { ...evidence, entries } });
      }
      if (index >= entries) {
        return fail('status', 'STATUS_LIST_INVALID', `statusListIndex ${index} is outside the ${entries} entries of ${listUrl}`, { ...at, evidence: { ...evidence, entries } });
      }
      value = getStatus(bitstring, index, size);
    } catch (err) {
      return fail('status', isDppError(err) ? err.code : 'STATUS_LIST_INVALID', (err as Error).message, { ...at, evidence });
    }
    if (purpose === 'message') {
      const status = statusHex(value);
      const message = messages?.get(value) ?? (value === 0 ? 'unset' : 'set');
      if (value === 0) return pass('status', `Status message ${status}: ${message}`, { ...at, evidence: { ...evidence, status, message } });
      return warn('status', 'STATUS_MESSAGE', message, { ...at, evidence: { ...evidence, status, message } });
    }
    if (value === 0) return pass('status', `Not set in the ${purpose} list`, { ...at, evidence });
    if (size > 1) evidence.status = statusHex(value);
    if (purpose === 'revocation') return fail('status', 'STATUS_REVOKED', 'The issuer revoked this credential', { ...at, evidence });
    if (purpose === 'suspension') return fail('status', 'STATUS_SUSPENDED', 'The issuer suspended this credential', { ...at, evidence });
    return warn('status', 'STATUS_UNAVAILABLE', `Status set in the ${purpose} list; that purpose is not understood`, { ...at, evidence });
  }

  async function verifyPresentation(input: unknown, opts: { challenge?: string; domain?: string } = {}): Promise<PresentationReport> {
    if (!isObject(input)) {
      return { verified: false, credentials: [], checks: [fail('data-model', 'DATA_MODEL_INVALID', 'A presentation is a JSON object')] };
    }
    const at = { credential: credentialLabel(input) };
    const checks: Check[] = [dataModelCheck(checkPresentationDataModel(input), at)];
    const contextCheck = checkContexts(input, contexts, at);
    checks.push(contextCheck);
    if (contextCheck.status === 'pass') {
      const proof = await verifyDataIntegrityProof(input, { documentLoader, purpose: 'authentication', challenge: opts.challenge, domain: opts.domain });
      checks.push(proof.ok ? pass('proof', `Presentation signed by ${proof.verificationMethod?.id}`, at) : fail('proof', proof.code ?? 'PROOF_INVALID', proof.message, at));
      const holder = typeof input.holder === 'string' ? input.holder : isObject(input.holder) ? input.holder.id : undefined;
      if (proof.ok && holder !== undefined && holder !== proof.verificationMethod?.controller) {
        checks.push(fail('holder', 'ISSUER_MISMATCH', `The presentation is signed by ${proof.verificationMethod?.controller}, not its holder ${String(holder)}`, at));
      }
    }
    const credentials: CredentialReport[] = [];
    for (const vc of asArray(input.verifiableCredential as unknown)) credentials.push(await verifyCredential(vc));
    credentials.forEach((report, i) => {
      const label = report.credential ? credentialLabel(report.credential) : `verifiableCredential[${i}]`;
      checks.push(report.verified ? pass('credential', `${label} verified`, { credential: label }) : fail('credential', report.checks.find((c) => c.status === 'fail')!.code!, `${label} does not verify`, { credential: label }));
    });
    return { verified: isVerified(checks), credentials, checks };
  }

  return {
    verifyCredential: (input) => verifyCredential(input),
    verifyPresentation,
    checkStatus: (credential) => statusChecks(credential, { credential: credentialLabel(credential) }, 0),
    checkSignature: (credential) => signatureChecks(credential, { credential: credentialLabel(credential) }),
  };
}

function dataModelCheck(problems: { path: string; message: string }[], at: { credential: string }): Check {
  if (problems.length === 0) return pass('data-model', 'Conforms to the VC Data Model 2.0', at);
  return fail('data-model', 'DATA_MODEL_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { ...at, evidence: { problems } });
}

/** Every `@context` URL must be one we bundle: nothing else is fetched, so nothing else can be understood. */
export function checkContexts(document: JsonObject, contexts: ReadonlyMap<string, unknown>, at: { credential: string }): Check {
  const urls = asArray(document['@context'] as unknown).filter((c): c is string => typeof c === 'string');
  const unknown = urls.filter((u) => !contexts.has(u));
  if (unknown.length > 0) return fail('context', 'CONTEXT_NOT_ALLOWED', `Context not allowed: ${unknown.join(', ')}`, { ...at, evidence: { contexts: unknown } });
  return pass('context', 'Every context is a bundled one and every term is defined', at);
}

function issuerCheck(credential: JsonObject, signer: string | undefined, at: { credential: string }): Check {
  const issuer = issuerId(credential);
  if (signer === undefined) return fail('issuer', 'ISSUER_MISMATCH', 'No verified signer to bind to the issuer', at);
  if (signer !== issuer) {
    return fail('issuer', 'ISSUER_MISMATCH', `Signed by ${signer}, but the issuer is ${String(issuer)}`, { ...at, evidence: { issuer, signer } });
  }
  return pass('issuer', `Signed by its issuer ${issuer}`, at);
}

/**
 * How far ahead of this clock a `validFrom` may be: an issuer whose clock runs a little fast has not issued a
 * credential that is not yet valid. Expiry gets no such allowance.
 */
export const CLOCK_SKEW_MS = 60_000;

export function validityCheck(credential: JsonObject, now: Date, at: { credential: string }): Check {
  const from = typeof credential.validFrom === 'string' ? Date.parse(credential.validFrom) : undefined;
  const until = typeof credential.validUntil === 'string' ? Date.parse(credential.validUntil) : undefined;
  const evidence = { validFrom: credential.validFrom, validUntil: credential.validUntil, now: now.toISOString() };
  if (from !== undefined && from > now.getTime() + CLOCK_SKEW_MS) return fail('validity', 'NOT_YET_VALID', `Not valid before ${credential.validFrom}`, { ...at, evidence });
  if (until !== undefined && until < now.getTime()) return fail('validity', 'EXPIRED', `Expired at ${credential.validUntil}`, { ...at, evidence });
  return pass('validity', 'Within its validity period', at);
}

function schemaChecks(schemas: SchemaRegistry, credential: JsonObject, at: { credential: string }): Check[] {
  const problems = schemas.check(credential);
  if (problems.length === 0) {
    return [credential.credentialSchema === undefined ? pass('schema', 'No credentialSchema declared', at) : pass('schema', 'Matches its credentialSchema', at)];
  }
  return problems.map((p) =>
    p.code === 'SCHEMA_UNKNOWN'
      ? warn('schema', p.code, p.message, { ...at, evidence: { schema: p.schema } })
      : fail('schema', p.code, p.message, { ...at, evidence: { schema: p.schema, errors: p.errors } }),
  );
}

export type { DocumentLoader };

/**
 * An entry's `statusMessage` as value → message, undefined when absent, or why it is malformed: an array
 * of `{status: "0x…", message}`, one per value of `size` bits (required when `size` is above 1).
 */
function statusMessages(input: unknown, size: number): Map<number, string> | undefined | string {
  if (input === undefined) return size > 1 ? `statusMessage is required with statusSize ${size}` : undefined;
  if (!Array.isArray(input) || input.length !== 2 ** size) return `statusMessage has one entry for each of the ${2 ** size} values of statusSize ${size}`;
  const messages = new Map<number, string>();
  for (const item of input) {
    const status = isObject(item) && typeof item.status === 'string' && /^0x[0-9a-f]+$/i.test(item.status) ? parseInt(item.status.slice(2), 16) : NaN;
    if (!(status < 2 ** size) || !isObject(item) || typeof item.message !== 'string' || messages.has(status)) {
      return `statusMessage entries are {status: "0x…", message} with distinct values below ${2 ** size}`;
    }
    messages.set(status, item.message);
  }
  return messages;
}
