// The owner's wallet (a did:key): registers a unit by scanning, authorises its resale, accepts a unit
// bought, reports it stolen, lost or found, and proves ownership to a buyer.
import { randomUUID } from 'node:crypto';
import { createDocumentLoader, signPresentationDataIntegrity, DppError } from '../src/index.js';
import type { Json } from './client.js';
import { CONTEXTS, type Actor } from './actor.js';

export interface Owner {
  readonly actor: Actor;
  /** Registers `unit` to this wallet; with `contact`, recall notices reach the owner (kept privately, with consent). */
  register(unit: string, contact?: { email?: string; phone?: string }): Promise<{ ownership: Json }>;
  /** The current ownership credential of `unit` if this wallet holds it. */
  ownership(unit: string): Promise<Json | undefined>;
  /** A signed authorisation to transfer `unit` to `buyer`, valid for `validForSeconds` (default a day). */
  authorizeTransfer(unit: string, buyer: string, validForSeconds?: number): Promise<Json>;
  /** Sends an authorisation (the seller's or, as the buyer, the one received). */
  completeTransfer(authorization: Json, contact?: { email?: string; phone?: string }): Promise<{ transfer: Json; ownership: Json }>;
  /** Authorises and completes a transfer to `buyer` in one go. */
  transfer(unit: string, buyer: string): Promise<{ transfer: Json; ownership: Json }>;
  report(unit: string, state: 'stolen' | 'lost' | 'found'): Promise<{ suspended: boolean }>;
  /** A presentation of this wallet's ownership of `unit`, over a challenge and domain the verifier chose. */
  proveOwnership(unit: string, challenge: string, domain?: string): Promise<Json>;
  contact(unit: string): Promise<Json>;
  forgetContact(unit: string): Promise<void>;
}

export function createOwner(actor: Actor): Owner {
  const documentLoader = createDocumentLoader({ contexts: actor.party.services.contexts });

  const freshChallenge = (unit: string, purpose: 'register' | 'transfer' | 'report') =>
    actor.client.send<{ challenge: string; domain: string }>('POST', '/registry/challenge', { subject: unit, purpose });

  async function present(credentials: Json[], challengeValue: string, domain: string): Promise<Json> {
    return signPresentationDataIntegrity(
      { '@context': CONTEXTS, type: ['VerifiablePresentation'], holder: actor.did, ...(credentials.length ? { verifiableCredential: credentials } : {}) },
      { signer: await actor.signer(), documentLoader, created: actor.now(), challenge: challengeValue, domain },
    );
  }

  const owner: Owner = {
    actor,
    async register(unit, contact) {
      const { challenge: c, domain } = await freshChallenge(unit, 'register');
      const presentation = await present([], c, domain);
      return actor.client.send('POST', '/registry/register', { subject: unit, presentation, ...(contact ? { contact: { ...contact, consent: true } } : {}) }, await actor.signer());
    },
    async ownership(unit) {
      const chain = await actor.chain(unit);
      const current = chain.filter((c) => (c.type as string[]).includes('OwnershipCredential')).at(-1);
      return current && (current.credentialSubject as Json).owner === actor.did ? current : undefined;
    },
    async authorizeTransfer(unit, buyer, validForSeconds = 86_400) {
      const current = await owner.ownership(unit);
      if (!current) throw new DppError('NOT_OWNER', `${actor.did} does not own ${unit}`);
      const { challenge: c } = await freshChallenge(unit, 'transfer');
      const until = new Date(actor.now().getTime() + validForSeconds * 1000).toISOString();
      const authorization = {
        '@context': CONTEXTS,
        id: `urn:uuid:${randomUUID()}`,
        type: ['VerifiableCredential', 'OwnershipTransferAuthorization'],
        issuer: actor.did,
        validFrom: actor.now().toISOString(),
        validUntil: until,
        credentialSchema: { id: 'https://dppledger.org/schemas/OwnershipTransferAuthorization/v1', type: 'JsonSchema' },
        credentialSubject: { id: String((current.credentialSubject as Json).id), transferredTo: buyer, ownership: String(current.id), transferChallenge: c },
      };
      return (await actor.party.issue(authorization)) as Json;
    },
    async completeTransfer(authorization, contact) {
      return actor.client.send('POST', '/registry/transfer', { authorization, ...(contact ? { contact: { ...contact, consent: true } } : {}) }, await actor.signer());
    },
    async transfer(unit, buyer) {
      return owner.completeTransfer(await owner.authorizeTransfer(unit, buyer));
    },
    async report(unit, state) {
      const { challenge: c, domain } = await freshChallenge(unit, 'report');
      return actor.client.send('POST', '/registry/report', { subject: unit, presentation: await present([], c, domain), state }, await actor.signer());
    },
    async proveOwnership(unit, challengeValue, domain) {
      const current = await owner.ownership(unit);
      if (!current) throw new DppError('NOT_OWNER', `${actor.did} does not own ${unit}`);
      return present([current], challengeValue, domain ?? actor.client.baseUrl);
    },
    contact: async (unit) => actor.client.send('GET', `/registry/contact?subject=${encodeURIComponent(unit)}`, undefined, await actor.signer()),
    forgetContact: async (unit) => {
      await actor.client.send('DELETE', `/registry/contact?subject=${encodeURIComponent(unit)}`, undefined, await actor.signer());
    },
  };
  return owner;
}
