// DID documents with Multikey verification methods, and dereferencing a DID URL within one.
// @see https://www.w3.org/TR/did-core/
import { DidError } from '../errors.js';
import { base64urlDecode } from '../platform/bytes.js';
import { ed25519PublicKeyFromMultibase } from './multibase.js';

export const DID_CONTEXTS = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'] as const;
export const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';

export interface VerificationMethod {
  id: string;
  type: string;
  controller: string;
  publicKeyMultibase?: string;
  publicKeyJwk?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface DidDocument {
  '@context'?: unknown;
  id: string;
  verificationMethod?: VerificationMethod[];
  authentication?: (string | VerificationMethod)[];
  assertionMethod?: (string | VerificationMethod)[];
  [extra: string]: unknown;
}

/** Absolute id of a verification method reference (`#key-1` → `did:web:x#key-1`). */
function absolute(did: string, ref: string): string {
  return ref.startsWith('#') ? did + ref : ref;
}

/** Finds a verification method by its full id in `verificationMethod` or embedded in a relationship. */
export function findVerificationMethod(doc: DidDocument, id: string): VerificationMethod | undefined {
  const candidates: unknown[] = [
    ...(doc.verificationMethod ?? []),
    ...(doc.authentication ?? []),
    ...(doc.assertionMethod ?? []),
  ];
  for (const candidate of candidates) {
    if (candidate && typeof candidate === 'object') {
      const vm = candidate as VerificationMethod;
      if (absolute(doc.id, vm.id) === id) return { ...vm, id, controller: absolute(doc.id, vm.controller ?? doc.id) };
    }
  }
  return undefined;
}

/** Whether `vmId` is listed under the verification relationship (e.g. `assertionMethod`). */
export function hasRelationship(doc: DidDocument, relationship: string, vmId: string): boolean {
  const entries = doc[relationship];
  if (!Array.isArray(entries)) return false;
  return entries.some((e) => absolute(doc.id, typeof e === 'string' ? e : (e as VerificationMethod)?.id ?? '') === vmId);
}

/**
 * Dereferences a DID URL against its resolved document: the document itself, or the
 * verification method named by the fragment, with the Multikey context so JSON-LD tools accept it.
 */
export function dereferenceInDocument(doc: DidDocument, didUrl: string): Record<string, unknown> {
  const hash = didUrl.indexOf('#');
  if (hash < 0) return doc;
  const vm = findVerificationMethod(doc, didUrl);
  if (!vm) {
    throw new DidError('VERIFICATION_METHOD_NOT_FOUND', `${didUrl} is not a verification method of ${doc.id}`, {
      evidence: { didUrl, did: doc.id },
    });
  }
  return { '@context': MULTIKEY_CONTEXT, ...vm };
}

/** The raw Ed25519 public key of a `Multikey` (or an OKP/Ed25519 `publicKeyJwk`) verification method. */
export function ed25519PublicKeyOf(vm: Record<string, unknown>): Uint8Array | undefined {
  if (typeof vm.publicKeyMultibase === 'string') return ed25519PublicKeyFromMultibase(vm.publicKeyMultibase);
  const jwk = vm.publicKeyJwk as { kty?: string; crv?: string; x?: string } | undefined;
  if (jwk?.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') {
    const raw = base64urlDecode(jwk.x);
    return raw.length === 32 ? raw : undefined;
  }
  return undefined;
}
