// What the role views share: which of the passport's credentials count (they verified), and how to name them.
import { typesOf, issuerId, type JsonObject } from '../../vc/credential.js';
import type { VerifiedCredential, VerifiedPassport } from '../types.js';

/** A credential's type besides `VerifiableCredential`. */
export function typeOf(credential: JsonObject): string {
  return typesOf(credential).filter((t) => t !== 'VerifiableCredential').join(',') || 'VerifiableCredential';
}

/** The passport's credentials by id, and which of them count: only those that verified do. */
export function credentialIndex(passport: VerifiedPassport): {
  get(id: unknown): VerifiedCredential | undefined;
  /** The credential as verified when it counts; undefined when it is not in the passport or did not verify. */
  counted(credential: JsonObject | undefined): VerifiedCredential | undefined;
  /** The credentials of the passport that did not verify, and so count for nothing. */
  notCounted(types?: readonly string[]): { credential: string; type: string; issuer: string; chain: string }[];
} {
  const byId = new Map<string, VerifiedCredential>();
  for (const vc of passport.credentials) if (typeof vc.credential.id === 'string' && !byId.has(vc.credential.id)) byId.set(vc.credential.id, vc);
  const get = (id: unknown) => (typeof id === 'string' ? byId.get(id) : undefined);
  return {
    get,
    counted: (credential) => {
      const vc = credential && get(credential.id);
      return vc?.verified ? vc : undefined;
    },
    notCounted: (types) =>
      passport.credentials
        .filter((vc) => !vc.verified && (!types || typesOf(vc.credential).some((t) => types.includes(t))))
        .map((vc) => ({ credential: label(vc.credential), type: typeOf(vc.credential), issuer: String(issuerId(vc.credential)), chain: vc.chain })),
  };
}

/**
 * The counted credential of `type` that speaks most specifically for the unit: the latest on its own
 * chain, else on its batch's, else on its GTIN's.
 */
export function mostSpecific(passport: VerifiedPassport, type: string): VerifiedCredential | undefined {
  const index = credentialIndex(passport);
  for (const chain of [passport.chains.item, passport.chains.batch, passport.chains.product]) {
    for (let i = chain.length - 1; i >= 0; i--) {
      const credential = chain[i]!;
      const vc = typesOf(credential).includes(type) ? index.counted(credential) : undefined;
      if (vc) return vc;
    }
  }
  return undefined;
}

export function label(credential: JsonObject): string {
  return typeof credential.id === 'string' ? credential.id : '(credential without id)';
}

/** Who signed a credential and where it came from, for a summary. */
export function signedBy(vc: VerifiedCredential): { credential: string; issuer: string } {
  return { credential: label(vc.credential), issuer: String(issuerId(vc.credential)) };
}
