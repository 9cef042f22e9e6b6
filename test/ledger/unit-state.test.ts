// The pure rules under the policy and the registry: serial ranges, warranty periods, recall coverage,
// company-prefix coverage, and the fold of a unit's chains into its state.
import { describe, expect, it } from 'vitest';
import { addPeriod, recallCovers, serialInRange, unitState } from '../../src/ledger/unit-state.js';
import { prefixCovers } from '../../src/ledger/authority.js';

const UNIT = 'https://id.gs1.org/01/09506000134352/10/L1/21/HP-000123';
const vc = (type: string, subject: Record<string, unknown>, id = `urn:uuid:${type}`) => ({ id, type: ['VerifiableCredential', type], issuer: 'did:web:maker.example', credentialSubject: { id: UNIT, ...subject } });

describe('serial ranges', () => {
  it('compares a shared prefix and a number, whatever the padding', () => {
    expect(serialInRange('HP-000123', 'HP-000100', 'HP-000200')).toBe(true);
    expect(serialInRange('HP-000099', 'HP-000100', 'HP-000200')).toBe(false);
    expect(serialInRange('HP-1000', 'HP-100', 'HP-2000')).toBe(true);
    expect(serialInRange('XX-000150', 'HP-000100', 'HP-000200')).toBe(false);
  });
  it('falls back to equal-length ordering for serials of another shape', () => {
    expect(serialInRange('ABC', 'ABA', 'ABZ')).toBe(true);
    expect(serialInRange('ABCD', 'ABA', 'ABZ')).toBe(false);
  });
});

describe('warranty periods', () => {
  it('adds years, months and days in UTC', () => {
    expect(addPeriod(new Date('2026-03-15T10:00:00Z'), 'P2Y')).toBe('2028-03-15');
    expect(addPeriod(new Date('2026-03-15T10:00:00Z'), 'P1Y6M')).toBe('2027-09-15');
    expect(addPeriod(new Date('2026-12-20T00:00:00Z'), 'P30D')).toBe('2027-01-19');
    expect(() => addPeriod(new Date(), 'P')).toThrow(RangeError);
    expect(() => addPeriod(new Date(), 'PT5H')).toThrow(RangeError);
  });
});

describe('recall coverage and company prefixes', () => {
  const unit = { itemNumber: 'HP-000123', batchNumber: 'L1' };
  it('covers a batch, a range or a list', () => {
    expect(recallCovers(vc('RecallNoticeCredential', { affects: { batchNumber: 'L1' } }), unit)).toBe(true);
    expect(recallCovers(vc('RecallNoticeCredential', { affects: { batchNumber: 'L2' } }), unit)).toBe(false);
    expect(recallCovers(vc('RecallNoticeCredential', { affects: { firstItemNumber: 'HP-000100', lastItemNumber: 'HP-000199' } }), unit)).toBe(true);
    expect(recallCovers(vc('RecallNoticeCredential', { affects: { itemNumber: ['HP-000124'] } }), unit)).toBe(false);
    expect(recallCovers(vc('RecallNoticeCredential', {}), unit)).toBe(false);
  });
  it('reads a company prefix after the GTIN-14 indicator digit', () => {
    expect(prefixCovers('9506000', '09506000134352')).toBe(true);
    expect(prefixCovers('9506001', '09506000134352')).toBe(false);
    expect(prefixCovers('095060', '09506000134352')).toBe(false);
    expect(prefixCovers('12', '09506000134352')).toBe(false);
  });
});

describe('a unit\'s state', () => {
  it('folds its chains: passport, owners in order, repairs, recalls above it, end of life', () => {
    const state = unitState({
      product: [vc('WarrantyCredential', { warrantyPeriod: 'P2Y', warrantyStart: 'registration', transferable: false, warrantyTerms: 't' })],
      batch: [vc('RecallNoticeCredential', { affects: { batchNumber: 'L1' } })],
      unit: [
        vc('DigitalProductPassport', { itemNumber: 'HP-000123' }),
        vc('OwnershipCredential', { owner: 'did:key:a', ownedSince: '2026-01-01T00:00:00Z', warrantyUntil: '2028-01-01' }, 'urn:uuid:o1'),
        vc('RepairRecordCredential', {}),
        vc('OwnershipCredential', { owner: 'did:key:b', ownedSince: '2026-05-01T00:00:00Z' }, 'urn:uuid:o2'),
        vc('EndOfLifeCredential', { endOfLifeState: 'recycled' }),
      ],
    });
    expect(state.manufacturer).toBe('did:web:maker.example');
    expect(state.owners.map((o) => o.owner)).toEqual(['did:key:a', 'did:key:b']);
    expect(state.ownership).toEqual({ credential: 'urn:uuid:o2', owner: 'did:key:b', since: '2026-05-01T00:00:00Z' });
    expect(state.warranty).toMatchObject({ period: 'P2Y', start: 'registration', transferable: false });
    expect(state.repairs).toHaveLength(1);
    expect(state.recalls).toHaveLength(1);
    expect(state.endOfLife).toBeDefined();
  });
});
