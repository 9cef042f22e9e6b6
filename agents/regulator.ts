// A regulator (market surveillance): reads a unit's passport bundle and checks every credential in it
// and who had the authority to assert it. The full independent verifier is `dpp verify`.
import { gtinAuthority, parseDigitalLink, digitalLinkPath, type PassportBundle } from '../src/index.js';
import type { Json } from './client.js';
import type { Actor } from './actor.js';

export interface Inspection {
  verified: boolean;
  credentials: { id: string; type: string; issuer: string; verified: boolean; failed?: string }[];
  /** Whether the passport's issuer speaks for its GTIN through a trusted registrar's licence. */
  authority: { ok: boolean; reason?: string };
}

export interface Regulator {
  readonly actor: Actor;
  inspect(unit: string, trustedRegistrars: readonly string[]): Promise<Inspection>;
}

export function createRegulator(actor: Actor): Regulator {
  return {
    actor,
    async inspect(unit, trustedRegistrars) {
      const bundle = await actor.client.get<PassportBundle>(`/bundle${digitalLinkPath(parseDigitalLink(unit))}`);
      const verifier = actor.party.services.verifier;
      const credentials: Inspection['credentials'] = [];
      for (const chain of bundle.chains) {
        for (const event of chain.events) {
          const report = await verifier.verifyCredential(event.credential);
          const c = event.credential as Json;
          credentials.push({
            id: String(c.id),
            type: (c.type as string[]).filter((t) => t !== 'VerifiableCredential').join(','),
            issuer: String(c.issuer),
            verified: report.verified,
            ...(report.verified ? {} : { failed: report.checks.find((x) => x.status === 'fail')?.code }),
          });
        }
      }
      const passport = bundle.chains[0]?.events.map((e) => e.credential as Json).find((c) => (c.type as string[]).includes('DigitalProductPassport'));
      const gtin = parseDigitalLink(unit).primaryKey.value;
      // Authority is read from the bundle alone: its chains (the GTIN's among them) and the licences it references.
      const recorded = [...bundle.chains.flatMap((c) => c.events.map((e) => ({ unit: c.unit, credential: e.credential }))), ...bundle.references];
      const authority = passport
        ? await gtinAuthority(String(passport.issuer), gtin, {
            trustedRegistrars: new Set(trustedRegistrars),
            credential: async (id) => recorded.find((r) => r.credential.id === id)?.credential,
            chain: async (key) => recorded.filter((r) => r.unit === key).map((r) => r.credential),
            inactive: async (credential) => ((await verifier.verifyCredential(credential)).verified ? undefined : 'does not verify'),
          })
        : { ok: false as const, reason: 'no passport' };
      return {
        verified: credentials.length > 0 && credentials.every((c) => c.verified) && authority.ok,
        credentials,
        authority: authority.ok ? { ok: true } : { ok: false, reason: authority.reason },
      };
    },
  };
}
