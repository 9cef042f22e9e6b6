// The role views over real signed passports served by a running server: the demo unit's whole life, and a
// small life of our own (registered, repaired, sold, reported stolen, recycled) for the seller's proof.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/assets.js';
import { createDidResolver } from '../../src/did/resolver.js';
import { networkFetch, fetchStatusListWith } from '../../src/cli/network.js';
import { DEMO_UNIT } from '../../src/cli/demo.js';
import { digitalLinkPath, parseDigitalLink } from '../../src/gs1/index.js';
import type { PassportBundle } from '../../src/ledger/bundle.js';
import { unitState } from '../../src/ledger/unit-state.js';
import { createCredentialServices } from '../../src/vc/services.js';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';
import { signPresentationDataIntegrity } from '../../src/vc/data-integrity.js';
import { typesOf, type JsonObject } from '../../src/vc/credential.js';
import type { Check } from '../../src/vc/report.js';
import type { CredentialReport, Verifier } from '../../src/vc/verify.js';
import type { CredentialStatus, RoleOptions, RoleView, VerifiedCredential, VerifiedPassport } from '../../src/verify/types.js';
import { batteryCategory, roleView } from '../../src/verify/roles.js';
import { createUntpValidator, toUntpPassport } from '../../src/verify/untp.js';
import { createOwner, type Owner } from '../../agents/owner.js';
import { createRepairer } from '../../agents/repairer.js';
import { createRecycler } from '../../agents/recycler.js';
import { fixture } from '../helpers.js';
import { GTIN, PASSPORT, WARRANTY, startLifecycleWorld, unitLink, type LifecycleWorld } from '../lifecycle-world.js';

/** Where `dpp verify` looks for the UNTP artefacts by default: beside the package, never inside it. */
const UNTP_DIR = join(PACKAGE_ROOT, '../shared/conformance/uncefact-spec-untp');
const HAVE_UNTP = existsSync(join(UNTP_DIR, 'data-models/untp-dpp/artefacts/untp-dpp-schema.json'));

let world: LifecycleWorld;
let verifier: Verifier;
let trusted: Set<string>;
let demo: VerifiedPassport;

// Our own unit: composed from the fixture, repaired by an accredited and by a rogue repairer, owned by alice.
const unit = unitLink('ROLES-1', 'R1');
const bare = unitLink('ROLES-2', 'R1');
let alice: Owner;
let bob: Owner;
let rogueRepair: JsonObject;

beforeAll(async () => {
  world = await startLifecycleWorld({ demo: true });
  const port = new URL(world.origin).port;
  trusted = new Set([`did:web:127.0.0.1%3A${port}:parties:registrar`, `did:web:127.0.0.1%3A${port}:parties:demo-registrar`]);
  const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
  verifier = createCredentialServices({ resolver: createDidResolver({ fetch }), now: () => new Date(), fetchStatusList: fetchStatusListWith(fetch) }).verifier;
  demo = await verifiedPassport(DEMO_UNIT);

  const composition = subjectOf(fixture('material-composition.json'));
  await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT, warranty: WARRANTY });
  await world.manufacturer.mint({ digitalLink: bare, passport: PASSPORT });
  await world.manufacturer.compose(unit, { name: 'Test heat pump', materialProvenance: composition.materialProvenance, disassemblyInstructions: composition.disassemblyInstructions });
  const fixit = createRepairer(await world.party('fixit-roles'));
  const accreditation = await world.manufacturer.accredit(fixit.actor.did, 'Fixit', [GTIN]);
  alice = createOwner(await world.party());
  bob = createOwner(await world.party());
  await alice.register(unit);
  await fixit.repair(unit, { serviceDate: '2026-03-01', fault: 'E27', workDone: 'Replaced the compressor', partReplaced: [{ gtin: '09506000134369', itemNumber: 'CMP-1', name: 'Compressor' }], firmwareUpdated: false, accreditation: accreditation.id });
  // A repairer that claims the accreditation of another: it lacks the authority it claims. The server refuses to
  // record it (REPAIRER_NOT_ACCREDITED); a lying server could still serve it, so the view must judge it too.
  const rogue = await world.party();
  rogueRepair = (await rogue.credential('RepairRecordCredential', unit, { serviceDate: '2026-03-05', fault: 'Noise', workDone: 'Tightened the fan', firmwareUpdated: false, accreditation: accreditation.id })).dataIntegrity as JsonObject;
}, 180_000);
afterAll(() => world?.close());

const subjectOf = (c: JsonObject) => c.credentialSubject as JsonObject;
const clone = <T>(x: T): T => structuredClone(x);
const failed = (view: RoleView) => view.checks.filter((c) => c.status === 'fail');
const only = (view: RoleView, id: string) => view.checks.filter((c) => c.id === id);
const codes = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => c.code);

/** A chain key's level: a unit's has a serial, a batch's a lot, a GTIN's neither; anything else is a party's DID. */
function levelOf(key: string): VerifiedCredential['level'] {
  if (!key.startsWith('(01)')) return 'party';
  return key.includes('(21)') ? 'item' : key.includes('(10)') ? 'batch' : 'product';
}

function statusOf(report: CredentialReport): CredentialStatus {
  const status: CredentialStatus = { revoked: false, suspended: false };
  for (const check of report.checks.filter((c) => c.id === 'status')) {
    if (check.code === 'STATUS_REVOKED') status.revoked = true;
    if (check.code === 'STATUS_SUSPENDED') status.suspended = true;
    if (check.code === 'STATUS_MESSAGE') status.message = { value: parseInt(String(check.evidence?.status).slice(2), 16), message: String(check.evidence?.message) };
  }
  return status;
}

/** What the core verifier hands a role view, built here from the served bundle with a real verifier. */
async function verifiedPassport(digitalLink: string, options: { trustedRegistrars?: Set<string> } = {}): Promise<VerifiedPassport> {
  const bundle = await world.get<PassportBundle>(`/bundle${digitalLinkPath(parseDigitalLink(digitalLink))}`);
  const recorded = [
    ...bundle.chains.flatMap((c) => c.events.map((e) => ({ chain: c.unit, credential: e.credential }))),
    ...bundle.references.map((r) => ({ chain: r.unit, credential: r.credential })),
  ];
  const credentials: VerifiedCredential[] = [];
  for (const r of recorded) {
    const report = await verifier.verifyCredential(r.credential);
    credentials.push({ credential: r.credential, chain: r.chain, level: levelOf(r.chain), report, status: statusOf(report), verified: report.verified });
  }
  const chainOf = (level: string) => bundle.chains.filter((c) => levelOf(c.unit) === level).flatMap((c) => c.events.map((e) => e.credential));
  const chains = { item: chainOf('item'), batch: chainOf('batch'), product: chainOf('product') };
  const state = unitState({ unit: chains.item, batch: chains.batch, product: chains.product }, digitalLink);
  // An ownership its transfer superseded is revoked, and still counts as history.
  for (const vc of credentials) {
    const superseded = typesOf(vc.credential).includes('OwnershipCredential') && vc.credential.id !== state.ownership?.credential;
    if (superseded && vc.report.checks.every((c) => c.status !== 'fail' || c.code === 'STATUS_REVOKED')) vc.verified = true;
  }
  const byId = (id: unknown) => credentials.find((vc) => vc.credential.id === id);
  return {
    digitalLink: bundle.digitalLink,
    unit: bundle.chains[0]!.unit,
    credentials,
    chains,
    state,
    lookups: {
      trustedRegistrars: options.trustedRegistrars ?? trusted,
      credential: async (id) => byId(id)?.credential,
      chain: async (key) => credentials.filter((vc) => vc.chain === key).map((vc) => vc.credential),
      inactive: async (credential) => {
        const vc = byId(credential.id);
        if (!vc) return 'is not in the passport';
        if (vc.status.revoked) return 'is revoked';
        if (vc.status.suspended) return 'is suspended';
        return vc.verified ? undefined : 'does not verify';
      },
    },
    now: new Date(),
    verifyPresentation: (presentation, opts) => verifier.verifyPresentation(presentation, opts),
  };
}

/** The passport with one credential's subject changed by `mutate`, everywhere it is referenced. */
function withSubject(passport: VerifiedPassport, original: JsonObject, mutate: (subject: JsonObject) => void): VerifiedPassport {
  const changed = clone(original);
  mutate(subjectOf(changed));
  const swap = (c: JsonObject) => (c === original ? changed : c);
  return {
    ...passport,
    credentials: passport.credentials.map((vc) => (vc.credential === original ? { ...vc, credential: changed } : vc)),
    chains: { item: passport.chains.item.map(swap), batch: passport.chains.batch.map(swap), product: passport.chains.product.map(swap) },
    state: { ...passport.state, ...(passport.state.passport === original ? { passport: changed } : {}) },
  };
}

const withPassport = (passport: VerifiedPassport, mutate: (subject: JsonObject) => void) => withSubject(passport, passport.state.passport!, mutate);
const withComposition = (passport: VerifiedPassport, mutate: (subject: JsonObject) => void) =>
  withSubject(passport, passport.credentials.find((vc) => typesOf(vc.credential).includes('MaterialCompositionCredential'))!.credential, mutate);

/** The passport with the credentials of `type` marked as not verified. */
function unverified(passport: VerifiedPassport, type: string): VerifiedPassport {
  return { ...passport, credentials: passport.credentials.map((vc) => (typesOf(vc.credential).includes(type) ? { ...vc, verified: false } : vc)) };
}

describe('the regulator', { timeout: 60_000 }, () => {
  it('finds the demo passport complete, its claims asserted with authority, and a UNTP passport as mapped', async () => {
    const view = await roleView('regulator', demo, { untpDir: HAVE_UNTP ? UNTP_DIR : undefined });
    expect(view.role).toBe('regulator');
    expect(failed(view)).toEqual([]);
    expect(only(view, 'identifiers')[0]).toMatchObject({ status: 'pass' });
    const found = view.summary.identifiers as Record<string, any>;
    expect(found.uniqueProductIdentifier).toBe(DEMO_UNIT);
    expect(found.gtin).toBe('09506000134352');
    expect(found.operator.id).toBe(demo.state.manufacturer);
    expect(found.facility.id).toBe('https://id.gs1.org/414/9506000130002');
    expect(found.commodityCodes).toEqual([{ code: '841861', scheme: 'Harmonized System 2022' }]);
    // A heat pump with a battery inside is not a battery.
    expect(view.summary.battery).toEqual({ detected: false });
    // Who asserted what: every credential, its type and issuer; the manufacturer's claims under a licence.
    const asserted = view.summary.assertedBy as { type: string; issuer: string; verified: boolean }[];
    expect(asserted).toHaveLength(demo.credentials.length);
    expect(asserted.find((a) => a.type === 'DigitalProductPassport')?.issuer).toBe(demo.state.manufacturer);
    const authority = only(view, 'authority');
    expect(authority.map((c) => c.status)).toEqual(authority.map(() => 'pass'));
    expect(authority.map((c) => c.credential)).toContain(demo.state.passport!.id);
    expect((view.summary.authority as { registrar: string }[])[0]!.registrar).toMatch(/:parties:demo-registrar$/);
    if (HAVE_UNTP) expect(only(view, 'untp')[0]).toMatchObject({ status: 'pass', message: expect.stringContaining('as mapped') });
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('warns, plainly, when the UNTP schemas are absent', async () => {
    for (const options of [{}, { untpDir: join(world.dir, 'no-untp-here') }] as RoleOptions[]) {
      const untp = only(await roleView('regulator', demo, options), 'untp');
      expect(untp).toMatchObject([{ status: 'warn', code: 'CHECK_UNAVAILABLE', message: expect.stringContaining('UNTP schemas are absent') }]);
    }
  });

  it('fails PASSPORT_INCOMPLETE naming each missing identifier', async () => {
    const incomplete = withPassport(demo, (s) => {
      delete (s.producedAtFacility as JsonObject).id;
      delete s.relatedParty;
      delete s.productCategory;
    });
    const [check] = only(await roleView('regulator', incomplete, {}), 'identifiers');
    expect(check).toMatchObject({ status: 'fail', code: 'PASSPORT_INCOMPLETE', credential: demo.state.passport!.id });
    expect(check!.evidence!.missing).toEqual([
      'operator identifier (relatedParty with role manufacturer: party.id or party.registeredId)',
      'facility identifier (producedAtFacility.id)',
      'commodity code (productCategory[].code)',
    ]);
    // A passport that did not verify counts for nothing.
    expect(only(await roleView('regulator', unverified(demo, 'DigitalProductPassport'), {}), 'identifiers')).toMatchObject([{ status: 'fail', code: 'PASSPORT_INCOMPLETE' }]);
  });

  it('leaves an issuer whose licence is not from a trusted registrar to the shared checks, and says so in its summary', async () => {
    const untrusted = await verifiedPassport(DEMO_UNIT, { trustedRegistrars: new Set() });
    const view = await roleView('regulator', untrusted, {});
    expect(only(view, 'authority')).toEqual([]);
    const authority = view.summary.authority as { ok: boolean; reason: string }[];
    expect(authority.length).toBeGreaterThanOrEqual(3);
    expect(authority.every((a) => !a.ok && a.reason.includes('not a trusted registrar'))).toBe(true);
  });

  it('fails a battery passport on the Annex XIII fields it lacks, and names those our vocabulary cannot say', async () => {
    const battery = withPassport(demo, (s) => {
      s.productCategory = [{ code: '850760', name: 'Lithium-ion accumulators', schemeId: 'https://www.wcoomd.org/en/topics/nomenclature.aspx', schemeName: 'Harmonized System 2022' }];
    });
    const view = await roleView('regulator', battery, {});
    const [check] = only(view, 'battery');
    expect(check).toMatchObject({ status: 'fail', code: 'PASSPORT_INCOMPLETE' });
    const missing = (check!.evidence!.missing as { field: string }[]).map((f) => f.field);
    const noTerm = (check!.evidence!.noTerm as { field: string }[]).map((f) => f.field);
    expect(missing).toEqual(expect.arrayContaining(['EU declaration of conformity (Article 18)', 'test reports proving compliance']));
    expect(missing).not.toContain('material composition');
    expect(noTerm).toEqual(expect.arrayContaining(['chemistry', 'rated capacity (Ah)', 'carbon footprint (Article 7(1) and (2))']));
    expect(check!.message).toContain('the dpp-ledger vocabulary has no term for');
    expect((view.summary.battery as { detected: boolean }).detected).toBe(true);

    // Declared conformity with test reports as evidence, and no composition: the composition fields are missing instead.
    const declared = withPassport(unverified(battery, 'MaterialCompositionCredential'), (s) => {
      s.performanceClaim = [
        {
          id: 'https://example.org/claims/battery',
          name: 'Conforms to the Batteries Regulation',
          conformityTopic: [{ id: 'https://test.uncefact.org/vocabulary/untp/topic/governance.compliance', name: 'Compliance' }],
          referenceRegulation: [{ id: 'https://eur-lex.europa.eu/eli/reg/2023/1542/oj', name: 'Regulation (EU) 2023/1542' }],
          conformance: true,
          evidence: [{ linkURL: 'https://example.org/test-report.pdf', linkName: 'Test report' }],
        },
      ];
    });
    const [again] = only(await roleView('regulator', declared, {}), 'battery');
    const missingNow = (again!.evidence!.missing as { field: string }[]).map((f) => f.field);
    expect(missingNow).not.toContain('EU declaration of conformity (Article 18)');
    expect(missingNow).not.toContain('test reports proving compliance');
    expect(missingNow).toEqual(expect.arrayContaining(['material composition', 'critical raw materials']));
  });

  it('tells a battery by its HS or CPC category code, not by a battery inside it', () => {
    const hs = { schemeId: 'https://www.wcoomd.org/', schemeName: 'Harmonized System 2022', name: 'x' };
    expect(batteryCategory({ productCategory: [{ ...hs, code: '8507.60' }] })).toBeDefined();
    expect(batteryCategory({ productCategory: [{ ...hs, code: '850680' }] })).toBeDefined();
    expect(batteryCategory({ productCategory: [{ code: '46420', name: 'Accumulators', schemeId: 'https://unstats.un.org/unsd/classifications/Econ/cpc/', schemeName: 'UN CPC' }] })).toBeDefined();
    expect(batteryCategory({ productCategory: [{ ...hs, code: '841861' }] })).toBeUndefined();
    expect(batteryCategory({ productCategory: [{ code: '850760', name: 'x', schemeId: 'https://example.org/own-codes' }] })).toBeUndefined();
    expect(batteryCategory(subjectOf(fixture('passport.json')))).toBeUndefined();
  });

  it.skipIf(!HAVE_UNTP)('fails UNTP_INVALID with the schema errors when the mapped passport does not validate', async () => {
    const nameless = withPassport(demo, (s) => {
      delete s.name;
    });
    const [check] = only(await roleView('regulator', nameless, { untpDir: UNTP_DIR }), 'untp');
    expect(check).toMatchObject({ status: 'fail', code: 'UNTP_INVALID' });
    expect(check!.evidence!.errors).toContainEqual({ path: '/credentialSubject/product', message: "must have required property 'name'" });
  });
});

describe.skipIf(!HAVE_UNTP)('the UNTP projection', () => {
  const validator = () => createUntpValidator(UNTP_DIR)!;

  it('validates UNTP\'s own sample passport, and rejects what is not one', () => {
    const sample = JSON.parse(readFileSync(join(UNTP_DIR, 'data-models/untp-dpp/artefacts/untp-dpp-instance.json'), 'utf8'));
    expect(validator().validate(sample)).toEqual({ valid: true, errors: [] });
    const result = validator().validate({ ...sample, type: ['VerifiableCredential'] });
    expect(result.valid).toBe(false);
    expect(result.errors[0]!.path).toMatch(/^\/type/);
    expect(createUntpValidator(join(UNTP_DIR, 'nowhere'))).toBeUndefined();
    // The artefacts folder itself will do as well.
    expect(createUntpValidator(join(UNTP_DIR, 'data-models/untp-dpp/artefacts'))).toBeDefined();
  });

  it('maps the fixture passport and composition onto a valid UNTP Digital Product Passport', () => {
    const passport = fixture('passport.json');
    const untp = toUntpPassport(passport, fixture('material-composition.json'));
    expect(validator().validate(untp)).toEqual({ valid: true, errors: [] });
    expect(untp).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://test.uncefact.org/vocabulary/untp/dpp/working/'],
      type: ['DigitalProductPassport', 'VerifiableCredential'],
      id: passport.id,
      issuer: { type: ['CredentialIssuer'], id: 'did:web:manufacturer.example', name: 'Manufacturer Example GmbH', issuerAlsoKnownAs: [{ registeredId: 'DE123456789012345' }] },
      validFrom: passport.validFrom,
      credentialSubject: {
        type: ['ProductPassport'],
        granularityLevel: 'item',
        product: {
          id: 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123',
          registeredId: '09506000134352',
          serialNumber: 'HP-000123',
          batchNumber: 'B2026-11',
          countryOfProduction: 'DE',
          producedAtFacility: { id: 'https://id.gs1.org/414/9506000130002' },
          productCategory: [{ code: '841861', schemeID: expect.any(String) }],
        },
      },
    });
    const materials = (untp.credentialSubject as JsonObject).materialsProvenance as JsonObject[];
    expect(materials).toHaveLength(12);
    expect(materials[1]).toMatchObject({ name: expect.stringContaining('Copper'), originCountry: 'CL', mass: { value: 9.4, unit: 'KGM' } });
    expect((untp.credentialSubject as JsonObject).circularityScorecard).toMatchObject({ recyclingInformation: { linkURL: expect.stringContaining('dismantling') } });
    // The projection reads its inputs, never changes them.
    expect(passport).toEqual(fixture('passport.json'));
  });

  it('maps a claim onto a UNTP conformity claim, and drops one whose topic UNTP does not have', () => {
    const passport = clone(fixture('passport.json'));
    subjectOf(passport).performanceClaim = [
      { id: 'https://example.org/c/1', name: 'Efficient', conformityTopic: [{ id: 'https://test.uncefact.org/vocabulary/untp/topic/energy.efficiency', name: 'Energy efficiency' }], claimedPerformance: [{ metric: { id: 'https://example.org/m/scop', name: 'SCOP' }, measure: { value: 4.9, unit: 'C62' } }], conformance: true },
      { id: 'https://example.org/c/2', name: 'Other', conformityTopic: [{ id: 'https://example.org/topics/nothing-like-it', name: 'Other' }] },
    ];
    const untp = toUntpPassport(passport);
    expect(validator().validate(untp).valid).toBe(true);
    expect((untp.credentialSubject as JsonObject).conformityClaim).toEqual([
      { type: ['Claim', 'Declaration'], id: 'https://example.org/c/1', conformityTopic: 'environment.energy', description: 'Efficient', declaredValue: [{ type: ['Metric'], metricName: 'SCOP', metricValue: { value: 4.9, unit: 'C62' } }] },
    ]);
  });
});

describe('the buyer', { timeout: 60_000 }, () => {
  it('reads the demo unit\'s owners, repairs, open recall and warranty; the seller unchecked without a presentation', async () => {
    const view = await roleView('buyer', demo, {});
    expect(only(view, 'seller')).toMatchObject([{ status: 'warn', code: 'CHECK_UNAVAILABLE', message: expect.stringContaining('give --presentation and --challenge') }]);
    const owners = view.summary.owners as { owner: string; since: string; until?: string }[];
    expect(owners).toHaveLength(2);
    for (const o of owners) expect(Object.keys(o).sort()).toEqual(expect.arrayContaining(['credential', 'owner', 'since']));
    expect(owners[0]!.until).toBe(owners[1]!.since);
    expect((view.summary.currentOwner as { owner: string }).owner).toBe(owners[1]!.owner);
    const repairs = view.summary.repairs as { label: string; partReplaced: unknown[] }[];
    expect(repairs.map((r) => r.label)).toEqual(['authorised', 'independent']);
    expect(only(view, 'repair').map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(only(view, 'repair')[1]!.message).toContain('Independent');
    expect(view.summary.partsReplaced).toMatchObject([{ gtin: '09506000134369', itemNumber: 'CMP-88812' }]);
    expect(only(view, 'recall')).toMatchObject([{ status: 'warn', code: 'STATUS_MESSAGE', message: expect.stringContaining('Fan motor connector may overheat') }]);
    expect(only(view, 'recall')[0]!.message).toContain('Free replacement of the fan motor connector');
    expect(view.summary.recalls).toMatchObject([{ recallNumber: 'DEMO-2026-01', state: 'open' }]);
    const warranty = view.summary.warranty as { daysLeft: number; transferable: boolean; active: boolean };
    expect(warranty).toMatchObject({ active: true, transferable: true });
    expect(warranty.daysLeft).toBeGreaterThan(700);
    expect(only(view, 'stolen')).toMatchObject([{ status: 'pass' }]);
    expect(failed(view)).toEqual([]);
  });

  it('fails CHALLENGE_MISMATCH for a presentation without a challenge: it could be a replay', async () => {
    const presentation = await alice.proveOwnership(unit, 'c-' + randomUUID(), 'buyer.example');
    const view = await roleView('buyer', await verifiedPassport(unit), { presentation });
    expect(only(view, 'seller')).toMatchObject([{ status: 'fail', code: 'CHALLENGE_MISMATCH' }]);
  });

  it('accepts the owner\'s presentation over the buyer\'s challenge, and no other', async () => {
    const passport = await verifiedPassport(unit);
    const challenge = randomUUID();
    const presentation = await alice.proveOwnership(unit, challenge, 'buyer.example');
    const good = await roleView('buyer', passport, { presentation, challenge, domain: 'buyer.example' });
    expect(only(good, 'seller')).toMatchObject([{ status: 'pass', credential: passport.state.ownership!.credential }]);
    expect(good.summary.seller).toMatchObject({ proven: true, holder: alice.actor.did });
    // Over another challenge: not this buyer's.
    expect(only(await roleView('buyer', passport, { presentation, challenge: 'another', domain: 'buyer.example' }), 'seller')).toMatchObject([{ status: 'fail', code: 'CHALLENGE_MISMATCH' }]);
    // Bob presents alice's ownership credential, signed by himself: he is not the owner.
    const ownership = (await alice.ownership(unit))!;
    const stolen = await signPresentationDataIntegrity(
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: bob.actor.did, verifiableCredential: [ownership] },
      { signer: await bob.actor.signer(), documentLoader: createDocumentLoader({ contexts: loadBundledContexts() }), created: new Date(), challenge, domain: 'buyer.example' },
    );
    const [notOwner] = only(await roleView('buyer', passport, { presentation: stolen, challenge, domain: 'buyer.example' }), 'seller');
    expect(notOwner).toMatchObject({ status: 'fail', code: 'NOT_OWNER', evidence: { holder: bob.actor.did, owner: alice.actor.did } });
  });

  it('labels authorised and independent repairs, and fails a repair claiming an accreditation it lacks', async () => {
    const passport = await verifiedPassport(unit);
    const report = await verifier.verifyCredential(rogueRepair);
    expect(report.verified).toBe(true);
    passport.credentials.push({ credential: rogueRepair, chain: passport.unit, level: 'item', report, status: { revoked: false, suspended: false }, verified: true });
    passport.state.repairs.push(rogueRepair);
    const view = await roleView('buyer', passport, {});
    const repairs = only(view, 'repair');
    expect(repairs.map((c) => [c.status, c.code])).toEqual([
      ['pass', undefined],
      ['fail', 'REPAIRER_NOT_ACCREDITED'],
    ]);
    expect(repairs[1]!.message).toContain('the accreditation is of');
    expect(view.summary.partsReplaced).toMatchObject([{ gtin: '09506000134369', itemNumber: 'CMP-1' }]);
    // No recall covers this unit, and its warranty runs two years from alice's registration.
    expect(only(view, 'recall')).toEqual([]);
    expect((view.summary.warranty as { daysLeft: number }).daysLeft).toBeGreaterThanOrEqual(729);
  });

  it('fails UNIT_REPORTED_STOLEN while the owner reports it stolen; the seller\'s proof still says who holds it', async () => {
    const challenge = randomUUID();
    const presentation = await alice.proveOwnership(unit, challenge, 'buyer.example');
    await alice.report(unit, 'stolen');
    try {
      const view = await roleView('buyer', await verifiedPassport(unit), { presentation, challenge, domain: 'buyer.example' });
      expect(only(view, 'stolen')).toMatchObject([{ status: 'fail', code: 'UNIT_REPORTED_STOLEN' }]);
      expect(only(view, 'seller')).toMatchObject([{ status: 'pass' }]);
      expect(view.summary.reportedStolen).toBe(true);
    } finally {
      await alice.report(unit, 'found');
    }
    expect(only(await roleView('buyer', await verifiedPassport(unit), {}), 'stolen')).toMatchObject([{ status: 'pass' }]);
  });

  it('after a sale, the previous owner\'s proof fails NOT_OWNER and history shows both owners', async () => {
    const challenge = randomUUID();
    const old = await alice.proveOwnership(unit, challenge, 'buyer.example');
    await alice.transfer(unit, bob.actor.did);
    const passport = await verifiedPassport(unit);
    const view = await roleView('buyer', passport, { presentation: old, challenge, domain: 'buyer.example' });
    expect(only(view, 'seller')).toMatchObject([{ status: 'fail', code: 'NOT_OWNER' }]);
    expect((view.summary.owners as { owner: string }[]).map((o) => o.owner)).toEqual([alice.actor.did, bob.actor.did]);
    const fresh = await bob.proveOwnership(unit, challenge, 'buyer.example');
    expect(only(await roleView('buyer', passport, { presentation: fresh, challenge, domain: 'buyer.example' }), 'seller')).toMatchObject([{ status: 'pass' }]);
  });
});

describe('the recycler', { timeout: 60_000 }, () => {
  it('reads the demo unit\'s signed composition, its hazardous and critical materials, and who signed them', async () => {
    const view = await roleView('recycler', demo, {});
    const composition = view.summary.composition as { issuer: string; credential: string; materials: { name: string }[] };
    expect(composition.issuer).toBe(demo.state.manufacturer);
    expect(composition.materials).toHaveLength(4);
    expect(only(view, 'composition')).toMatchObject([{ status: 'pass', credential: composition.credential }]);
    expect(view.summary.hazardous).toMatchObject([{ name: 'Propane, refrigerant R290', component: { name: 'Sealed refrigerant circuit' }, issuer: demo.state.manufacturer }]);
    // The demo gives the refrigerant's safety data sheet, and the steps that reach its circuit.
    expect(only(view, 'hazardous')).toMatchObject([{ status: 'pass' }]);
    expect(only(view, 'disassembly')).toMatchObject([{ status: 'pass', message: expect.stringContaining('3 steps') }]);
    const withoutSteps = withComposition(demo, (c) => {
      delete c.disassemblyInstructions;
      for (const m of c.materialProvenance as JsonObject[]) delete m.materialSafetyInformation;
    });
    const warned = await roleView('recycler', withoutSteps, {});
    expect(codes(only(warned, 'hazardous'))).toEqual(['PASSPORT_INCOMPLETE']);
    expect(codes(only(warned, 'disassembly'))).toEqual(['PASSPORT_INCOMPLETE']);
    expect((view.summary.criticalRawMaterials as { casNumber: string }[]).map((m) => m.casNumber)).toEqual(['7440-50-8', '7429-90-5']);
    expect(only(view, 'end-of-life')).toMatchObject([{ status: 'pass' }]);
    expect(failed(view)).toEqual([]);
  });

  it('fails PASSPORT_INCOMPLETE without a composition, or with one that did not verify', async () => {
    const none = await roleView('recycler', await verifiedPassport(bare), {});
    expect(only(none, 'composition')).toMatchObject([{ status: 'fail', code: 'PASSPORT_INCOMPLETE', message: expect.stringContaining('no material composition') }]);
    const bad = await roleView('recycler', unverified(demo, 'MaterialCompositionCredential'), {});
    expect(only(bad, 'composition')).toMatchObject([{ status: 'fail', code: 'PASSPORT_INCOMPLETE', message: expect.stringContaining('did not verify') }]);
    expect(bad.summary.notCounted).toMatchObject([{ type: 'MaterialCompositionCredential' }]);
  });

  it('locates each hazardous substance and the disassembly steps that reach it, and reads the end of life', async () => {
    const recycler = createRecycler(await world.party('recycler-roles'));
    await bob.transfer(unit, recycler.actor.did);
    await recycler.endOfLife(unit, 'recycled', { recoveredMaterial: [{ name: 'Copper', casNumber: '7440-50-8', mass: { value: 9, unit: 'KGM' } }] });
    const passport = await verifiedPassport(unit);
    const view = await roleView('recycler', passport, {});
    expect(failed(view)).toEqual([]);
    // The fixture gives safety data sheets for some hazardous substances only.
    expect(codes(view.checks)).toEqual(['PASSPORT_INCOMPLETE']);
    expect(only(view, 'hazardous')[0]!.evidence).toEqual({ unlocated: [], withoutSafetyInformation: ['Nickel (NMC cathode)', 'Lithium hexafluorophosphate (electrolyte salt)'] });
    const hazardous = view.summary.hazardous as { name: string; component: { name: string }; disassemblyStep: number[] }[];
    expect(hazardous.find((h) => h.name.startsWith('Propane'))).toMatchObject({ component: { name: 'Sealed refrigerant circuit' }, disassemblyStep: [2] });
    expect(hazardous.find((h) => h.name.startsWith('Cobalt'))).toMatchObject({ disassemblyStep: [4], materialSafetyInformation: { linkType: 'https://gs1.org/voc/safetyInfo' } });
    expect((view.summary.disassembly as { steps: { position: number }[] }).steps.map((s) => s.position)).toEqual([1, 2, 3, 4, 5]);
    expect(view.summary.endOfLife).toMatchObject({ state: 'recycled', issuer: recycler.actor.did, recoveredMaterial: [{ name: 'Copper' }] });
    expect(only(view, 'end-of-life')[0]!.message).toContain('recycled');
    // The buyer is told too, and the regulator still finds the passport complete and a UNTP passport.
    expect(codes(only(await roleView('buyer', passport, {}), 'end-of-life'))).toEqual(['UNIT_ENDED']);
    const regulator = await roleView('regulator', passport, { untpDir: HAVE_UNTP ? UNTP_DIR : undefined });
    expect(failed(regulator).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
  });
});

describe('roleView', () => {
  it('refuses a role it does not know', () => {
    expect(() => roleView('inspector' as never, demo, {})).toThrow(TypeError);
  });
});
