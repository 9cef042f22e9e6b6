// A regulator (market surveillance): verifies a unit's passport independently, as `dpp verify --role regulator`
// does: every credential, the chains, the log, who asserted each claim with what authority, and completeness.
import { formatDigitalLink, parseDigitalLink, verifyPassport, type CheckpointStore, type FetchLike, type PassportReport } from '../src/index.js';
import type { Actor } from './actor.js';

export interface Regulator {
  readonly actor: Actor;
  /** The regulator's report on `unit` (a Digital Link, looked up on the actor's server), trusting `trustedRegistrars`. */
  inspect(unit: string, trustedRegistrars: readonly string[]): Promise<PassportReport>;
}

export function createRegulator(actor: Actor, deps: { fetch: FetchLike; checkpoints: CheckpointStore; untpDir?: string }): Regulator {
  return {
    actor,
    inspect: (unit, trustedRegistrars) =>
      verifyPassport(
        { digitalLink: formatDigitalLink(parseDigitalLink(unit), { stem: actor.client.baseUrl }) },
        { now: actor.now, checkpoints: deps.checkpoints, trustedRegistrars, fetch: deps.fetch },
        { role: 'regulator', untpDir: deps.untpDir },
      ),
  };
}
