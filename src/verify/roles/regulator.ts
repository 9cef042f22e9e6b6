// The regulator's view (market surveillance): is the passport complete for its product category (ESPR
// Annex III; for batteries the Battery Regulation's Annex XIII), who asserted each claim with what
// authority, and does it read as a UNTP Digital Product Passport.
import { gtinAuthority } from '../../ledger/authority.js';
import { parseDigitalLink } from '../../gs1/index.js';
import { asArray, isObject, issuerId, subjectOf, typesOf, type JsonObject } from '../../vc/credential.js';
import { fail, pass, warn, type Check } from '../../vc/report.js';
import type { RoleOptions, RoleView, VerifiedCredential, VerifiedPassport } from '../types.js';
import { createUntpValidator, toUntpPassport } from '../untp.js';
import { credentialIndex, label, mostSpecific, typeOf } from './common.js';

/** Credentials whose issuer must speak for the GTIN they are about (the write policy's rule, checked again here). */
const GTIN_AUTHORITY_TYPES = ['DigitalProductPassport', 'MaterialCompositionCredential', 'WarrantyCredential', 'RecallNoticeCredential'];

export async function regulatorView(passport: VerifiedPassport, options: RoleOptions): Promise<RoleView> {
  const index = credentialIndex(passport);
  const checks: Check[] = [];
  const assertedBy = passport.credentials.map((vc) => ({
    credential: label(vc.credential),
    type: typeOf(vc.credential),
    issuer: String(issuerId(vc.credential)),
    chain: vc.chain,
    ...(vc.level ? { level: vc.level } : {}),
    verified: vc.verified,
  }));
  const summary: Record<string, unknown> = { assertedBy };
  const dpp = index.counted(passport.state.passport) ?? mostSpecific(passport, 'DigitalProductPassport');
  if (!dpp) {
    checks.push(fail('identifiers', 'PASSPORT_INCOMPLETE', 'No DigitalProductPassport of the unit verified: there is nothing to inspect', { evidence: { notCounted: index.notCounted(['DigitalProductPassport']) } }));
    return { role: 'regulator', checks, summary };
  }
  const id = label(dpp.credential);
  const subject = subjectOf(dpp.credential);
  const composition = mostSpecific(passport, 'MaterialCompositionCredential');

  const identifiers = esprIdentifiers(subject);
  summary.product = { digitalLink: passport.digitalLink, unit: passport.unit, name: subject.name, modelNumber: subject.modelNumber, passport: id, manufacturer: issuerId(dpp.credential) };
  summary.identifiers = identifiers.found;
  checks.push(
    identifiers.missing.length
      ? fail('identifiers', 'PASSPORT_INCOMPLETE', `The passport lacks what ESPR Annex III requires: ${identifiers.missing.join('; ')}`, { credential: id, evidence: { missing: identifiers.missing, found: identifiers.found } })
      : pass('identifiers', 'The ESPR Annex III identifiers are present: unique product identifier, GTIN, operator, facility, commodity code', { credential: id, evidence: identifiers.found }),
  );

  const category = batteryCategory(subject);
  if (category) {
    const battery = annexXiii({ subject, composition: composition && subjectOf(composition.credential), passport });
    summary.battery = { detected: true, category, fields: battery.fields };
    const gaps = battery.fields.filter((f) => (f.tier === 'public' || f.tier === 'authority') && (f.status === 'missing' || f.status === 'no-term'));
    const missing = gaps.filter((f) => f.status === 'missing').map((f) => `${f.field} (${f.ref})`);
    const noTerm = gaps.filter((f) => f.status === 'no-term').map((f) => `${f.field} (${f.ref})`);
    checks.push(
      gaps.length
        ? fail(
            'battery',
            'PASSPORT_INCOMPLETE',
            `A battery (${String(category.code)}): the passport lacks Battery Regulation Annex XIII fields${missing.length ? `: ${missing.join('; ')}` : ''}${noTerm.length ? `${missing.length ? '; and' : ':'} the dpp-ledger vocabulary has no term for ${noTerm.join('; ')}` : ''}`,
            { credential: id, evidence: { category, missing: gaps.filter((f) => f.status === 'missing'), noTerm: gaps.filter((f) => f.status === 'no-term') } },
          )
        : pass('battery', 'A battery: the Annex XIII public and authority fields are present', { credential: id, evidence: { category } }),
    );
  } else {
    summary.battery = { detected: false };
  }

  const authority: Record<string, unknown>[] = [];
  for (const vc of passport.credentials) {
    if (!vc.verified || !typesOf(vc.credential).some((t) => GTIN_AUTHORITY_TYPES.includes(t))) continue;
    const check = await authorityCheck(vc, passport);
    authority.push(check.summary);
    // A failure is the shared checks' already (the write policy replayed): here it only goes in the summary.
    if (check.check.status === 'pass') checks.push(check.check);
  }
  summary.authority = authority;

  const untp = untpCheck(dpp.credential, composition?.credential, options);
  checks.push(untp.check);
  summary.untp = untp.summary;
  return { role: 'regulator', checks, summary };
}

/**
 * ESPR (EU) 2024/1781 Annex III: (b) the unique product identifier (the Digital Link), (c) the GTIN,
 * (d) a commodity code, (g)/(h) the operator's unique identifier (the manufacturer's DID or
 * `registeredId` in `relatedParty`), (i) the unique facility identifier (`producedAtFacility.id`).
 */
export function esprIdentifiers(subject: JsonObject): { missing: string[]; found: Record<string, unknown> } {
  const missing: string[] = [];
  const found: Record<string, unknown> = {};
  if (typeof subject.id === 'string' && parses(subject.id)) found.uniqueProductIdentifier = subject.id;
  else missing.push('unique product identifier (credentialSubject.id, a GS1 Digital Link)');
  if (typeof subject.gtin === 'string' && /^\d{14}$/.test(subject.gtin)) found.gtin = subject.gtin;
  else missing.push('GTIN (gtin)');
  const operator = asArray(subject.relatedParty as unknown)
    .filter(isObject)
    .map((r) => (r.role === 'manufacturer' && isObject(r.party) ? r.party : undefined))
    .find((p) => p && (typeof p.id === 'string' || typeof p.registeredId === 'string'));
  if (operator) found.operator = { ...(typeof operator.id === 'string' ? { id: operator.id } : {}), ...(typeof operator.registeredId === 'string' ? { registeredId: operator.registeredId } : {}), ...(typeof operator.name === 'string' ? { name: operator.name } : {}) };
  else missing.push('operator identifier (relatedParty with role manufacturer: party.id or party.registeredId)');
  const facility = isObject(subject.producedAtFacility) ? subject.producedAtFacility : undefined;
  if (facility && typeof facility.id === 'string' && facility.id) found.facility = { id: facility.id, ...(typeof facility.name === 'string' ? { name: facility.name } : {}) };
  else missing.push('facility identifier (producedAtFacility.id)');
  const codes = asArray(subject.productCategory as unknown)
    .filter(isObject)
    .filter((c) => typeof c.code === 'string' && c.code)
    .map((c) => ({ code: c.code, ...(typeof c.schemeName === 'string' ? { scheme: c.schemeName } : typeof c.schemeId === 'string' ? { scheme: c.schemeId } : {}) }));
  if (codes.length) found.commodityCodes = codes;
  else missing.push('commodity code (productCategory[].code)');
  return { missing, found };
}

const parses = (link: string) => {
  try {
    parseDigitalLink(link);
    return true;
  } catch {
    return false;
  }
};

const HS_SCHEME = /harmoni[sz]ed|wcoomd|\bhs\b|combined nomenclature|\bcn\b|taric/i;
const CPC_SCHEME = /\bcpc\b|central product classification|unstats\.un\.org/i;

/**
 * The product category that makes a product a battery, or undefined: a `productCategory` code of HS (or
 * CN / TARIC, which extend it) heading 8506 (primary cells) or 8507 (electric accumulators), or of UN CPC
 * class 4641 or 4642 (the same goods). Our vocabulary has no battery-specific field to go by instead,
 * and a product that merely contains a battery (a heat pump's backup pack) is not one.
 */
export function batteryCategory(subject: JsonObject): JsonObject | undefined {
  return asArray(subject.productCategory as unknown)
    .filter(isObject)
    .find((c) => {
      const code = String(c.code ?? '').replace(/[.\s]/g, '');
      const scheme = `${String(c.schemeId ?? '')} ${String(c.schemeName ?? '')}`;
      if (HS_SCHEME.test(scheme)) return /^850[67]/.test(code);
      if (CPC_SCHEME.test(scheme)) return /^464[12]/.test(code);
      return false;
    });
}

type Tier = 'public' | 'legitimate-interest' | 'authority' | 'individual';
interface AnnexContext {
  subject: JsonObject;
  composition?: JsonObject;
  passport: VerifiedPassport;
}
interface AnnexField {
  ref: string;
  field: string;
  tier: Tier;
  /** Where our vocabulary says it; without it, the vocabulary has no term for the field. */
  term?: string;
  present?: (c: AnnexContext) => boolean;
  /** A field that applies only to some batteries, which the passport cannot tell: listed, not judged. */
  only?: string;
}

const materialsOf = (c: AnnexContext) => asArray(c.composition?.materialProvenance as unknown).filter(isObject);
const BATTERY_REGULATION = /2023\/1542|32023R1542/i;
const batteryClaims = (c: AnnexContext) =>
  asArray(c.subject.performanceClaim as unknown)
    .filter(isObject)
    .filter((claim) => asArray(claim.referenceRegulation as unknown).filter(isObject).some((r) => BATTERY_REGULATION.test(`${String(r.id ?? '')} ${String(r.name ?? '')}`)));
/** Article 8(1): recycled content of cobalt, lead, lithium and nickel (by CAS number). */
const ARTICLE_8_METALS = ['7440-48-4', '7439-92-1', '7439-93-2', '7440-02-0'];

/**
 * Regulation (EU) 2023/1542 Annex XIII, point by point (Annex VI Part A is point 1(a)). Public (1) and
 * authority (3) fields are judged; legitimate-interest (2) and per-battery (4) fields are reported.
 */
export const ANNEX_XIII: readonly AnnexField[] = [
  { ref: 'XIII 1(a), VI A(1)', field: 'manufacturer identification', tier: 'public', term: 'relatedParty (manufacturer: party.id, party.name)', present: (c) => asArray(c.subject.relatedParty as unknown).filter(isObject).some((r) => r.role === 'manufacturer' && isObject(r.party) && typeof r.party.name === 'string') },
  { ref: 'XIII 1(a), VI A(1)', field: 'manufacturer postal address and web or e-mail contact', tier: 'public' },
  { ref: 'XIII 1(a), VI A(2)', field: 'battery category (portable, LMT, SLI, industrial, electric vehicle)', tier: 'public' },
  { ref: 'XIII 1(a), VI A(3)', field: 'battery identification (model, and batch or serial)', tier: 'public', term: 'modelNumber, batchNumber or itemNumber', present: (c) => typeof c.subject.modelNumber === 'string' && (typeof c.subject.itemNumber === 'string' || typeof c.subject.batchNumber === 'string') },
  { ref: 'XIII 1(a), VI A(4)', field: 'place of manufacture', tier: 'public', term: 'producedAtFacility or countryOfProduction', present: (c) => isObject(c.subject.producedAtFacility) || isObject(c.subject.countryOfProduction) },
  { ref: 'XIII 1(a), VI A(5)', field: 'date of manufacture', tier: 'public', term: 'productionDate', present: (c) => typeof c.subject.productionDate === 'string' },
  { ref: 'XIII 1(a), VI A(6)', field: 'weight', tier: 'public', term: 'dimensions.weight', present: (c) => isObject(c.subject.dimensions) && isObject(c.subject.dimensions.weight) },
  { ref: 'XIII 1(a), VI A(7)', field: 'capacity', tier: 'public' },
  { ref: 'XIII 1(a), VI A(8)', field: 'chemistry', tier: 'public' },
  { ref: 'XIII 1(a), VI A(9)', field: 'hazardous substances (other than mercury, cadmium or lead)', tier: 'public', term: 'MaterialCompositionCredential materialProvenance[].hazardous', present: (c) => materialsOf(c).length > 0 },
  { ref: 'XIII 1(a), VI A(10)', field: 'usable extinguishing agent', tier: 'public' },
  { ref: 'XIII 1(a), VI A(11)', field: 'critical raw materials', tier: 'public', term: 'MaterialCompositionCredential materialProvenance[].criticalRawMaterial', present: (c) => materialsOf(c).length > 0 },
  { ref: 'XIII 1(b)', field: 'material composition', tier: 'public', term: 'MaterialCompositionCredential materialProvenance', present: (c) => materialsOf(c).length > 0 },
  { ref: 'XIII 1(c)', field: 'carbon footprint (Article 7(1) and (2))', tier: 'public' },
  { ref: 'XIII 1(d)', field: 'responsible sourcing (due diligence report, Article 52(3))', tier: 'public' },
  {
    ref: 'XIII 1(e)',
    field: 'recycled content (Article 8(1): cobalt, lead, lithium, nickel)',
    tier: 'public',
    term: 'materialProvenance[].recycledMassFraction',
    present: (c) => {
      const materials = materialsOf(c);
      const metals = materials.filter((m) => ARTICLE_8_METALS.includes(String(m.casNumber)));
      return materials.some((m) => typeof m.recycledMassFraction === 'number') && metals.every((m) => typeof m.recycledMassFraction === 'number');
    },
  },
  { ref: 'XIII 1(f)', field: 'share of renewable content', tier: 'public' },
  { ref: 'XIII 1(g)', field: 'rated capacity (Ah)', tier: 'public' },
  { ref: 'XIII 1(h)', field: 'minimal, nominal and maximum voltage', tier: 'public' },
  { ref: 'XIII 1(i)', field: 'original power capability (W) and limits', tier: 'public' },
  { ref: 'XIII 1(j)', field: 'expected lifetime in cycles, and the reference test', tier: 'public' },
  { ref: 'XIII 1(k)', field: 'capacity threshold for exhaustion', tier: 'public', only: 'electric vehicle batteries' },
  { ref: 'XIII 1(l)', field: 'temperature range when not in use', tier: 'public' },
  { ref: 'XIII 1(m)', field: 'commercial warranty period for the calendar life', tier: 'public', term: 'WarrantyCredential warrantyPeriod', present: (c) => c.passport.state.warranty !== undefined && credentialIndex(c.passport).counted({ id: c.passport.state.warranty.credential }) !== undefined },
  { ref: 'XIII 1(n)', field: 'round-trip energy efficiency, initial and at 50 % of cycle life', tier: 'public' },
  { ref: 'XIII 1(o)', field: 'internal cell and pack resistance', tier: 'public' },
  { ref: 'XIII 1(p)', field: 'C-rate of the cycle-life test', tier: 'public' },
  { ref: 'XIII 1(q)', field: 'labelling information (Article 13(3) and (4))', tier: 'public' },
  { ref: 'XIII 1(r)', field: 'EU declaration of conformity (Article 18)', tier: 'public', term: 'performanceClaim citing Regulation (EU) 2023/1542 with conformance true', present: (c) => batteryClaims(c).some((claim) => claim.conformance === true) },
  { ref: 'XIII 1(s)', field: 'waste prevention and management information (Article 74(1)(a)-(f))', tier: 'public' },
  { ref: 'XIII 2(a)', field: 'detailed composition (cathode, anode, electrolyte)', tier: 'legitimate-interest', term: 'materialProvenance[].component', present: (c) => materialsOf(c).some((m) => isObject(m.component)) },
  { ref: 'XIII 2(b)', field: 'part numbers of components and sources of spare parts', tier: 'legitimate-interest', term: 'compatibleSparePart', present: (c) => asArray(c.subject.compatibleSparePart as unknown).length > 0 },
  { ref: 'XIII 2(c)', field: 'dismantling information', tier: 'legitimate-interest', term: 'disassemblyInstructions', present: (c) => isObject(c.composition?.disassemblyInstructions) },
  { ref: 'XIII 2(d)', field: 'safety measures', tier: 'legitimate-interest', term: 'materialProvenance[].materialSafetyInformation of each hazardous material', present: (c) => materialsOf(c).filter((m) => m.hazardous === true).every((m) => isObject(m.materialSafetyInformation)) && materialsOf(c).length > 0 },
  { ref: 'XIII 3', field: 'test reports proving compliance', tier: 'authority', term: 'evidence of a performanceClaim citing Regulation (EU) 2023/1542', present: (c) => batteryClaims(c).some((claim) => asArray(claim.evidence as unknown).length > 0) },
  { ref: 'XIII 4(a), 4(b)', field: 'performance and durability values, state of health', tier: 'individual' },
  { ref: 'XIII 4(c)', field: 'status (original, repurposed, re-used, remanufactured, waste)', tier: 'individual', term: 'EndOfLifeCredential endOfLifeState (none: original)', present: () => true },
  { ref: 'XIII 4(d)', field: 'usage: charge cycles, negative events, operating conditions', tier: 'individual' },
];

type FieldStatus = 'present' | 'missing' | 'no-term' | 'not-checked';

function annexXiii(context: AnnexContext): { fields: { ref: string; field: string; tier: Tier; status: FieldStatus; term?: string; note?: string }[] } {
  return {
    fields: ANNEX_XIII.map((f) => {
      const status: FieldStatus = f.only ? 'not-checked' : !f.present ? 'no-term' : f.present(context) ? 'present' : 'missing';
      return { ref: f.ref, field: f.field, tier: f.tier, status, ...(f.term ? { term: f.term } : {}), ...(f.only ? { note: `applies to ${f.only} only; the battery category has no term` } : {}) };
    }),
  };
}

async function authorityCheck(vc: VerifiedCredential, passport: VerifiedPassport): Promise<{ check: Check; summary: Record<string, unknown> }> {
  const credential = label(vc.credential);
  const issuer = String(issuerId(vc.credential));
  const type = typeOf(vc.credential);
  let gtin: string | undefined;
  try {
    const dl = parseDigitalLink(String(subjectOf(vc.credential).id));
    if (dl.primaryKey.ai === '01') gtin = dl.primaryKey.value;
  } catch {
    gtin = undefined;
  }
  if (!gtin) {
    const reason = 'it is not about a GTIN or a unit of one';
    return { check: fail('authority', 'GTIN_NOT_LICENSED', `${type} ${credential} by ${issuer}: ${reason}`, { credential, evidence: { issuer, reason } }), summary: { credential, type, issuer, ok: false, reason } };
  }
  const result = await gtinAuthority(issuer, gtin, passport.lookups);
  if (!result.ok) {
    return {
      check: fail('authority', 'GTIN_NOT_LICENSED', `${type} ${credential}: ${issuer} does not speak for GTIN ${gtin}: ${result.reason}`, { credential, evidence: { issuer, gtin, reason: result.reason } }),
      summary: { credential, type, issuer, gtin, ok: false, reason: result.reason },
    };
  }
  const licence = { keyCredential: label(result.keyCredential), licence: label(result.licence), registrar: String(issuerId(result.licence)) };
  return {
    check: pass('authority', `${type} by ${issuer}, who speaks for GTIN ${gtin} under licence ${licence.licence} from ${licence.registrar}`, { credential, evidence: { issuer, gtin, ...licence } }),
    summary: { credential, type, issuer, gtin, ok: true, ...licence },
  };
}

function untpCheck(dpp: JsonObject, composition: JsonObject | undefined, options: RoleOptions): { check: Check; summary: Record<string, unknown> } {
  const credential = label(dpp);
  const mappedFrom = [credential, ...(composition ? [label(composition)] : [])];
  const unavailable = (why: string) => ({
    check: warn('untp', 'CHECK_UNAVAILABLE', `Not checked against UNTP: ${why}`, { credential, evidence: { untpDir: options.untpDir ?? null } }),
    summary: { checked: false, reason: why },
  });
  if (!options.untpDir) return unavailable('the UNTP schemas are absent (give --untp DIR, a checkout of uncefact/spec-untp)');
  let validator;
  try {
    validator = createUntpValidator(options.untpDir);
  } catch (err) {
    return unavailable(`the UNTP schema in ${options.untpDir} cannot be read: ${(err as Error).message}`);
  }
  if (!validator) return unavailable(`the UNTP schemas are absent from ${options.untpDir}`);
  const result = validator.validate(toUntpPassport(dpp, composition));
  const summary = { checked: true, valid: result.valid, schema: validator.schema, mappedFrom };
  if (!result.valid) {
    return {
      check: fail('untp', 'UNTP_INVALID', `The passport, mapped onto the UNTP Digital Product Passport, does not validate: ${result.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { credential, evidence: { schema: validator.schema, errors: result.errors, mappedFrom } }),
      summary: { ...summary, errors: result.errors },
    };
  }
  return { check: pass('untp', 'A valid UNTP Digital Product Passport as mapped (toUntpPassport)', { credential, evidence: { schema: validator.schema, mappedFrom } }), summary };
}
