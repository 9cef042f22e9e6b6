// A reseller: an owner in business. Before it buys, it checks that the seller holds the unit's current
// ownership (a presentation over the reseller's own challenge); then it takes the transfer.
import { randomBytes } from 'node:crypto';
import type { Json } from './client.js';
import type { Actor } from './actor.js';
import { createOwner, type Owner } from './owner.js';

export interface SellerCheck {
  ok: boolean;
  reason?: string;
  seller?: string;
}

export interface Reseller extends Owner {
  /** A challenge for the seller to sign their ownership presentation over. */
  challengeSeller(): { challenge: string; domain: string };
  /** Whether `presentation` (over `challenge`) is by the unit's current owner, holding its current OwnershipCredential. */
  checkSeller(unit: string, presentation: Json, challenge: string): Promise<SellerCheck>;
}

export function createReseller(actor: Actor): Reseller {
  const owner = createOwner(actor);
  const domain = `${actor.did}`;
  return {
    ...owner,
    challengeSeller: () => ({ challenge: randomBytes(16).toString('base64url'), domain }),
    async checkSeller(unit, presentation, challenge) {
      const report = await actor.party.services.verifier.verifyPresentation(presentation, { challenge, domain });
      if (!report.verified) return { ok: false, reason: report.checks.find((c) => c.status === 'fail')?.message ?? 'the presentation does not verify' };
      const holder = String(presentation.holder);
      const chain = await actor.chain(unit);
      const current = chain.filter((c) => (c.type as string[]).includes('OwnershipCredential')).at(-1);
      const presented = ([] as Json[]).concat((presentation.verifiableCredential as Json[] | Json | undefined) ?? []);
      if (!current) return { ok: false, reason: 'nobody has registered this unit' };
      if ((current.credentialSubject as Json).owner !== holder) return { ok: false, reason: `${holder} is not the current owner` };
      if (!presented.some((c) => c.id === current.id)) return { ok: false, reason: 'the presentation does not hold the current ownership credential' };
      return { ok: true, seller: holder };
    },
  };
}
