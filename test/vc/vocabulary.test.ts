// Keeps the dpp-ledger JSON-LD vocabulary, the credential JSON Schemas and the fixtures consistent with each other.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import jsonld from 'jsonld';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const V2 = 'https://www.w3.org/ns/credentials/v2';
const DPP_CONTEXT = 'https://dppledger.org/contexts/dpp/v1';
const VOCAB = 'https://dppledger.org/vocab#';
const DPP_SCHEMA_ID = 'https://dppledger.org/schemas/DigitalProductPassport/v1';
const MCC_SCHEMA_ID = 'https://dppledger.org/schemas/MaterialCompositionCredential/v1';

function readJson(relativePath: string): JsonObject {
  return JSON.parse(readFileSync(new URL(relativePath, import.meta.url), 'utf8')) as JsonObject;
}

const contexts = loadBundledContexts();
const documentLoader = createDocumentLoader({ contexts });
const dppContextFile = readJson('../../contexts/dpp-v1.jsonld');
const dppContext = dppContextFile['@context'] as JsonObject;
const passport = readJson('../fixtures/passport.json');
const materialComposition = readJson('../fixtures/material-composition.json');
const dppSchema = readJson('../../schemas/DigitalProductPassport.v1.json');
const mccSchema = readJson('../../schemas/MaterialCompositionCredential.v1.json');

const expand = (doc: unknown) => jsonld.expand(doc, { safe: true, documentLoader });
const canonize = (doc: unknown) =>
  jsonld.canonize(doc, { algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, documentLoader });

/** Deep copy that the test may mutate freely. */
const copy = <T>(value: T): T => structuredClone(value);
const subjectOf = (credential: JsonObject) => credential.credentialSubject as JsonObject;
const materialsOf = (credential: JsonObject) => subjectOf(credential).materialProvenance as JsonObject[];

/** Every key and `@container` value anywhere in a JSON document. */
function* keysAndContainers(value: Json): Generator<string> {
  if (Array.isArray(value)) {
    for (const item of value) yield* keysAndContainers(item);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      yield key;
      if (key === '@container') yield* [child].flat().map(String);
      yield* keysAndContainers(child);
    }
  }
}

/** Term names defined anywhere in a context document, including scoped contexts. */
function definedTerms(context: Json, into = new Set<string>()): Set<string> {
  if (!context || typeof context !== 'object' || Array.isArray(context)) return into;
  for (const [term, definition] of Object.entries(context)) {
    if (!term.startsWith('@')) into.add(term);
    if (definition && typeof definition === 'object' && !Array.isArray(definition) && '@context' in definition) {
      definedTerms(definition['@context'] ?? null, into);
    }
  }
  return into;
}

/**
 * The number of RDF statements a credential must produce when nothing is dropped: one per literal or
 * type, one per link to a nested node (ids name nodes and make no statement), and one for the
 * `characteristics` JSON literal. Fixtures avoid duplicate statements so the count is exact.
 */
function expectedStatements(node: JsonObject): number {
  let count = 0;
  for (const [key, value] of Object.entries(node)) {
    if (key === '@context' || key === 'id') continue;
    for (const item of [value].flat()) {
      if (key === 'characteristics' || item === null || typeof item !== 'object') count += 1;
      else count += 1 + expectedStatements(item as JsonObject);
    }
  }
  return count;
}

function createAjv() {
  // Strict mode turns sloppy schema keywords into errors (so the schemas also compile silently under
  // Ajv's defaults), except that `required` inside if/then and anyOf names properties declared beside it.
  const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false });
  addFormats.default(ajv);
  return ajv;
}

/** Every property name a schema declares, so the vocabulary can be checked to define it. */
function* schemaPropertyNames(schema: Json): Generator<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) yield* schemaPropertyNames(item);
  } else if (schema && typeof schema === 'object') {
    for (const [key, child] of Object.entries(schema)) {
      if (key === 'properties' && child && typeof child === 'object' && !Array.isArray(child)) yield* Object.keys(child);
      yield* schemaPropertyNames(child);
    }
  }
}

describe('dpp-ledger JSON-LD context', () => {
  it('is bundled under its URL', () => {
    expect(contexts.get(DPP_CONTEXT)).toEqual(dppContextFile);
  });

  it('protects its terms, never uses @vocab and never uses @list', () => {
    expect(dppContext['@protected']).toBe(true);
    const keys = [...keysAndContainers(dppContext)];
    expect(keys).not.toContain('@vocab');
    expect(keys).not.toContain('@list');
  });

  it('defines every term explicitly under the dpp-ledger vocabulary', () => {
    const check = (context: JsonObject) => {
      for (const [term, definition] of Object.entries(context)) {
        if (term.startsWith('@')) continue;
        expect(definition, term).toBeTypeOf('object');
        const { '@id': id, '@context': scoped } = definition as JsonObject;
        expect(id, term).toBe(VOCAB + term);
        if (scoped) {
          expect((scoped as JsonObject)['@protected'], `${term} scoped context`).toBe(true);
          check(scoped as JsonObject);
        }
      }
    };
    check(dppContext);
  });

  it('redefines no term of the W3C contexts we bundle (they are protected too)', () => {
    // Only top-level terms can clash; `evidence` (also a term of the v2 VerifiableCredential scope) is
    // ours only inside the property-scoped context of `performanceClaim`, which may override it.
    const ours = new Set(Object.keys(dppContext).filter((term) => !term.startsWith('@')));
    for (const url of [
      V2,
      'https://w3id.org/security/data-integrity/v2',
      'https://w3id.org/security/multikey/v1',
      'https://www.w3.org/ns/did/v1',
      'https://www.w3.org/ns/credentials/status/v1',
    ]) {
      const theirs = definedTerms((contexts.get(url) as JsonObject)['@context'] ?? null);
      expect([...ours].filter((term) => theirs.has(term)), url).toEqual([]);
    }
  });

  it('defines the credential types of DESIGN.md, and the GS1 VC data model\'s under their GS1 names (its context is not bundled)', () => {
    for (const type of [
      'DigitalProductPassport',
      'MaterialCompositionCredential',
      'RepairerAccreditationCredential',
      'RepairRecordCredential',
      'OwnershipCredential',
      'OwnershipTransferCredential',
      'WarrantyCredential',
      'RecallNoticeCredential',
      'EndOfLifeCredential',
      'KeyCredential',
      'GS1CompanyPrefixLicenseCredential',
      'OwnershipTransferAuthorization',
    ]) {
      expect(dppContext[type], type).toEqual({ '@id': VOCAB + type });
    }
  });

  it('defines every property the schemas allow, so a schema-valid credential is never dropped in safe mode', () => {
    const v2 = definedTerms((contexts.get(V2) as JsonObject)['@context'] ?? null);
    const ours = definedTerms(dppContext);
    const all = readdirSync(fileURLToPath(new URL('../../schemas/', import.meta.url))).map((f) => readJson(`../../schemas/${f}`));
    expect(all.length).toBeGreaterThan(10);
    for (const schema of all) {
      const undefinedNames = [...new Set(schemaPropertyNames(schema))].filter(
        (name) => name !== '@context' && !ours.has(name) && !v2.has(name),
      );
      expect(undefinedNames, String(schema.$id)).toEqual([]);
    }
  });
});

describe('fixtures as JSON-LD', () => {
  const fixtures: [string, JsonObject][] = [
    ['passport.json', passport],
    ['material-composition.json', materialComposition],
  ];

  it.each(fixtures)('%s expands in safe mode with our types', async (_name, doc) => {
    const expanded = (await expand(doc)) as JsonObject[];
    expect(expanded).toHaveLength(1);
    const subject = (expanded[0]!['https://www.w3.org/2018/credentials#credentialSubject'] as JsonObject[])[0]!;
    expect(subject['@type']).toEqual([`${VOCAB}Product`]);
  });

  it.each(fixtures)('%s canonizes with RDFC-1.0 without dropping a statement', async (_name, doc) => {
    const nquads = await canonize(doc);
    const lines = nquads.split('\n').filter(Boolean);
    expect(lines).toHaveLength(expectedStatements(doc));
    expect(lines.every((line) => !line.includes(' <@'))).toBe(true);
  });

  it('material composition names the passport as its previous event', async () => {
    const previous = materialComposition.previousEvent as JsonObject;
    expect(previous.id).toBe(passport.id);
    expect(previous.digestMultibase).toMatch(/^uEi[A-Za-z0-9_-]{44}$/);
    const nquads = await canonize(materialComposition);
    expect(nquads).toContain(`<${VOCAB}previousEvent> <${String(passport.id)}>`);
  });

  it('a passport using every optional term (claims with evidence, spare part ids, links with digests) also canonizes', async () => {
    const full = fullPassport();
    const nquads = await canonize(full);
    expect(nquads.split('\n').filter(Boolean)).toHaveLength(expectedStatements(full));
  });

  it.each([
    ['a typo in a subject property', (d: JsonObject) => void (subjectOf(d).hardwareRevison = 'C')],
    ['a typo in a nested property', (d: JsonObject) => void (materialsOf(d)[0]!.massFraktion = 0.5)],
    ['a typo in a type', (d: JsonObject) => void (subjectOf(d).type = ['Prodcut'])],
    ['a property unknown at credential level', (d: JsonObject) => void (d.previousEvnt = { id: 'urn:uuid:x' })],
  ])('safe mode rejects %s', async (_what, mutate) => {
    const doc = copy(materialComposition);
    mutate(doc);
    await expect(expand(doc)).rejects.toMatchObject({ name: 'jsonld.ValidationError' });
    await expect(canonize(doc)).rejects.toMatchObject({ name: 'jsonld.ValidationError' });
  });

  it('refuses to let a later context redefine a protected term', async () => {
    const doc = copy(passport);
    (doc['@context'] as Json[]).push({ gtin: 'https://example.com/not-a-gtin' });
    await expect(expand(doc)).rejects.toMatchObject({ details: { code: 'protected term redefinition' } });
  });
});

describe('credential JSON Schemas', () => {
  const ajv = createAjv();
  const validateDpp = ajv.compile(dppSchema);
  const validateMcc = ajv.compile(mccSchema);

  const errorsOf = (validate: typeof validateDpp, doc: unknown) => {
    expect(validate(doc)).toBe(false);
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
  };

  it('have the stable $ids that the fixtures point at', () => {
    expect(dppSchema.$id).toBe(DPP_SCHEMA_ID);
    expect(mccSchema.$id).toBe(MCC_SCHEMA_ID);
    expect(dppSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(mccSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((passport.credentialSchema as JsonObject).id).toBe(DPP_SCHEMA_ID);
    expect((materialComposition.credentialSchema as JsonObject).id).toBe(MCC_SCHEMA_ID);
  });

  it('accept the fixtures', () => {
    expect(validateDpp(passport), JSON.stringify(validateDpp.errors)).toBe(true);
    expect(validateMcc(materialComposition), JSON.stringify(validateMcc.errors)).toBe(true);
    expect(validateDpp(fullPassport()), JSON.stringify(validateDpp.errors)).toBe(true);
  });

  it('do not accept one credential type for the other', () => {
    expect(errorsOf(validateDpp, materialComposition)).toContain('/type contains');
    expect(errorsOf(validateMcc, passport)).toContain('/type contains');
  });

  it.each<[string, (d: JsonObject) => void, string]>([
    ['a 13-digit GTIN', (d) => void (subjectOf(d).gtin = '9506000134352'), '/credentialSubject/gtin pattern'],
    ['a GTIN with letters', (d) => void (subjectOf(d).gtin = '0950600013435X'), '/credentialSubject/gtin pattern'],
    ['a misspelt subject property', (d) => void (subjectOf(d).firmwareVersoin = '4.2.1'), '/credentialSubject additionalProperties'],
    ['an unknown credential property', (d) => void (d.issuanceDate = '2026-01-01T00:00:00Z'), ' additionalProperties'],
    ['a production date that is not a date', (d) => void (subjectOf(d).productionDate = '15.12.2025'), '/credentialSubject/productionDate format'],
    ['qualifiers out of order in the Digital Link', (d) => void (subjectOf(d).id = 'https://id.gs1.org/01/09506000134352/21/HP-000123/10/B2026-11'), '/credentialSubject/id pattern'],
    ['an item-level passport without a serial', (d) => void delete subjectOf(d).itemNumber, '/credentialSubject required'],
    ['no manufacturer among the related parties', (d) => void ((subjectOf(d).relatedParty as JsonObject[])[0]!.role = 'distributor'), '/credentialSubject/relatedParty contains'],
    ['a spare part without revisions', (d) => void ((subjectOf(d).compatibleSparePart as JsonObject[])[0]!.compatibleHardwareRevision = []), '/credentialSubject/compatibleSparePart/0/compatibleHardwareRevision minItems'],
    ['a missing dpp-ledger context', (d) => void (d['@context'] = [V2, 'https://www.w3.org/ns/credentials/examples/v2']), '/@context contains'],
    ['no v2 context', (d) => void (d['@context'] = [DPP_CONTEXT, 'https://www.w3.org/ns/credentials/examples/v2']), '/@context contains'],
    ['another schema named in credentialSchema', (d) => void ((d.credentialSchema as JsonObject).id = MCC_SCHEMA_ID), '/credentialSchema/id const'],
    ['no credentialSchema', (d) => void delete d.credentialSchema, ' required'],
    ['a validFrom without a time zone', (d) => void (d.validFrom = '2026-01-01T00:00:00'), '/validFrom format'],
  ])('DigitalProductPassport rejects %s', (_what, mutate, expected) => {
    const doc = copy(passport);
    mutate(doc);
    expect(errorsOf(validateDpp, doc)).toContain(expected);
  });

  it.each<[string, (d: JsonObject) => void, string]>([
    ['a mass fraction above 1', (d) => void (materialsOf(d)[0]!.massFraction = 1.2), '/credentialSubject/materialProvenance/0/massFraction maximum'],
    ['a recycled fraction above 1', (d) => void (materialsOf(d)[1]!.recycledMassFraction = 35), '/credentialSubject/materialProvenance/1/recycledMassFraction maximum'],
    ['a negative mass fraction', (d) => void (materialsOf(d)[2]!.massFraction = -0.1), '/credentialSubject/materialProvenance/2/massFraction minimum'],
    ['a malformed CAS number', (d) => void (materialsOf(d)[1]!.casNumber = '7440508'), '/credentialSubject/materialProvenance/1/casNumber pattern'],
    ['an extra material property', (d) => void (materialsOf(d)[1]!.recycledContent = 0.35), '/credentialSubject/materialProvenance/1 additionalProperties'],
    ['a hazardous material without its component', (d) => void delete materialsOf(d)[6]!.component, '/credentialSubject/materialProvenance/6 required'],
    ['a material without the critical raw material flag', (d) => void delete materialsOf(d)[7]!.criticalRawMaterial, '/credentialSubject/materialProvenance/7 required'],
    ['a mass that is not a mass', (d) => void (materialsOf(d)[0]!.mass = { value: 62, unit: 'MMT' }), '/credentialSubject/materialProvenance/0/mass/unit enum'],
    ['a bad GTIN', (d) => void (subjectOf(d).gtin = '950600013435'), '/credentialSubject/gtin pattern'],
    ['a previous event without a digest', (d) => void delete (d.previousEvent as JsonObject).digestMultibase, '/previousEvent required'],
    ['a disassembly step without a position', (d) => void delete ((subjectOf(d).disassemblyInstructions as JsonObject).disassemblyStep as JsonObject[])[0]!.position, '/credentialSubject/disassemblyInstructions/disassemblyStep/0 required'],
    ['a model-level composition on a unit Digital Link', (d) => void (subjectOf(d).idGranularity = 'model'), '/credentialSubject/id pattern'],
  ])('MaterialCompositionCredential rejects %s', (_what, mutate, expected) => {
    const doc = copy(materialComposition);
    mutate(doc);
    expect(errorsOf(validateMcc, doc)).toContain(expected);
  });

  it('accept a model-level material composition on the GTIN-only Digital Link, without a previous event', () => {
    const doc = copy(materialComposition);
    delete doc.previousEvent;
    Object.assign(subjectOf(doc), { id: 'https://id.gs1.org/01/09506000134352', idGranularity: 'model' });
    expect(validateMcc(doc), JSON.stringify(validateMcc.errors)).toBe(true);
  });
});

/** The passport fixture with every optional DigitalProductPassport term filled in. */
function fullPassport(): JsonObject {
  const doc = copy(passport);
  doc.name = 'Digital Product Passport: AeroTherm 9 heat pump HP-000123';
  doc.validUntil = '2041-01-01T00:00:00Z';
  const subject = subjectOf(doc);
  Object.assign(subject, {
    idScheme: { id: 'https://id.gs1.org/01/', name: 'GS1 Global Trade Item Number (GTIN)' },
    countryOfProduction: { countryCode: 'DE', countryName: 'Germany' },
    dimensions: {
      weight: { value: 98, unit: 'KGM' },
      height: { value: 1020, unit: 'MMT', lowerTolerance: 1018, upperTolerance: 1022 },
      width: { value: 1280, unit: 'MMT' },
      length: { value: 480, unit: 'MMT' },
      volume: { value: 627, unit: 'LTR' },
    },
  });
  Object.assign(subject.producedAtFacility as JsonObject, {
    registeredId: '9506000130002',
    idScheme: { id: 'https://id.gs1.org/414/', name: 'GS1 Global Location Number (GLN)' },
    countryOfOperation: { countryCode: 'DE', countryName: 'Germany' },
  });
  Object.assign(((subject.relatedParty as JsonObject[])[0]!.party as JsonObject), {
    idScheme: {
      id: 'https://ec.europa.eu/taxation_customs/dds2/eos/eori_validation.jsp',
      name: 'EU Economic Operators Registration and Identification (EORI)',
    },
  });
  (subject.compatibleSparePart as JsonObject[]).push({
    type: ['SparePart'],
    id: 'https://id.gs1.org/01/09506000134406',
    gtin: '09506000134406',
    name: 'Controller backup battery pack, Li-ion 14.4 V',
    compatibleHardwareRevision: ['C'],
  });
  (subject.relatedDocument as JsonObject[]).push({
    type: ['Link'],
    linkURL: 'https://manufacturer.example/docs/AT9-M-R290/eu-declaration-of-conformity.pdf',
    linkName: 'EU declaration of conformity',
    linkType: 'https://gs1.org/voc/certificationInfo',
    mediaType: 'application/pdf',
    digestMultibase: 'uEiBEDizl8LWEPnvftaUWQOeEaRahvKXq9tGdEZg8kXavJg',
  });
  subject.performanceClaim = [
    {
      type: ['Claim'],
      id: 'https://manufacturer.example/claims/AT9-M-R290/energy-label',
      name: 'Seasonal space heating energy efficiency class at 35 °C',
      referenceRegulation: [
        { id: 'https://eur-lex.europa.eu/eli/reg_del/2013/811/oj', name: 'Commission Delegated Regulation (EU) No 811/2013' },
      ],
      referenceStandard: [{ id: 'https://standards.cencenelec.eu/EN14825', name: 'EN 14825:2022' }],
      claimedPerformance: [
        {
          metric: { id: 'https://manufacturer.example/metrics/seasonal-space-heating-efficiency', name: 'Seasonal space heating efficiency' },
          measure: { value: 193, unit: 'P1' },
          score: { code: 'A+++', rank: 1, definition: 'Energy efficiency class A+++' },
        },
      ],
      conformityTopic: [{ type: ['ConformityTopic'], id: 'https://vocabulary.uncefact.org/conformity-topic/energy-efficiency', name: 'Energy efficiency' }],
      conformance: true,
      evidence: [
        {
          linkURL: 'https://eprel.ec.europa.eu/screen/product/spaceheaters/1234567',
          linkName: 'EPREL product information sheet',
          linkType: 'https://gs1.org/voc/certificationInfo',
        },
      ],
    },
  ];
  return doc;
}
