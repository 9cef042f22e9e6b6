// What a unit's chains say about it now: minted, owned by whom, under warranty until when, repaired,
// recalled, at end of life. A pure fold over credentials, shared by the write policy, the registry and readers.
import { parseDigitalLink } from '../gs1/index.js';
import { isObject, issuerId, typesOf, type JsonObject, subjectOf } from '../vc/credential.js';

/** The credentials of a unit's own chain and of the batch and product (GTIN) chains above it, each in chain order. */
export interface UnitChains {
  unit: readonly JsonObject[];
  batch: readonly JsonObject[];
  product: readonly JsonObject[];
}

export interface Ownership {
  credential: string;
  owner: string;
  since: string;
  warrantyUntil?: string;
}

export interface Warranty {
  credential: string;
  period: string;
  start: 'registration' | 'production';
  transferable: boolean;
  terms: string;
}

export interface UnitState {
  /** The unit's Digital Link serial and lot, from its subject. */
  itemNumber?: string;
  batchNumber?: string;
  /** Its DigitalProductPassport, once minted. */
  passport?: JsonObject;
  /** Who minted it (the issuer of its passport). */
  manufacturer?: string;
  /** The current ownership, if anyone registered the unit. */
  ownership?: Ownership;
  /** Every ownership, oldest first. */
  owners: Ownership[];
  /** The unit's warranty terms (its own, else its GTIN's). */
  warranty?: Warranty;
  repairs: JsonObject[];
  /** Recall notices that cover this unit, from its batch's and its GTIN's chains. */
  recalls: JsonObject[];
  endOfLife?: JsonObject;
}

const is = (credential: JsonObject, type: string) => typesOf(credential).includes(type);

export function unitState(chains: UnitChains, unitLink?: string): UnitState {
  const state: UnitState = { owners: [], repairs: [], recalls: [] };
  const link = unitLink ?? (chains.unit[0] ? String(subjectOf(chains.unit[0]).id) : undefined);
  if (link) {
    const dl = parseDigitalLink(link);
    state.itemNumber = dl.qualifiers.find((q) => q.ai === '21')?.value;
    state.batchNumber = dl.qualifiers.find((q) => q.ai === '10')?.value;
  }
  for (const credential of chains.product) if (is(credential, 'WarrantyCredential')) state.warranty = warrantyOf(credential);
  for (const credential of [...chains.product, ...chains.batch]) {
    if (is(credential, 'RecallNoticeCredential') && recallCovers(credential, state)) state.recalls.push(credential);
  }
  for (const credential of chains.unit) {
    const subject = subjectOf(credential);
    if (is(credential, 'DigitalProductPassport') && !state.passport) {
      state.passport = credential;
      state.manufacturer = issuerId(credential);
      if (!state.batchNumber && typeof subject.batchNumber === 'string') state.batchNumber = subject.batchNumber;
    } else if (is(credential, 'WarrantyCredential')) state.warranty = warrantyOf(credential);
    else if (is(credential, 'OwnershipCredential')) {
      const ownership: Ownership = { credential: String(credential.id), owner: String(subject.owner), since: String(subject.ownedSince) };
      if (typeof subject.warrantyUntil === 'string') ownership.warrantyUntil = subject.warrantyUntil;
      state.owners.push(ownership);
      state.ownership = ownership;
    } else if (is(credential, 'RepairRecordCredential')) state.repairs.push(credential);
    else if (is(credential, 'EndOfLifeCredential')) state.endOfLife = credential;
  }
  return state;
}

function warrantyOf(credential: JsonObject): Warranty {
  const subject = subjectOf(credential);
  return {
    credential: String(credential.id),
    period: String(subject.warrantyPeriod),
    start: subject.warrantyStart === 'production' ? 'production' : 'registration',
    transferable: subject.transferable === true,
    terms: String(subject.warrantyTerms ?? ''),
  };
}

/** Whether a recall notice names this unit: its whole batch, a serial range that holds its serial, or its serial in a list. */
export function recallCovers(notice: JsonObject, unit: { itemNumber?: string; batchNumber?: string }): boolean {
  const affects = subjectOf(notice).affects;
  if (!isObject(affects)) return false;
  if (typeof affects.batchNumber === 'string') return affects.batchNumber === unit.batchNumber;
  if (unit.itemNumber === undefined) return false;
  if (Array.isArray(affects.itemNumber)) return affects.itemNumber.includes(unit.itemNumber);
  if (typeof affects.firstItemNumber === 'string' && typeof affects.lastItemNumber === 'string') {
    return serialInRange(unit.itemNumber, affects.firstItemNumber, affects.lastItemNumber);
  }
  return false;
}

/**
 * Serial ranges compare like serials are printed: a shared prefix, then a number (`HP-000120` … `HP-000180`).
 * Serials of another shape or prefix are in range only if they sort between the ends and are as long.
 */
export function serialInRange(serial: string, first: string, last: string): boolean {
  const split = (s: string) => /^(.*?)(\d+)$/.exec(s);
  const [s, a, b] = [split(serial), split(first), split(last)];
  if (s && a && b && s[1] === a[1] && a[1] === b[1]) {
    const n = BigInt(s[2]!);
    return BigInt(a[2]!) <= n && n <= BigInt(b[2]!);
  }
  return serial.length === first.length && serial.length === last.length && first <= serial && serial <= last;
}

/** ISO 8601 `PnYnMnD` added to a date (UTC), as `YYYY-MM-DD`. */
export function addPeriod(start: Date, period: string): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(period);
  if (!match || period === 'P') throw new RangeError(`Not a period of years, months and days: ${period}`);
  const end = new Date(Date.UTC(start.getUTCFullYear() + Number(match[1] ?? 0), start.getUTCMonth() + Number(match[2] ?? 0), start.getUTCDate() + Number(match[3] ?? 0)));
  return end.toISOString().slice(0, 10);
}
