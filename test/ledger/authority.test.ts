// GTIN authority read from credentials alone (as a verifier reads a bundle): a KeyCredential chained to
// a trusted registrar's licence covering the GTIN; anything else is flagged with the reason.
import { describe, expect, it } from 'vitest';
import { gtinAuthority, keyCredentialProblem, repairAuthority, type AuthorityLookups } from '../../src/ledger/authority.js';

const REGISTRAR = 'did:web:registrar.example';
const MAKER = 'did:web:maker.example';
const vc = (id: string, type: string, issuer: string, subject: Record<string, unknown>) => ({ id, type: ['VerifiableCredential', type], issuer, credentialSubject: subject });
const licence = vc('urn:licence', 'GS1CompanyPrefixLicenseCredential', REGISTRAR, { id: MAKER, licenseValue: '9506000', organization: { name: 'Maker' } });
const gtinKey = vc('urn:key', 'KeyCredential', MAKER, { id: 'https://id.gs1.org/01/09506000134352', extendsCredential: 'urn:licence' });
const rogueKey = vc('urn:rogue', 'KeyCredential', MAKER, { id: 'https://id.gs1.org/01/09506001000007', extendsCredential: 'urn:licence' });

function lookups(extra: Record<string, unknown>[] = [], inactive: Record<string, string> = {}): AuthorityLookups {
  const all = [licence, gtinKey, rogueKey, ...extra] as Record<string, unknown>[];
  return {
    trustedRegistrars: new Set([REGISTRAR]),
    credential: async (id) => all.find((c) => c.id === id),
    chain: async (key) => all.filter((c) => typeof (c.credentialSubject as { id: unknown }).id === 'string' && `(01)${String((c.credentialSubject as { id: string }).id).split('/01/')[1]}` === key),
    inactive: async (c) => inactive[String(c.id)],
  };
}

describe('GTIN authority', () => {
  it('holds for a KeyCredential under a trusted licence covering the GTIN', async () => {
    expect(await gtinAuthority(MAKER, '09506000134352', lookups())).toMatchObject({ ok: true });
    expect(await keyCredentialProblem(gtinKey, lookups())).toBeUndefined();
  });
  it('flags a GTIN outside the licensed prefix, another holder, a revoked licence, an untrusted registrar', async () => {
    expect(await keyCredentialProblem(rogueKey, lookups())).toMatch(/outside the licensed company prefix 9506000/);
    expect(await gtinAuthority(MAKER, '09506001000007', lookups())).toMatchObject({ ok: false });
    expect(await gtinAuthority('did:web:other.example', '09506000134352', lookups())).toMatchObject({ ok: false, reason: expect.stringMatching(/no KeyCredential/) });
    expect(await gtinAuthority(MAKER, '09506000134352', lookups([], { 'urn:licence': 'is revoked' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/revoked/) });
    const untrusted = { ...lookups(), trustedRegistrars: new Set<string>() };
    expect(await gtinAuthority(MAKER, '09506000134352', untrusted)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a trusted registrar/) });
  });
  it('reads a repair as authorised only with a valid accreditation of its own repairer for its GTIN', async () => {
    const accreditation = vc('urn:acc', 'RepairerAccreditationCredential', MAKER, { id: 'did:web:fixit.example', name: 'Fixit', accreditedFor: ['09506000134352'] });
    const repair = (issuer: string, accreditationId?: string) => vc('urn:r', 'RepairRecordCredential', issuer, { id: 'https://id.gs1.org/01/09506000134352/21/X1', ...(accreditationId ? { accreditation: accreditationId } : {}) });
    const l = lookups([accreditation]);
    expect(await repairAuthority(repair('did:web:fixit.example', 'urn:acc'), l)).toMatchObject({ authorised: true });
    expect(await repairAuthority(repair('did:web:fixit.example'), l)).toMatchObject({ authorised: false });
    expect(await repairAuthority(repair('did:key:z6Mkimpostor', 'urn:acc'), l)).toMatchObject({ authorised: false, reason: expect.stringMatching(/not did:key/) });
    expect(await repairAuthority(repair('did:web:fixit.example', 'urn:acc'), lookups([accreditation], { 'urn:acc': 'has expired' }))).toMatchObject({ authorised: false });
  });
});
