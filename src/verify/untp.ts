// Our signed passport projected onto the UN Transparency Protocol Digital Product Passport, and validated
// against the UNTP JSON Schema read from a folder the caller names (the UNTP artefacts are not shipped).
// @see https://uncefact.github.io/spec-untp/docs/specification/DigitalProductPassport
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { asArray, isObject, issuerId, subjectOf, type JsonObject } from '../vc/credential.js';

export const UNTP_DPP_CONTEXT = 'https://test.uncefact.org/vocabulary/untp/dpp/working/';
const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** Where the DPP artefacts sit in a checkout of uncefact/spec-untp. */
const ARTEFACTS = join('data-models', 'untp-dpp', 'artefacts');
const SCHEMA_FILE = 'untp-dpp-schema.json';
const GTIN_SCHEME = { type: ['IdentifierScheme'], id: 'https://id.gs1.org/01/', name: 'Global Trade Item Number (GTIN)' };

/**
 * A documented, lossy projection of our `DigitalProductPassport` (and its `MaterialCompositionCredential`)
 * onto the UNTP DPP shape. It is unsigned: the signature stays on our credential; this is what a UNTP
 * consumer would read from it. Kept: `id`, `issuer`, `validFrom`, `validUntil`, the VC 2.0 and UNTP
 * DPP contexts and types. Our subject (the `Product` itself) becomes `credentialSubject.product` of a
 * `ProductPassport` whose `id` is the unit's Digital Link:
 *
 * | ours | UNTP |
 * |---|---|
 * | subject `id`, `name`, `description`, `batchNumber`, `productionDate` | `product.*`, same names |
 * | `gtin` | `product.registeredId` with the GS1 GTIN `idScheme` |
 * | `itemNumber` | `product.serialNumber` |
 * | `idGranularity` | `granularityLevel` |
 * | `productCategory` (`schemeId`) | `product.productCategory` (`schemeID`); `id` defaults to `schemeId#code` |
 * | `producedAtFacility`, `relatedParty` manufacturer | `product.producedAtFacility`, `product.producedByParty` (`id`, `name`, `registeredId`) |
 * | `countryOfProduction.countryCode`, `originCountry.countryCode` | `countryOfProduction`, `originCountry` (codes) |
 * | `dimensions` | `product.dimensions` (tolerances dropped) |
 * | `characteristics` | `product.characteristics` |
 * | `relatedDocument` | `product.furtherInformation` (`mediaType`, `digestMultibase` dropped) |
 * | `performanceClaim` | `conformityClaim` (`Claim`, `Declaration`): `conformityTopic` is the UNTP enum value whose topic is the first segment of ours (`…/topic/energy.efficiency` → `environment.energy`); `claimedPerformance` with a measure → `declaredValue`; the first `evidence` → `conformityEvidence` |
 * | composition `materialProvenance` | `materialsProvenance` (`name`, `originCountry`, `materialType`, `massFraction`, `mass`, `recycledMassFraction`, `hazardous`, `materialSafetyInformation`) |
 * | composition: `recycledMassFraction` weighted by `massFraction` (when every material states it); the first disassembly document | `circularityScorecard.recycledContent`, `.recyclingInformation` |
 *
 * Dropped, having no UNTP term: `modelNumber`, `hardwareRevision`, `firmwareVersion`, `compatibleSparePart`,
 * `predecessor`, `previousEvent`, `credentialStatus`, `credentialSchema`, and of materials `casNumber`,
 * `criticalRawMaterial`, `component`, disassembly steps. A claim's `referenceRegulation` and
 * `referenceStandard` are dropped (UNTP requires the body administering or issuing them, which ours do not
 * name), and so is a claim whose topic has no UNTP equivalent.
 */
export function toUntpPassport(passport: JsonObject, composition?: JsonObject): JsonObject {
  const subject = subjectOf(passport);
  const issuer = String(issuerId(passport));
  const manufacturer = asArray(subject.relatedParty as unknown)
    .filter(isObject)
    .find((r) => r.role === 'manufacturer' && isObject(r.party));
  const maker = manufacturer && (manufacturer.party as JsonObject);
  const issuerName = isObject(passport.issuer) && typeof passport.issuer.name === 'string' ? passport.issuer.name : maker?.id === issuer && typeof maker.name === 'string' ? maker.name : issuer;

  const product: JsonObject = { type: ['Product'], id: subject.id, name: subject.name };
  copy(subject, product, 'description');
  if (typeof subject.gtin === 'string') Object.assign(product, { registeredId: subject.gtin, idScheme: GTIN_SCHEME });
  copy(subject, product, 'batchNumber');
  if (typeof subject.itemNumber === 'string') product.serialNumber = subject.itemNumber;
  const categories = asArray(subject.productCategory as unknown).filter(isObject).map(classification);
  if (categories.length) product.productCategory = categories;
  const documents = asArray(subject.relatedDocument as unknown).filter(isObject).map(link);
  if (documents.length) product.furtherInformation = documents;
  if (maker) product.producedByParty = party(maker);
  if (isObject(subject.producedAtFacility)) product.producedAtFacility = party(subject.producedAtFacility);
  copy(subject, product, 'productionDate');
  if (isObject(subject.countryOfProduction)) copy(subject.countryOfProduction, product, 'countryCode', 'countryOfProduction');
  if (isObject(subject.dimensions)) product.dimensions = dimensions(subject.dimensions);
  if (isObject(subject.characteristics)) product.characteristics = { type: ['Characteristics'], ...subject.characteristics };

  const productPassport: JsonObject = { type: ['ProductPassport'], id: subject.id, product };
  copy(subject, productPassport, 'idGranularity', 'granularityLevel');
  const claims = asArray(subject.performanceClaim as unknown)
    .filter(isObject)
    .map((c, i) => claim(c, `${String(passport.id)}#claim-${i + 1}`))
    .filter((c): c is JsonObject => c !== undefined);
  if (claims.length) productPassport.conformityClaim = claims;
  if (composition) {
    const composed = subjectOf(composition);
    const materials = asArray(composed.materialProvenance as unknown).filter(isObject);
    if (materials.length) productPassport.materialsProvenance = materials.map(material);
    const circularity = circularityOf(materials, composed.disassemblyInstructions);
    if (circularity) productPassport.circularityScorecard = circularity;
  }

  const untp: JsonObject = {
    '@context': [VC_V2_CONTEXT, UNTP_DPP_CONTEXT],
    type: ['DigitalProductPassport', 'VerifiableCredential'],
    id: passport.id,
    issuer: { type: ['CredentialIssuer'], id: issuer, name: issuerName, ...(maker && maker.id === issuer && typeof maker.registeredId === 'string' ? { issuerAlsoKnownAs: [party(maker)] } : {}) },
  };
  copy(passport, untp, 'validFrom');
  copy(passport, untp, 'validUntil');
  untp.credentialSubject = productPassport;
  return untp;
}

export interface UntpValidation {
  valid: boolean;
  /** The schema's complaints, at most 20: where (a JSON pointer) and what. */
  errors: { path: string; message: string }[];
}

export interface UntpValidator {
  /** The schema file validated against. */
  schema: string;
  validate(document: unknown): UntpValidation;
}

/**
 * The UNTP DPP JSON Schema (draft 2020-12) under `untpDir`, compiled: `untpDir` is a checkout of
 * uncefact/spec-untp (or its `data-models/untp-dpp/artefacts` folder). Undefined when the schema is not
 * there; throws when it is there but cannot be read or compiled.
 */
export function createUntpValidator(untpDir: string): UntpValidator | undefined {
  const schemaFile = [join(untpDir, ARTEFACTS, SCHEMA_FILE), join(untpDir, SCHEMA_FILE)].find((f) => existsSync(f));
  if (!schemaFile) return undefined;
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonObject;
  // UNTP's schemas carry OpenAPI formats (`float`, `binary`) and annotations Ajv does not know: not strict.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  addFormats.default(ajv);
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('binary', true);
  const check = ajv.compile(schema);
  return {
    schema: schemaFile,
    validate(document) {
      if (check(document)) return { valid: true, errors: [] };
      const errors = (check.errors ?? []).slice(0, 20).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
      return { valid: false, errors };
    },
  };
}

const UNTP_TOPICS = [
  'environment.energy',
  'environment.emissions',
  'environment.water',
  'environment.waste',
  'environment.deforestation',
  'environment.biodiversity',
  'circularity.content',
  'circularity.design',
  'social.labour',
  'social.rights',
  'social.community',
  'social.safety',
  'governance.ethics',
  'governance.compliance',
  'governance.transparency',
];

/** The UNTP topic for one of ours: itself when in the enum, else the enum value whose second segment is our first. */
function untpTopic(topic: JsonObject): string | undefined {
  const segment = typeof topic.id === 'string' ? topic.id.slice(topic.id.lastIndexOf('/') + 1) : '';
  if (UNTP_TOPICS.includes(segment)) return segment;
  const head = segment.split('.')[0];
  return UNTP_TOPICS.find((t) => t.split('.')[1] === head);
}

function claim(ours: JsonObject, fallbackId: string): JsonObject | undefined {
  const topic = asArray(ours.conformityTopic as unknown).filter(isObject).map(untpTopic).find((t) => t !== undefined);
  if (!topic) return undefined;
  const out: JsonObject = { type: ['Claim', 'Declaration'], id: typeof ours.id === 'string' ? ours.id : fallbackId, conformityTopic: topic };
  const description = [ours.name, ours.description].filter((s) => typeof s === 'string' && s).join(': ');
  if (description) out.description = description;
  const declared = asArray(ours.claimedPerformance as unknown)
    .filter(isObject)
    .filter((p) => isObject(p.measure) && isObject(p.metric))
    .map((p) => {
      const metric: JsonObject = { type: ['Metric'], metricName: String((p.metric as JsonObject).name), metricValue: measure(p.measure as JsonObject) };
      if (isObject(p.score) && typeof p.score.code === 'string') metric.score = p.score.code;
      return metric;
    });
  if (declared.length) out.declaredValue = declared;
  const evidence = asArray(ours.evidence as unknown).filter(isObject)[0];
  if (evidence) out.conformityEvidence = { ...link(evidence), type: ['SecureLink', 'Link'] };
  return out;
}

function material(ours: JsonObject): JsonObject {
  const out: JsonObject = { type: ['Material'], name: ours.name };
  if (isObject(ours.originCountry)) copy(ours.originCountry, out, 'countryCode', 'originCountry');
  if (isObject(ours.materialType)) out.materialType = classification(ours.materialType);
  copy(ours, out, 'massFraction');
  if (isObject(ours.mass)) out.mass = measure(ours.mass);
  copy(ours, out, 'recycledMassFraction');
  copy(ours, out, 'hazardous');
  if (isObject(ours.materialSafetyInformation)) out.materialSafetyInformation = link(ours.materialSafetyInformation);
  return out;
}

/**
 * Recycled content by mass over the materials listed, only when every one states its own (a share of the
 * materials that do would overstate it); the first disassembly document as recycling information.
 */
function circularityOf(materials: JsonObject[], instructions: unknown): JsonObject | undefined {
  const stated = materials.every((m) => typeof m.massFraction === 'number' && typeof m.recycledMassFraction === 'number');
  const mass = materials.reduce((sum, m) => sum + Number(m.massFraction), 0);
  const out: JsonObject = {};
  if (stated && mass > 0) out.recycledContent = round(materials.reduce((sum, m) => sum + (m.massFraction as number) * (m.recycledMassFraction as number), 0) / mass);
  const document = isObject(instructions) ? asArray(instructions.relatedDocument as unknown).filter(isObject)[0] : undefined;
  if (document) out.recyclingInformation = link(document);
  return Object.keys(out).length ? { type: ['CircularityPerformance'], ...out } : undefined;
}

function classification(ours: JsonObject): JsonObject {
  const scheme = typeof ours.schemeId === 'string' ? ours.schemeId : undefined;
  const id = typeof ours.id === 'string' ? ours.id : scheme ? `${scheme.split('#')[0]}#${encodeURIComponent(String(ours.code))}` : undefined;
  const out: JsonObject = { type: ['Classification'], ...(id ? { id } : {}), name: ours.name };
  copy(ours, out, 'code');
  if (scheme) out.schemeID = scheme;
  copy(ours, out, 'schemeName');
  return out;
}

function party(ours: JsonObject): JsonObject {
  const out: JsonObject = { id: ours.id, name: ours.name };
  copy(ours, out, 'registeredId');
  return out;
}

function link(ours: JsonObject): JsonObject {
  const out: JsonObject = { type: ['Link'], linkURL: ours.linkURL, linkName: ours.linkName };
  copy(ours, out, 'linkType');
  return out;
}

function measure(ours: JsonObject): JsonObject {
  return { value: ours.value, unit: ours.unit };
}

function dimensions(ours: JsonObject): JsonObject {
  const out: JsonObject = { type: ['Dimension'] };
  for (const key of ['weight', 'length', 'width', 'height', 'volume']) if (isObject(ours[key])) out[key] = measure(ours[key] as JsonObject);
  return out;
}

function copy(from: JsonObject, to: JsonObject, key: string, as = key): void {
  if (from[key] !== undefined) to[as] = from[key];
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;
