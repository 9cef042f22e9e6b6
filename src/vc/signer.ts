// The signer every proof is made with: a verification method id and an Ed25519 sign function.
import { ed25519Signer } from '../did/ed25519.js';

/** Shaped as Digital Bazaar's signer so `@digitalbazaar/data-integrity` can use it unchanged. */
export interface Signer {
  /** The verification method id (`did:web:example.com#key-1`). */
  readonly id: string;
  readonly algorithm: 'Ed25519';
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
}

/** A signer over a raw Ed25519 seed held in memory (tests, conformance vectors, browser owners). */
export function signerFromSeed(verificationMethod: string, seed: Uint8Array): Signer {
  const sign = ed25519Signer(seed);
  return {
    id: verificationMethod,
    algorithm: 'Ed25519',
    async sign({ data }) {
      return sign(data);
    },
  };
}

/** Returns the DID a verification method id belongs to. */
export function controllerOf(verificationMethod: string): string {
  return verificationMethod.split('#')[0]!;
}
