// VC-JOSE: a credential secured as a compact JWS (`application/vc+jwt`) whose payload is the credential itself.
// @see https://www.w3.org/TR/vc-jose-cose/
import { compactVerify, importJWK, type JWK } from 'jose';
import type { ErrorCode } from '../errors.js';
import type { Signer } from './signer.js';
import { isObject, MEDIA_TYPE_VC_JWT, trimUrl, type JsonObject } from './credential.js';
import { ed25519PublicKeyFromMultibase } from '../did/multibase.js';
import { ed25519PublicKeyOf } from '../did/did-document.js';
import { ed25519Verify } from '../did/ed25519.js';
import { base64urlDecode, base64urlEncode, utf8Decode, utf8Encode } from '../platform/bytes.js';

/** The algorithms our verifier accepts unless told otherwise: Ed25519 only. */
export const DEFAULT_JWS_ALGORITHMS = ['EdDSA', 'Ed25519'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function isCompactJws(value: unknown): value is string {
  return typeof value === 'string' && COMPACT_JWS.test(value.trim());
}

/** Secures a copy of `credential` as `application/vc+jwt`, signed by `signer` (kid = its verification method). */
export async function signVcJwt(credential: JsonObject, signer: Signer): Promise<string> {
  const header = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: signer.id };
  const signingInput = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(credential))}`;
  const signature = await signer.sign({ data: new TextEncoder().encode(signingInput) });
  return `${signingInput}.${base64urlEncode(signature)}`;
}

export interface JwsParts {
  header: JsonObject;
  payload: JsonObject;
}

export type JwsResult = ({ ok: true } & JwsParts) | { ok: false; code: ErrorCode; message: string; header?: JsonObject };

/** Splits a compact JWS into its JSON header and payload without verifying anything. */
export function decodeJws(jws: string): JwsParts | { code: ErrorCode; message: string } {
  if (!isCompactJws(jws)) return { code: 'JWT_MALFORMED', message: 'Not a compact JWS (three base64url parts)' };
  const [h, p] = jws.trim().split('.');
  try {
    const header = JSON.parse(utf8Decode(base64urlDecode(h!)));
    const payload = JSON.parse(utf8Decode(base64urlDecode(p!)));
    if (!isObject(header) || !isObject(payload)) throw new Error('not objects');
    return { header, payload };
  } catch {
    return { code: 'JWT_MALFORMED', message: 'JWS header or payload is not a JSON object' };
  }
}

/**
 * Verifies a `vc+jwt` against a known public key: the media type (`typ`), the algorithm allow-list,
 * the signature, and that the payload is a credential (no JWT `vc`/`vp` claims).
 */
export async function verifyVcJwtWithKey(
  jws: string,
  publicKeyJwk: JWK,
  options: { algorithms?: readonly string[]; mediaType?: string } = {},
): Promise<JwsResult> {
  const decoded = decodeJws(jws);
  if ('code' in decoded) return { ok: false, ...decoded };
  return verifyDecodedJws(jws, decoded, publicKeyJwk, options);
}

/** As `verifyVcJwtWithKey`, for a JWS the caller has already decoded. */
export async function verifyDecodedJws(
  jws: string,
  { header, payload }: JwsParts,
  publicKeyJwk: JWK,
  options: { algorithms?: readonly string[]; mediaType?: string } = {},
): Promise<JwsResult> {
  const mediaType = options.mediaType ?? MEDIA_TYPE_VC_JWT;
  const typ = String(header.typ ?? '');
  if (typ !== mediaType && `application/${typ}` !== mediaType) {
    return { ok: false, code: 'MEDIA_TYPE_INVALID', message: `typ must be ${mediaType}, got ${JSON.stringify(header.typ)}`, header };
  }
  const algorithms = options.algorithms ?? DEFAULT_JWS_ALGORITHMS;
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    return { ok: false, code: 'ALG_UNSUPPORTED', message: `alg ${JSON.stringify(header.alg)} is not accepted`, header };
  }
  if (header.crit !== undefined) {
    return { ok: false, code: 'JWT_MALFORMED', message: 'The JWS names critical header parameters (crit) that this verifier does not understand', header };
  }
  if ('vc' in payload || 'vp' in payload) {
    return { ok: false, code: 'DATA_MODEL_INVALID', message: 'A vc+jwt payload is the credential itself: JWT vc/vp claims are not allowed', header };
  }
  const token = jws.trim();
  const ed25519 = (header.alg === 'EdDSA' || header.alg === 'Ed25519') && ed25519PublicKeyOf({ publicKeyJwk });
  if (ed25519) {
    // Ed25519 straight through node:crypto with a cached key: the hot path of every passport scan.
    const dot = token.lastIndexOf('.');
    const signature = base64urlDecode(token.slice(dot + 1));
    // The signing input is ASCII (the JWS passed decodeJws's compact-form check), so UTF-8 is its ASCII bytes.
    if (ed25519Verify(ed25519, utf8Encode(token.slice(0, dot)), signature)) return { ok: true, header, payload };
    return { ok: false, code: 'PROOF_INVALID', message: 'JWS signature invalid', header };
  }
  try {
    const key = await importJWK({ ...publicKeyJwk, alg: header.alg }, header.alg);
    await compactVerify(token, key, { algorithms: [...algorithms] });
  } catch (err) {
    return { ok: false, code: 'PROOF_INVALID', message: `JWS signature invalid: ${(err as Error).message}`, header };
  }
  return { ok: true, header, payload };
}

/** A verification method's public key as a JWK (Multikey Ed25519 or publicKeyJwk). */
export function verificationMethodJwk(vm: JsonObject): JWK | undefined {
  if (isObject(vm.publicKeyJwk)) return vm.publicKeyJwk as JWK;
  if (typeof vm.publicKeyMultibase === 'string') {
    const raw = ed25519PublicKeyFromMultibase(vm.publicKeyMultibase);
    if (raw) return { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(raw) };
  }
  return undefined;
}

/** The `EnvelopedVerifiableCredential` wrapping of a vc+jwt. */
export function envelope(jws: string): JsonObject {
  return {
    '@context': 'https://www.w3.org/ns/credentials/v2',
    id: `data:${MEDIA_TYPE_VC_JWT},${jws}`,
    type: 'EnvelopedVerifiableCredential',
  };
}

/** The compact JWS inside an `EnvelopedVerifiableCredential`, or undefined. */
export function unwrapEnvelope(value: JsonObject): string | undefined {
  if (value.type !== 'EnvelopedVerifiableCredential' || typeof value.id !== 'string') return undefined;
  const match = /^data:application\/vc\+jwt(?:;[^,]*)?,(.*)$/.exec(trimUrl(value.id));
  return match ? match[1] : undefined;
}

function b64(text: string): string {
  return base64urlEncode(utf8Encode(text));
}
