// did:key for Ed25519 Multikeys: create from a public key, resolve to a DID document.
// @see https://w3c-ccg.github.io/did-method-key/
import { DidError } from '../errors.js';
import { ed25519PublicKeyFromMultibase, ed25519PublicKeyToMultibase } from './multibase.js';
import type { DidDocument } from './did-document.js';
import { DID_CONTEXTS } from './did-document.js';

export function didKeyFromPublicKey(publicKey: Uint8Array): string {
  return `did:key:${ed25519PublicKeyToMultibase(publicKey)}`;
}

/** The verification method id of an Ed25519 did:key (`did:key:z…#z…`). */
export function didKeyVerificationMethod(did: string): string {
  return `${did}#${did.slice('did:key:'.length)}`;
}

export function resolveDidKey(did: string): DidDocument {
  const multibase = did.slice('did:key:'.length);
  if (!did.startsWith('did:key:z') || multibase.includes(':') || multibase.includes('#')) {
    throw new DidError('DID_INVALID', `Not a did:key: ${did}`, { evidence: { did } });
  }
  if (!ed25519PublicKeyFromMultibase(multibase)) {
    throw new DidError('KEY_UNSUPPORTED', `did:key is not an Ed25519 key: ${did}`, { evidence: { did } });
  }
  const vm = `${did}#${multibase}`;
  return {
    '@context': [...DID_CONTEXTS],
    id: did,
    verificationMethod: [{ id: vm, type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
    authentication: [vm],
    assertionMethod: [vm],
    capabilityDelegation: [vm],
    capabilityInvocation: [vm],
  };
}
