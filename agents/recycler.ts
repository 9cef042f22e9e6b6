// A recycler or remanufacturer: records a unit's end of life; repurposing mints a successor unit whose
// passport names its predecessor, and the predecessor's end of life names its successor (ESPR Art. 11(d)).
import type { Json } from './client.js';
import type { Actor, Secured } from './actor.js';
import { createManufacturer, type UnitSpec } from './manufacturer.js';

export interface Recycler {
  readonly actor: Actor;
  endOfLife(unit: string, state: 'dismantled' | 'recycled', details?: Json): Promise<Secured>;
  /** Mints `successor` (we must speak for its GTIN) and ends `unit` as repurposed into it. */
  repurpose(unit: string, successor: UnitSpec, details?: Json): Promise<{ successor: Secured[]; endOfLife: Secured }>;
}

export function createRecycler(actor: Actor): Recycler {
  const today = () => actor.now().toISOString().slice(0, 10);
  return {
    actor,
    endOfLife: (unit, state, details = {}) => actor.record('EndOfLifeCredential', unit, { endOfLifeState: state, endOfLifeDate: today(), ...details }),
    // One append: the successor's key credential and passport and the predecessor's end of life, or none.
    async repurpose(unit, successor, details = {}) {
      const minted = await createManufacturer(actor).prepareUnit({ ...successor, passport: { ...successor.passport, predecessor: unit } });
      const successorLink = String((minted[1]!.dataIntegrity.credentialSubject as Json).id);
      const endOfLife = await actor.credential('EndOfLifeCredential', unit, { endOfLifeState: 'repurposed', endOfLifeDate: today(), successor: successorLink, ...details });
      await actor.append([...minted, endOfLife]);
      return { successor: minted, endOfLife };
    },
  };
}
