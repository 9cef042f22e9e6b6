// The registrar (our stand-in for a GS1 member organisation): licenses company prefixes to manufacturers' DIDs.
import type { Json } from './client.js';
import type { Actor, Secured } from './actor.js';

export interface Registrar {
  readonly actor: Actor;
  /** A GS1CompanyPrefixLicenseCredential for `licensee`, on the licensee's party chain; revocable. */
  license(licensee: string, prefix: string, organization: { name: string; registeredId?: string }, validUntil?: string): Promise<Secured>;
  revoke(licence: Json): Promise<void>;
}

export function createRegistrar(actor: Actor): Registrar {
  return {
    actor,
    async license(licensee, licenseValue, organization, validUntil) {
      const credentialStatus = await actor.allocateStatus('revocation');
      return actor.record('GS1CompanyPrefixLicenseCredential', licensee, { licenseValue, organization }, { credentialStatus, validUntil });
    },
    revoke: (licence) => actor.setStatus((licence.credentialStatus as Json[]) ?? [], 1),
  };
}
