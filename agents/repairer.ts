// A repairer, accredited or independent (the right to repair): signs what it did to a unit.
import type { Json } from './client.js';
import type { Actor, Secured } from './actor.js';

export interface RepairRecord {
  serviceDate: string;
  fault: string;
  workDone: string;
  partReplaced?: { gtin: string; itemNumber?: string; name?: string }[];
  firmwareUpdated: boolean;
  firmwareVersion?: string;
  /** The id of our RepairerAccreditationCredential, when accredited for this product. */
  accreditation?: string;
  remediesRecall?: string;
}

export interface Repairer {
  readonly actor: Actor;
  repair(unit: string, record: RepairRecord): Promise<Secured>;
}

export function createRepairer(actor: Actor): Repairer {
  return {
    actor,
    repair: (unit, record) => actor.record('RepairRecordCredential', unit, record as unknown as Json),
  };
}
