// The lifecycle credential types: their JSON Schemas, their terms in the vocabulary, the claims only code
// can check (src/vc/subject-checks.ts), and one valid example of each (test/fixtures/lifecycle/) that
// issues and verifies in both proof formats.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import jsonld from 'jsonld';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createWorld, didKeyIssuer, fixture, NOW, ORG_DID, type TestWorld } from '../helpers.js';
import { veramoSigner } from '../../src/vc/veramo-plugin.js';
import { createDocumentLoader } from '../../src/vc/document-loader.js';
import { signDataIntegrity } from '../../src/vc/data-integrity.js';
import { createDidResolver } from '../../src/did/resolver.js';
import { createBitstring, statusEntry, statusListCredential, type StatusPurpose } from '../../src/vc/status-list.js';
import { RECALL_STATUS_MESSAGES } from '../../src/ledger/status-lists.js';
import { checkProductSubject, isGs1CompanyPrefix } from '../../src/vc/subject-checks.js';
import { PROOF_FORMATS } from '../../src/vc/issue.js';
import { isDppError } from '../../src/errors.js';
import type { Signer } from '../../src/vc/signer.js';

type Json = Record<string, unknown>;

const TYPES = [
  'GS1CompanyPrefixLicenseCredential',
  'KeyCredential',
  'WarrantyCredential',
  'RepairerAccreditationCredential',
  'RepairRecordCredential',
  'OwnershipCredential',
  'OwnershipTransferAuthorization',
  'OwnershipTransferCredential',
  'RecallNoticeCredential',
  'EndOfLifeCredential',
] as const;
type LifecycleType = (typeof TYPES)[number];

const VOCAB = 'https://dppledger.org/vocab#';
const UNIT = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123';
const GTIN_LINK = 'https://id.gs1.org/01/09506000134352';
/** The seller of the ownership fixtures: their did:key signed the authorisation. */
const SELLER = didKeyIssuer(0x21);

const example = (type: LifecycleType): Json => fixture(`lifecycle/${type}.json`);
const subjectOf = (credential: Json) => credential.credentialSubject as Json;
/** A fixture with its subject changed by `change` (a fresh copy each time). */
const withSubject = (type: LifecycleType, change: (subject: Json) => void): Json => {
  const doc = example(type);
  change(subjectOf(doc));
  return doc;
};

const schemaDir = fileURLToPath(new URL('../../schemas/', import.meta.url));
const schemaFiles = readdirSync(schemaDir).filter((f) => f.endsWith('.json'));
const readSchema = (file: string): Json => JSON.parse(readFileSync(schemaDir + file, 'utf8')) as Json;


let world: TestWorld;
let signer: Signer;

/** The fixture as `signer`'s issuer would sign it: our test organisation, or the seller for an authorisation. */
function asIssued(type: LifecycleType, doc: Json = example(type)): { credential: Json; signer: Signer } {
  if (type === 'OwnershipTransferAuthorization') return { credential: { ...doc, issuer: SELLER.did }, signer: SELLER.signer };
  return { credential: { ...doc, issuer: ORG_DID }, signer };
}

async function issueError(type: LifecycleType, doc: Json): Promise<string> {
  const { credential, signer: by } = asIssued(type, doc);
  try {
    await world.issuer.issue(credential, { signer: by });
  } catch (err) {
    if (isDppError(err)) return err.code;
    throw err;
  }
  throw new Error('issued');
}

/** Publishes an all-clear status list of ORG_DID at every list a credential names. */
async function publishListsOf(credential: Json): Promise<void> {
  for (const entry of [credential.credentialStatus ?? []].flat() as Json[]) {
    const url = String(entry.statusListCredential);
    const size = Number(entry.statusSize ?? 1);
    const list = statusListCredential({ id: url, issuer: ORG_DID, purpose: entry.statusPurpose as StatusPurpose, bitstring: createBitstring(131_072 * size), validFrom: NOW.toISOString() });
    world.statusLists.set(url, await world.issuer.issue(list, { signer }));
  }
}

beforeAll(async () => {
  world = await createWorld();
  signer = await veramoSigner({ agent: world.agent } as never, ORG_DID);
});

describe('the lifecycle schemas', () => {
  const strictAjv = () => {
    const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false });
    addFormats.default(ajv);
    return ajv;
  };

  it('are one per credential type, registered by file name, with a stable $id', () => {
    for (const type of TYPES) expect(schemaFiles, type).toContain(`${type}.v1.json`);
    for (const file of schemaFiles) {
      const schema = readSchema(file);
      const type = file.replace(/\.v1\.json$/, '');
      expect(schema.$id).toBe(`https://dppledger.org/schemas/${type}/v1`);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(world.schemas.requiredByType.get(type), type).toBe(schema.$id);
      expect(schema.required).toEqual(expect.arrayContaining(['@context', 'id', 'type', 'issuer', 'validFrom', 'credentialSchema', 'credentialSubject']));
    }
  });

  it('are valid draft 2020-12 schemas that compile in strict mode', () => {
    const ajv = strictAjv();
    for (const file of schemaFiles) {
      const schema = readSchema(file);
      expect(ajv.validateSchema(schema), `${file}: ${JSON.stringify(ajv.errors)}`).toBe(true);
      expect(() => strictAjv().compile(schema), file).not.toThrow();
    }
  });

  it.each(TYPES)('%s: the example matches its schema and no other', (type) => {
    const ajv = strictAjv();
    const own = ajv.compile(readSchema(`${type}.v1.json`));
    expect(own(example(type)), JSON.stringify(own.errors)).toBe(true);
    for (const other of schemaFiles.filter((f) => f !== `${type}.v1.json`)) {
      expect(strictAjv().compile(readSchema(other))(example(type)), `${type} against ${other}`).toBe(false);
    }
  });

  it('an authorisation needs its validUntil; the other types may carry one', () => {
    expect(readSchema('OwnershipTransferAuthorization.v1.json').required).toContain('validUntil');
    for (const type of TYPES.filter((t) => t !== 'OwnershipTransferAuthorization')) {
      expect(readSchema(`${type}.v1.json`).required, type).not.toContain('validUntil');
    }
  });

  it('every schema takes credentialStatus as one BitstringStatusListEntry or several, with statusSize and statusMessage', () => {
    const message = statusEntry('https://manufacturer.example/status/message-1', 'message', 77, { size: 2, messages: RECALL_STATUS_MESSAGES });
    const revocation = statusEntry('https://manufacturer.example/status/revocation-1', 'revocation', 12);
    const docs: [string, Json][] = [
      ['DigitalProductPassport.v1.json', fixture('passport.json')],
      ['MaterialCompositionCredential.v1.json', fixture('material-composition.json')],
      ...TYPES.map((t): [string, Json] => [`${t}.v1.json`, example(t)]),
    ];
    for (const [file, doc] of docs) {
      const validate = strictAjv().compile(readSchema(file));
      for (const credentialStatus of [revocation, [revocation, message], [message]]) {
        expect(validate({ ...doc, credentialStatus }), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
      for (const credentialStatus of [
        [],
        { ...revocation, statusListIndex: 12 },
        { ...revocation, statusPurpose: 'revoked' },
        { ...revocation, type: 'StatusList2021Entry' },
        { ...message, statusMessage: undefined },
        { ...message, statusMessage: [{ status: '1', message: 'x' }, { status: '0x2', message: 'y' }] },
        { ...revocation, statusListCredential: undefined },
        { ...revocation, statusSize: 0 },
        { ...revocation, extra: true },
        'https://manufacturer.example/status/revocation-1#12',
      ]) {
        expect(validate({ ...doc, credentialStatus: JSON.parse(JSON.stringify(credentialStatus)) }), `${file}: ${JSON.stringify(credentialStatus)}`).toBe(false);
      }
    }
  });
});

describe('the lifecycle terms of the vocabulary', () => {
  const loader = () => createDocumentLoader({ contexts: world.contexts });
  /** As test/vc/vocabulary.test.ts: one statement per literal, type or link, plus the nested node's; JSON literals count once. */
  const JSON_LITERALS = new Set(['characteristics', 'authorization']);
  function expectedStatements(node: Json): number {
    let count = 0;
    for (const [key, value] of Object.entries(node)) {
      if (key === '@context' || key === 'id') continue;
      for (const item of [value].flat()) {
        if (JSON_LITERALS.has(key) || item === null || typeof item !== 'object') count += 1;
        else count += 1 + expectedStatements(item as Json);
      }
    }
    return count;
  }

  it.each(TYPES)('%s canonizes in safe mode without dropping a statement', async (type) => {
    const doc = example(type);
    const nquads = (await jsonld.canonize(doc, { algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, documentLoader: loader() })) as string;
    const lines = nquads.split('\n').filter(Boolean);
    expect(lines).toHaveLength(expectedStatements(doc));
    expect(nquads).toContain(`<${VOCAB}${type}>`);
  });

  it('types dates, times, booleans and durations, and links credentials, DIDs and units as IRIs', async () => {
    const nquads = async (doc: Json) => (await jsonld.canonize(doc, { algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, documentLoader: loader() })) as string;
    const xsd = 'http://www.w3.org/2001/XMLSchema#';
    const repair = await nquads(example('RepairRecordCredential'));
    expect(repair).toContain(`<${VOCAB}serviceDate> "2026-05-20"^^<${xsd}date>`);
    expect(repair).toContain(`<${VOCAB}firmwareUpdated> "true"^^<${xsd}boolean>`);
    expect(repair).toContain(`<${VOCAB}accreditation> <urn:uuid:fb5a1b6c-23c0-4399-ae09-0f2856d74be2>`);
    const warranty = await nquads(example('WarrantyCredential'));
    expect(warranty).toContain(`<${VOCAB}warrantyPeriod> "P2Y"^^<${xsd}duration>`);
    const ownership = await nquads(example('OwnershipCredential'));
    expect(ownership).toContain(`<${VOCAB}ownedSince> "2026-03-02T10:15:00Z"^^<${xsd}dateTime>`);
    expect(ownership).toMatch(new RegExp(`<${VOCAB}owner> <did:key:z6Mk[^>]+>`));
    const endOfLife = await nquads(example('EndOfLifeCredential'));
    expect(endOfLife).toContain(`<${VOCAB}successor> <https://id.gs1.org/01/09506000134383/21/RM-000007>`);
    const transfer = await nquads(example('OwnershipTransferCredential'));
    expect(transfer).toMatch(new RegExp(`<${VOCAB}authorization> "\\{.*OwnershipTransferAuthorization.*\\}"\\^\\^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>`));
  });

  it('safe mode refuses a misspelt lifecycle term', async () => {
    const doc = withSubject('RecallNoticeCredential', (s) => void (s.affect = s.affects));
    await expect(jsonld.expand(doc, { safe: true, documentLoader: loader() })).rejects.toMatchObject({ name: 'jsonld.ValidationError' });
  });
});

describe('every lifecycle credential issues and verifies', () => {
  for (const type of TYPES) {
    for (const format of PROOF_FORMATS) {
      it(`${type} as ${format}`, async () => {
        const { credential, signer: by } = asIssued(type);
        await publishListsOf(credential);
        const issued = await world.issuer.issue(credential, { signer: by, format });
        if (format === 'data-integrity') expect((issued as Json).proof).toMatchObject({ cryptosuite: 'eddsa-rdfc-2022' });
        else expect(issued).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        const report = await world.verifier.verifyCredential(issued);
        expect(report.checks.filter((c) => c.status !== 'pass'), type).toEqual([]);
        expect(report.verified).toBe(true);
      });
    }
  }

  it.each<[string, LifecycleType, (s: Json) => void]>([
    ['a KeyCredential for a GTIN, extending the licence', 'KeyCredential', (s) => Object.assign(s, { id: GTIN_LINK, extendsCredential: 'urn:uuid:2bd3712d-c34b-4e47-996d-84169c1031dd' })],
    ['a warranty on every unit of a GTIN, of 18 months from production', 'WarrantyCredential', (s) => Object.assign(s, { id: GTIN_LINK, warrantyPeriod: 'P1Y6M', warrantyStart: 'production', transferable: false })],
    ['a warranty of 90 days', 'WarrantyCredential', (s) => void (s.warrantyPeriod = 'P90D')],
    ['an independent repair without parts or firmware', 'RepairRecordCredential', (s) => {
      for (const k of ['partReplaced', 'firmwareVersion', 'accreditation', 'remediesRecall']) delete s[k];
      s.firmwareUpdated = false;
    }],
    ['a first ownership, without warranty or predecessor', 'OwnershipCredential', (s) => void delete s.warrantyUntil],
    ['a later ownership naming the previous one', 'OwnershipCredential', (s) => void (s.previousOwnership = 'urn:uuid:8014cd00-4af1-4752-9c68-ae4af907de24')],
    ['a recall of a serial range on the GTIN', 'RecallNoticeCredential', (s) => Object.assign(s, { id: GTIN_LINK, affects: { firstItemNumber: 'HP-000100', lastItemNumber: 'HP-000180' } })],
    ['a recall of listed serials on the GTIN', 'RecallNoticeCredential', (s) => Object.assign(s, { id: GTIN_LINK, affects: { itemNumber: ['HP-000123', 'HP-000131'] } })],
    ['a recall without number or hazard', 'RecallNoticeCredential', (s) => void (delete s.recallNumber, delete s.hazard)],
    ['a recycled unit, without successor', 'EndOfLifeCredential', (s) => void (s.endOfLifeState = 'recycled', delete s.successor)],
    ['a dismantled unit, with nothing else', 'EndOfLifeCredential', (s) => void (s.endOfLifeState = 'dismantled', delete s.successor, delete s.recoveredMaterial, delete s.facility)],
  ])('and so does %s', async (_what, type, change) => {
    const { credential, signer: by } = asIssued(type, withSubject(type, change));
    const issued = await world.issuer.issue(credential, { signer: by });
    expect((await world.verifier.verifyCredential(issued)).verified).toBe(true);
  });

  it('a repurposed unit\'s passport names its predecessor', async () => {
    const passport = fixture('passport.json');
    Object.assign(subjectOf(passport), { predecessor: 'https://id.gs1.org/01/09506000134352/10/B2025-02/21/HP-000017' });
    const issued = await world.issuer.issue(passport, { signer });
    expect((await world.verifier.verifyCredential(issued)).verified).toBe(true);
  });
});

describe('invalid lifecycle credentials are refused', () => {
  it.each<[LifecycleType, string, (s: Json) => void, 'SCHEMA_INVALID' | 'CLAIMS_INCONSISTENT']>([
    ['GS1CompanyPrefixLicenseCredential', 'no organization', (s) => void delete s.organization, 'SCHEMA_INVALID'],
    ['GS1CompanyPrefixLicenseCredential', 'an organization without a name', (s) => void delete (s.organization as Json).name, 'SCHEMA_INVALID'],
    ['GS1CompanyPrefixLicenseCredential', 'a prefix of 3 digits', (s) => void (s.licenseValue = '950'), 'SCHEMA_INVALID'],
    ['GS1CompanyPrefixLicenseCredential', 'a prefix with letters', (s) => void (s.licenseValue = '95O6000'), 'SCHEMA_INVALID'],
    ['GS1CompanyPrefixLicenseCredential', 'a licensee that is not a DID', (s) => void (s.id = 'https://manufacturer.example/'), 'SCHEMA_INVALID'],
    ['KeyCredential', 'no extendsCredential', (s) => void delete s.extendsCredential, 'SCHEMA_INVALID'],
    ['KeyCredential', 'a batch as subject', (s) => void (s.id = 'https://id.gs1.org/01/09506000134352/10/B2026-11'), 'SCHEMA_INVALID'],
    ['KeyCredential', 'a GTIN with a wrong check digit', (s) => void (s.id = 'https://id.gs1.org/01/09506000134353'), 'CLAIMS_INCONSISTENT'],
    ['KeyCredential', 'a unit of a GTIN with a wrong check digit', (s) => void (s.id = 'https://id.gs1.org/01/09506000134353/21/HP-1'), 'CLAIMS_INCONSISTENT'],
    ['WarrantyCredential', 'an empty period', (s) => void (s.warrantyPeriod = 'P'), 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'a period in hours', (s) => void (s.warrantyPeriod = 'PT48H'), 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'a period in words', (s) => void (s.warrantyPeriod = '2 years'), 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'a start that is neither registration nor production', (s) => void (s.warrantyStart = 'purchase'), 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'transferable as a string', (s) => void (s.transferable = 'yes'), 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'no terms', (s) => void delete s.warrantyTerms, 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'a batch as subject', (s) => void (s.id = 'https://id.gs1.org/01/09506000134352/10/B2026-11'), 'SCHEMA_INVALID'],
    ['WarrantyCredential', 'a GTIN with a wrong check digit', (s) => void (s.id = 'https://id.gs1.org/01/09506000134354'), 'CLAIMS_INCONSISTENT'],
    ['RepairerAccreditationCredential', 'no GTIN', (s) => void (s.accreditedFor = []), 'SCHEMA_INVALID'],
    ['RepairerAccreditationCredential', 'a 13-digit GTIN', (s) => void (s.accreditedFor = ['9506000134352']), 'SCHEMA_INVALID'],
    ['RepairerAccreditationCredential', 'a GTIN with a wrong check digit', (s) => void (s.accreditedFor = ['09506000134352', '09506000134360']), 'CLAIMS_INCONSISTENT'],
    ['RepairerAccreditationCredential', 'no name', (s) => void delete s.name, 'SCHEMA_INVALID'],
    ['RepairerAccreditationCredential', 'a repairer that is not a DID', (s) => void (s.id = UNIT), 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'an updated firmware without its version', (s) => void delete s.firmwareVersion, 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'a part with a wrong GTIN check digit', (s) => void ((s.partReplaced as Json[])[0]!.gtin = '09506000134368'), 'CLAIMS_INCONSISTENT'],
    ['RepairRecordCredential', 'a part without a GTIN', (s) => void delete (s.partReplaced as Json[])[0]!.gtin, 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'a service date that is not a date', (s) => void (s.serviceDate = '20.05.2026'), 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'no work done', (s) => void delete s.workDone, 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'a GTIN as subject', (s) => void (s.id = GTIN_LINK), 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'an accreditation that is not a URI', (s) => void (s.accreditation = 'FixIt'), 'SCHEMA_INVALID'],
    ['RepairRecordCredential', 'a unit of a GTIN with a wrong check digit', (s) => void (s.id = 'https://id.gs1.org/01/09506000134353/21/HP-1'), 'CLAIMS_INCONSISTENT'],
    ['OwnershipCredential', 'an owner that is not a DID', (s) => void (s.owner = 'Jane Doe'), 'SCHEMA_INVALID'],
    ['OwnershipCredential', 'ownedSince without a time', (s) => void (s.ownedSince = '2026-03-02'), 'SCHEMA_INVALID'],
    ['OwnershipCredential', 'warrantyUntil with a time', (s) => void (s.warrantyUntil = '2028-03-02T00:00:00Z'), 'SCHEMA_INVALID'],
    ['OwnershipCredential', 'no owner', (s) => void delete s.owner, 'SCHEMA_INVALID'],
    ['OwnershipCredential', 'a batch as subject', (s) => void (s.id = 'https://id.gs1.org/01/09506000134352/10/B2026-11'), 'SCHEMA_INVALID'],
    ['OwnershipTransferAuthorization', 'no challenge', (s) => void delete s.transferChallenge, 'SCHEMA_INVALID'],
    ['OwnershipTransferAuthorization', 'no ownership', (s) => void delete s.ownership, 'SCHEMA_INVALID'],
    ['OwnershipTransferAuthorization', 'the seller as buyer', (s) => void (s.transferredTo = SELLER.did), 'CLAIMS_INCONSISTENT'],
    ['OwnershipTransferCredential', 'an authorisation without its proof', (s) => void delete (s.authorization as Json).proof, 'SCHEMA_INVALID'],
    ['OwnershipTransferCredential', 'an authorisation that is not one', (s) => void ((s.authorization as Json).type = ['VerifiableCredential', 'OwnershipCredential']), 'SCHEMA_INVALID'],
    ['OwnershipTransferCredential', 'an authorisation as a string', (s) => void (s.authorization = 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'), 'SCHEMA_INVALID'],
    ['OwnershipTransferCredential', 'no warrantyTransferred', (s) => void delete s.warrantyTransferred, 'SCHEMA_INVALID'],
    ['OwnershipTransferCredential', 'a transfer date without a time', (s) => void (s.transferDate = '2026-06-01'), 'SCHEMA_INVALID'],
    ['OwnershipTransferCredential', 'a seller other than the one who signed', (s) => void (s.transferredFrom = 'did:web:someone.example'), 'CLAIMS_INCONSISTENT'],
    ['OwnershipTransferCredential', 'a buyer other than the one authorised', (s) => void (s.transferredTo = 'did:web:someone.example'), 'CLAIMS_INCONSISTENT'],
    ['OwnershipTransferCredential', 'a previous ownership other than the one authorised', (s) => void (s.previousOwnership = 'urn:uuid:8014cd00-4af1-4752-9c68-ae4af907de24'), 'CLAIMS_INCONSISTENT'],
    ['OwnershipTransferCredential', 'another unit than the one authorised', (s) => void (s.id = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000124'), 'CLAIMS_INCONSISTENT'],
    ['RecallNoticeCredential', 'two affects forms at once', (s) => void ((s.affects as Json).itemNumber = ['HP-000123']), 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'a range without its end', (s) => void (s.affects = { firstItemNumber: 'HP-000100' }), 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'an empty list of serials', (s) => void (s.affects = { itemNumber: [] }), 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'nothing affected', (s) => void (s.affects = {}), 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'no remedy', (s) => void delete s.remedy, 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'a recall date that is a time', (s) => void (s.recallDate = '2026-04-15T06:00:00Z'), 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'a unit as subject', (s) => void (s.id = UNIT), 'SCHEMA_INVALID'],
    ['RecallNoticeCredential', 'a batch recall on the GTIN', (s) => void (s.id = GTIN_LINK), 'CLAIMS_INCONSISTENT'],
    ['RecallNoticeCredential', 'a batch recall naming another batch', (s) => void ((s.affects as Json).batchNumber = 'B2026-12'), 'CLAIMS_INCONSISTENT'],
    ['RecallNoticeCredential', 'a serial list on a batch', (s) => void (s.affects = { itemNumber: ['HP-000123'] }), 'CLAIMS_INCONSISTENT'],
    ['RecallNoticeCredential', 'a serial range on a batch', (s) => void (s.affects = { firstItemNumber: 'HP-000100', lastItemNumber: 'HP-000180' }), 'CLAIMS_INCONSISTENT'],
    ['RecallNoticeCredential', 'a batch of a GTIN with a wrong check digit', (s) => void (s.id = 'https://id.gs1.org/01/09506000134351/10/B2026-11'), 'CLAIMS_INCONSISTENT'],
    ['EndOfLifeCredential', 'a repurposed unit without successor', (s) => void delete s.successor, 'SCHEMA_INVALID'],
    ['EndOfLifeCredential', 'a recycled unit with a successor', (s) => void (s.endOfLifeState = 'recycled'), 'SCHEMA_INVALID'],
    ['EndOfLifeCredential', 'a state that is not one of ours', (s) => void (s.endOfLifeState = 'scrapped'), 'SCHEMA_INVALID'],
    ['EndOfLifeCredential', 'no date', (s) => void delete s.endOfLifeDate, 'SCHEMA_INVALID'],
    ['EndOfLifeCredential', 'a recovered mass that is not a mass', (s) => void ((s.recoveredMaterial as Json[])[0]!.mass = { value: 900, unit: 'MMT' }), 'SCHEMA_INVALID'],
    ['EndOfLifeCredential', 'a facility without its country', (s) => void delete (s.facility as Json).countryOfOperation, 'SCHEMA_INVALID'],
    ['EndOfLifeCredential', 'the unit as its own successor', (s) => void (s.successor = s.id), 'CLAIMS_INCONSISTENT'],
    ['EndOfLifeCredential', 'the unit as its own successor, under another resolver', (s) => void (s.successor = 'https://resolver.manufacturer.example/01/09506000134352/10/B2026-11/21/HP-000123'), 'CLAIMS_INCONSISTENT'],
    ['EndOfLifeCredential', 'a successor of a GTIN with a wrong check digit', (s) => void (s.successor = 'https://id.gs1.org/01/09506000134384/21/RM-000007'), 'CLAIMS_INCONSISTENT'],
    ['EndOfLifeCredential', 'a recovered material with a wrong CAS check digit', (s) => void ((s.recoveredMaterial as Json[])[0]!.casNumber = '74-98-7'), 'CLAIMS_INCONSISTENT'],
  ])('%s with %s: %s', async (type, _what, change, code) => {
    expect(await issueError(type, withSubject(type, change))).toBe(code);
  });

  it.each(TYPES)('%s without credentialSchema, with an unknown property or with a wrong type', async (type) => {
    const { credentialSchema: _schema, ...noSchema } = example(type);
    expect(await issueError(type, noSchema)).toBe('SCHEMA_INVALID');
    expect(await issueError(type, withSubject(type, (s) => void (s.note = 'x')))).toBe('SCHEMA_INVALID');
    expect(await issueError(type, { ...example(type), credentialSchema: { id: 'https://dppledger.org/schemas/DigitalProductPassport/v1', type: 'JsonSchema' } })).toBe('SCHEMA_INVALID');
  });

  it('an authorisation without validUntil', async () => {
    const { validUntil: _until, ...doc } = example('OwnershipTransferAuthorization');
    expect(await issueError('OwnershipTransferAuthorization', doc)).toBe('SCHEMA_INVALID');
  });

  it('a passport naming itself as predecessor, or a predecessor with a wrong check digit', async () => {
    const passport = fixture('passport.json');
    const subject = subjectOf(passport);
    for (const predecessor of [subject.id, 'https://id.gs1.org/01/09506000134353/21/HP-000017']) {
      await expect(world.issuer.issue({ ...passport, credentialSubject: { ...subject, predecessor } }, { signer })).rejects.toMatchObject({ code: 'CLAIMS_INCONSISTENT' });
    }
  });

  it('signed anyway (outside our issuer), the verifier fails the claims', async () => {
    const documentLoader = createDocumentLoader({ contexts: world.contexts, dereferenceDid: (u) => createDidResolver().dereference(u) });
    const cases: [LifecycleType, Json][] = [
      ['RecallNoticeCredential', withSubject('RecallNoticeCredential', (s) => void (s.id = GTIN_LINK))],
      ['EndOfLifeCredential', withSubject('EndOfLifeCredential', (s) => void (s.successor = s.id))],
      ['RepairerAccreditationCredential', withSubject('RepairerAccreditationCredential', (s) => void (s.accreditedFor = ['09506000134360']))],
    ];
    for (const [type, doc] of cases) {
      const lying = await signDataIntegrity({ ...doc, issuer: ORG_DID }, { signer, documentLoader, created: NOW });
      const report = await world.verifier.verifyCredential(lying);
      expect(report.verified, type).toBe(false);
      expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.code), type).toEqual(['CLAIMS_INCONSISTENT']);
    }
  });
});

describe('checkProductSubject on the lifecycle types', () => {
  const problems = (credential: Json) => checkProductSubject(credential);

  it('finds nothing wrong with the examples', () => {
    for (const type of TYPES) expect(problems(example(type)), type).toEqual([]);
  });

  it('names the claim and the reason', () => {
    expect(problems(withSubject('RepairerAccreditationCredential', (s) => void (s.accreditedFor = ['09506000134352', '09506000134360'])))).toEqual([
      { path: 'credentialSubject.accreditedFor[1]', message: '09506000134360 has a wrong check digit' },
    ]);
    expect(problems(withSubject('RepairRecordCredential', (s) => void ((s.partReplaced as Json[])[0]!.gtin = '09506000134368')))).toEqual([
      { path: 'credentialSubject.partReplaced[0].gtin', message: '09506000134368 has a wrong check digit' },
    ]);
    expect(problems(withSubject('RecallNoticeCredential', (s) => void ((s.affects as Json).batchNumber = 'B2026-12')))).toEqual([
      { path: 'credentialSubject.affects.batchNumber', message: 'B2026-12 is not the (10) B2026-11 of the Digital Link' },
    ]);
    expect(problems(withSubject('EndOfLifeCredential', (s) => void (s.successor = s.id)))).toEqual([
      { path: 'credentialSubject.successor', message: `${UNIT} is the unit itself` },
    ]);
    const [keyProblem] = problems(withSubject('KeyCredential', (s) => void (s.id = 'https://id.gs1.org/01/09506000134353')));
    expect(keyProblem).toMatchObject({ path: 'credentialSubject.id', message: expect.stringMatching(/^not a valid Digital Link: .*check digit/) });
  });

  it('a KeyCredential is about a GTIN or a unit with primary key 01, nothing else', () => {
    for (const id of ['https://id.gs1.org/01/09506000134352/22/2A', 'https://id.gs1.org/01/09506000134352/10/B2026-11', 'https://id.gs1.org/414/9506000130002', 'did:web:manufacturer.example']) {
      expect(problems(withSubject('KeyCredential', (s) => void (s.id = id))), id).toEqual([expect.objectContaining({ path: 'credentialSubject.id' })]);
    }
    for (const id of [GTIN_LINK, UNIT, 'https://id.gs1.org/01/09506000134352/21/HP-000123']) {
      expect(problems(withSubject('KeyCredential', (s) => void (s.id = id))), id).toEqual([]);
    }
  });

  it('a licence value is a GS1 Company Prefix: 4 to 12 digits', () => {
    expect(['9506', '9506000', '950600013435'].every(isGs1CompanyPrefix)).toBe(true);
    expect(['950', '9506000134352', '95O6000', ''].some(isGs1CompanyPrefix)).toBe(false);
    expect(problems(withSubject('GS1CompanyPrefixLicenseCredential', (s) => void (s.licenseValue = '95-06000')))).toEqual([
      { path: 'credentialSubject.licenseValue', message: '95-06000 is not a GS1 Company Prefix (4 to 12 digits)' },
    ]);
  });

  it('a recall of serials is about its GTIN, a recall of a batch about that batch', () => {
    const onGtin = (affects: Json) => withSubject('RecallNoticeCredential', (s) => Object.assign(s, { id: GTIN_LINK, affects }));
    expect(problems(onGtin({ itemNumber: ['HP-1'] }))).toEqual([]);
    expect(problems(onGtin({ firstItemNumber: 'HP-1', lastItemNumber: 'HP-9' }))).toEqual([]);
    expect(problems(onGtin({ batchNumber: 'B2026-11' }))).toEqual([expect.objectContaining({ path: 'credentialSubject.id' })]);
    expect(problems(onGtin({ batchNumber: 'B2026-11', itemNumber: ['HP-1'] }))).toEqual([expect.objectContaining({ path: 'credentialSubject.affects' })]);
  });

  it('leaves other credential types to the product checks', () => {
    const other = { type: ['VerifiableCredential'], credentialSubject: { id: 'https://id.gs1.org/01/09506000134353', successor: 'x', accreditedFor: ['1'] } };
    expect(problems(other)).toEqual([]);
  });
});
