// Signed requests: a compact JWS by the acting party's DID key over method, path, body digest, nonce and time; the nonce and challenge stores behind them.
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { AuthError, isDppError } from '../errors.js';
import { dereferenceInDocument, ed25519PublicKeyOf, hasRelationship } from '../did/did-document.js';
import type { DppDidResolver } from '../did/resolver.js';
import type { BatchOperation, Store } from '../storage/store.js';
import { decodeJws, verificationMethodJwk, verifyDecodedJws } from './jose.js';
import type { Signer } from './signer.js';

/** The request header that carries the signature. */
export const REQUEST_SIGNATURE_HEADER = 'DPP-Signature';
/** The JWS `typ` of a signed request. */
export const REQUEST_JWS_TYPE = 'dpp-request+jws';
export const DEFAULT_MAX_SKEW_SECONDS = 300;

/** URL-unreserved characters only, so a nonce is safe inside a store key. */
const NONCE = /^[A-Za-z0-9._~-]{16,128}$/;
/** A DID (`did:method:id`, id chars per DID Core) followed by a fragment: the verification method id. */
const DID_CHAR = '[A-Za-z0-9._%-]';
const DID = `did:[a-z0-9]+:(?:${DID_CHAR}*:)*${DID_CHAR}+`;
const DID_URL_WITH_FRAGMENT = new RegExp(`^(${DID})#[A-Za-z0-9._~%!$&'()*+,;=:@/?-]+$`);
const METHOD = /^[A-Za-z]+$/;
const DIGEST = /^[A-Za-z0-9_-]{43}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{22}$/;
const CHALLENGE_BYTES = 16;
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 1000;

/** The claims of a signed request. */
export interface RequestSignaturePayload {
  /** The HTTP method, upper case. */
  htm: string;
  /** The request path with its query string, as sent. */
  htp: string;
  /** base64url(SHA-256(body bytes)); the digest of no bytes for a request without a body. */
  bd: string;
  nonce: string;
  /** Issued at, in seconds since the epoch. */
  iat: number;
}

export type RequestBody = string | Uint8Array | undefined;

export interface SignRequestInput {
  method: string;
  /** The request path with its query string (`/ledger/units?x=1`). */
  path: string;
  body?: RequestBody;
  signer: Signer;
  now: Date;
  /** A caller-chosen random string, 16–128 URL-unreserved characters. */
  nonce: string;
}

/** base64url(SHA-256(body)) as carried in `bd`; a string body is hashed as UTF-8. */
export function requestBodyDigest(body: RequestBody): string {
  const bytes = body === undefined ? new Uint8Array() : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return createHash('sha256').update(bytes).digest('base64url');
}

/** Signs one request as the compact JWS sent in the `DPP-Signature` header. */
export async function signRequest(input: SignRequestInput): Promise<string> {
  const { method, path, body, signer, now, nonce } = input ?? ({} as SignRequestInput);
  if (typeof method !== 'string' || !METHOD.test(method)) throw new TypeError('signRequest: method must be an HTTP method');
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('signRequest: path must start with "/"');
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('signRequest: body must be a string, bytes or undefined');
  if (!signer || typeof signer.sign !== 'function' || typeof signer.id !== 'string' || !DID_URL_WITH_FRAGMENT.test(signer.id)) {
    throw new TypeError('signRequest: signer needs a DID URL id and a sign function');
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('signRequest: now must be a valid Date');
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new TypeError('signRequest: nonce must be 16–128 URL-unreserved characters');
  const header = { alg: 'EdDSA', kid: signer.id, typ: REQUEST_JWS_TYPE };
  const payload: RequestSignaturePayload = {
    htm: method.toUpperCase(),
    htp: path,
    bd: requestBodyDigest(body),
    nonce,
    iat: Math.floor(now.getTime() / 1000),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = await signer.sign({ data: new TextEncoder().encode(signingInput) });
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/**
 * Remembers which nonces each DID has used.
 * - `use` MUST throw AuthError REQUEST_REPLAYED when `nonce` is recorded for `did` and not yet expired,
 *   and otherwise record it until `expires`.
 * - Of concurrent uses of one nonce, exactly one MUST succeed.
 */
export interface NonceStore {
  /** `expires`: the last moment a request carrying this nonce could still be accepted. */
  use(did: string, nonce: string, expires: Date): Promise<void>;
}

export interface VerifyRequestOptions {
  method: string;
  /** The request path with its query string as received (`req.originalUrl`). */
  path: string;
  /** The exact body bytes received; undefined for none. */
  body?: RequestBody;
  /** Only `resolve` is used: the key is dereferenced within the document resolved. */
  resolver: Pick<DppDidResolver, 'resolve'>;
  now: Date;
  nonces: NonceStore;
  /** How far `iat` may be from `now`, either way (default 300). */
  maxSkewSeconds?: number;
}

/** Who signed a request: the DID and the verification method (`kid`) it used. */
export interface RequestActor {
  did: string;
  kid: string;
}

/**
 * Verifies a signed request: well-formed, EdDSA, a key listed under the DID's `authentication`, a
 * valid signature, method/path/body as received, `iat` within the skew, and a nonce not used before
 * by this DID (recorded only once everything else passed).
 */
export async function verifyRequestSignature(jws: string, options: VerifyRequestOptions): Promise<RequestActor> {
  const { method, path, body, resolver, now, nonces } = options ?? ({} as VerifyRequestOptions);
  const maxSkewSeconds = options?.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (typeof method !== 'string' || typeof path !== 'string') throw new TypeError('verifyRequestSignature: method and path are required');
  if (typeof resolver?.resolve !== 'function') throw new TypeError('verifyRequestSignature: a DID resolver is required');
  if (typeof nonces?.use !== 'function') throw new TypeError('verifyRequestSignature: a nonce store is required');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('verifyRequestSignature: now must be a valid Date');
  if (!Number.isFinite(maxSkewSeconds) || maxSkewSeconds <= 0) throw new TypeError('verifyRequestSignature: maxSkewSeconds must be positive');

  // Well-formed, before any resolution: junk costs no network.
  const decoded = typeof jws === 'string' ? decodeJws(jws) : { code: 'JWT_MALFORMED', message: 'not a string' };
  if ('code' in decoded) throw invalid('The request signature is not a compact JWS', { reason: 'malformed' });
  const { header, payload } = decoded;
  if (header.alg !== 'EdDSA') throw invalid('The request signature must use alg EdDSA', { reason: 'alg', alg: short(header.alg) });
  if (header.typ !== REQUEST_JWS_TYPE) throw invalid(`The request signature must have typ ${REQUEST_JWS_TYPE}`, { reason: 'typ', typ: short(header.typ) });
  if (header.crit !== undefined) throw invalid('The request signature names critical header parameters', { reason: 'crit' });
  const kid = header.kid;
  const kidMatch = typeof kid === 'string' ? DID_URL_WITH_FRAGMENT.exec(kid) : null;
  if (typeof kid !== 'string' || !kidMatch) throw invalid('The request signature kid must be a DID URL naming a key', { reason: 'kid', kid: short(kid) });
  const claims = requestClaims(payload);
  const did = kidMatch[1]!;

  const publicKeyJwk = await authenticationKey(resolver, did, kid);
  const result = await verifyDecodedJws(jws, decoded, publicKeyJwk, { algorithms: ['EdDSA'], mediaType: REQUEST_JWS_TYPE });
  if (!result.ok) throw invalid('The request signature does not verify', { reason: 'signature', kid: short(kid) });

  const actual = { htm: method.toUpperCase(), htp: path, bd: requestBodyDigest(body) };
  for (const field of ['htm', 'htp', 'bd'] as const) {
    if (claims[field] !== actual[field]) {
      const what = { htm: 'method', htp: 'path', bd: 'body' }[field];
      throw invalid(`The request ${what} is not the one signed`, { reason: field, signed: short(claims[field]), received: short(actual[field]) });
    }
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowSeconds - claims.iat) > maxSkewSeconds) {
    throw new AuthError('REQUEST_STALE', 'The request was signed too far from the current time', { evidence: { iat: claims.iat, now: nowSeconds, maxSkewSeconds } });
  }
  await nonces.use(did, claims.nonce, new Date((claims.iat + maxSkewSeconds) * 1000));
  return { did, kid };
}

/** The Ed25519 key `kid` names, provided its DID document lists it under `authentication`. */
async function authenticationKey(resolver: VerifyRequestOptions['resolver'], did: string, kid: string): Promise<JWK> {
  const unresolvable = (err: unknown) => {
    if (!isDppError(err)) return err;
    return invalid('The signing key cannot be resolved', { reason: 'kid', kid: short(kid), cause: err.code }, err);
  };
  let document;
  try {
    document = await resolver.resolve(did);
  } catch (err) {
    throw unresolvable(err);
  }
  if (document?.id !== did || !hasRelationship(document, 'authentication', kid)) {
    throw invalid('The signing key is not an authentication key of its DID', { reason: 'authentication', kid: short(kid) });
  }
  let vm;
  try {
    // Within the document already resolved: one did:web fetch per request, not two.
    vm = dereferenceInDocument(document, kid);
  } catch (err) {
    throw unresolvable(err);
  }
  const jwk = ed25519PublicKeyOf(vm) ? verificationMethodJwk(vm) : undefined;
  if (!jwk) throw invalid('The signing key is not an Ed25519 key', { reason: 'key', kid: short(kid) });
  return jwk;
}

function requestClaims(payload: Record<string, unknown>): RequestSignaturePayload {
  const { htm, htp, bd, nonce, iat } = payload;
  const bad = (field: string) => invalid(`The request signature's ${field} claim is missing or malformed`, { reason: 'malformed', claim: field });
  if (typeof htm !== 'string' || !METHOD.test(htm)) throw bad('htm');
  if (typeof htp !== 'string' || !htp.startsWith('/')) throw bad('htp');
  if (typeof bd !== 'string' || !DIGEST.test(bd)) throw bad('bd');
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw bad('nonce');
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat)) throw bad('iat');
  return { htm, htp, bd, nonce, iat };
}

function invalid(message: string, evidence: Record<string, unknown>, cause?: unknown): AuthError {
  return new AuthError('REQUEST_SIGNATURE_INVALID', message, { evidence, cause });
}

/** An attacker-chosen value, cut short for evidence. */
function short(value: unknown): unknown {
  return typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}…` : typeof value === 'object' && value !== null ? '[object]' : value;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export interface NonceStoreOptions {
  store: Store;
  now: () => Date;
}

/**
 * Used nonces per DID, persisted under `nonce/` so a restart does not reopen replays. Each is kept
 * until the last moment its request could be accepted (`iat` + skew, so the skew window both ways).
 * Uses are serialised in this process: create one nonce store per Store per process.
 */
export function createNonceStore(options: NonceStoreOptions): NonceStore {
  if (!options?.store || typeof options.now !== 'function') throw new TypeError('createNonceStore: store and now are required');
  const records = expiringRecords<Record<string, never>>(options.store, 'nonce/', options.now);
  return {
    use(did, nonce, expires) {
      if (typeof did !== 'string' || !did.startsWith('did:')) throw new TypeError('NonceStore.use: did must be a DID');
      if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new TypeError('NonceStore.use: nonce must be 16–128 URL-unreserved characters');
      if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) throw new TypeError('NonceStore.use: expires must be a valid Date');
      const id = `${encodeURIComponent(did)}/${nonce}`;
      return records.serial(async () => {
        const existing = await records.read(id);
        if (existing) throw new AuthError('REQUEST_REPLAYED', 'This signed request was already used', { evidence: { did, nonce } });
        await records.write(id, {}, expires.getTime());
      });
    },
  };
}

/** Single-use challenges for presentations (`challenge` in a Data Integrity proof, `nonce` in a VP-JWT). */
export interface ChallengeStore {
  /** A fresh challenge of 128 random bits for `purpose`, valid for `ttlSeconds` (default 300). */
  issue(purpose: string, ttlSeconds?: number): Promise<{ challenge: string; expires: string }>;
  /** Uses a challenge up; throws AuthError CHALLENGE_INVALID when unknown, of another purpose, expired or already used. */
  consume(challenge: string, purpose: string): Promise<void>;
}

export interface ChallengeStoreOptions {
  store: Store;
  now: () => Date;
  random: (bytes: number) => Uint8Array;
}

/** Challenges persisted under `challenge/`; consumes are serialised in this process (one per Store per process). */
export function createChallengeStore(options: ChallengeStoreOptions): ChallengeStore {
  if (!options?.store || typeof options.now !== 'function' || typeof options.random !== 'function') {
    throw new TypeError('createChallengeStore: store, now and random are required');
  }
  const { now, random } = options;
  const records = expiringRecords<{ purpose: string; consumed?: true }>(options.store, 'challenge/', now);
  const refuse = (reason: string) => new AuthError('CHALLENGE_INVALID', 'The challenge is not valid for this request', { evidence: { reason } });
  return {
    async issue(purpose, ttlSeconds = 300) {
      if (typeof purpose !== 'string' || purpose === '') throw new TypeError('ChallengeStore.issue: purpose must be a non-empty string');
      if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new TypeError('ChallengeStore.issue: ttlSeconds must be positive');
      const bytes = random(CHALLENGE_BYTES);
      if (!(bytes instanceof Uint8Array) || bytes.length !== CHALLENGE_BYTES) throw new TypeError(`random must return ${CHALLENGE_BYTES} bytes`);
      const challenge = Buffer.from(bytes).toString('base64url');
      const expires = now().getTime() + ttlSeconds * 1000;
      await records.serial(async () => {
        if (await records.read(challenge, { includeExpired: true })) throw new TypeError('random returned a value it returned before');
        await records.write(challenge, { purpose }, expires);
      });
      return { challenge, expires: new Date(expires).toISOString() };
    },
    async consume(challenge, purpose) {
      if (typeof challenge !== 'string' || !CHALLENGE.test(challenge)) throw refuse('unknown');
      await records.serial(async () => {
        const record = await records.read(challenge, { includeExpired: true });
        if (!record) throw refuse('unknown');
        if (record.purpose !== purpose) throw refuse('purpose');
        if (record.consumed) throw refuse('consumed');
        if (record.expires <= now().getTime()) throw refuse('expired');
        await records.write(challenge, { purpose: record.purpose, consumed: true }, record.expires);
      });
    },
  };
}

type Timed<T> = T & { expires: number };

/**
 * Records that expire, under `prefix`: `id/<id>` holds the record, `exp/<expiry>/<id>` orders them
 * by expiry so a sweep reads only what has expired. All work goes through one in-process queue.
 */
function expiringRecords<T extends object>(store: Store, prefix: string, now: () => Date) {
  const idKey = (id: string) => `${prefix}id/${id}`;
  const expKey = (expires: number, id: string) => `${prefix}exp/${String(expires).padStart(16, '0')}/${id}`;
  let tail: Promise<unknown> = Promise.resolve();
  let lastSweep = Number.NEGATIVE_INFINITY;

  async function read(id: string, { includeExpired = false } = {}): Promise<Timed<T> | undefined> {
    const raw = await store.get(idKey(id));
    if (raw === undefined) return undefined;
    const record = JSON.parse(raw) as Timed<T>;
    return includeExpired || record.expires > now().getTime() ? record : undefined;
  }

  async function write(id: string, value: T, expires: number): Promise<void> {
    const previous = await read(id, { includeExpired: true });
    const operations: BatchOperation[] = [];
    if (previous && previous.expires !== expires) operations.push({ type: 'del', key: expKey(previous.expires, id) });
    operations.push({ type: 'put', key: idKey(id), value: JSON.stringify({ ...value, expires }) });
    operations.push({ type: 'put', key: expKey(expires, id), value: '' });
    await store.batch(operations);
  }

  /** Deletes up to SWEEP_BATCH expired records, at most once a minute. */
  async function sweep(): Promise<void> {
    const time = now().getTime();
    if (time - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = time;
    const operations: BatchOperation[] = [];
    const start = `${prefix}exp/`;
    for await (const [key] of store.entries(start)) {
      const slash = key.indexOf('/', start.length);
      const expires = Number(key.slice(start.length, slash));
      if (expires > time || operations.length >= SWEEP_BATCH * 2) break;
      const id = key.slice(slash + 1);
      operations.push({ type: 'del', key });
      // The record may have been written again with a later expiry: only its own index entry goes.
      const record = await read(id, { includeExpired: true });
      if (record?.expires === expires) operations.push({ type: 'del', key: idKey(id) });
    }
    if (operations.length > 0) await store.batch(operations);
  }

  /** Runs `task` after every earlier one; the sweep rides along when it is due. */
  function serial<R>(task: () => Promise<R>): Promise<R> {
    const run = tail.then(async () => {
      await sweep();
      return task();
    });
    tail = run.catch(() => undefined);
    return run;
  }

  return { read, write, serial };
}
