// What a JSON Schema cannot check about a credential's subject: GS1 and CAS check digits, that the
// identity fields agree with the Digital Link the credential is about, and, per lifecycle credential
// type, how its claims fit together (a recall's scope and its Digital Link, a successor that is not the
// unit itself, a transfer that matches the authorisation it carries).
import { isValidCheckDigit, parseDigitalLink, toElementString, type DigitalLink } from '../gs1/index.js';
import { isDppError } from '../errors.js';
import { asArray, isObject, issuerId, typesOf, type JsonObject } from './credential.js';

export interface SubjectProblem {
  path: string;
  message: string;
}

/** CAS Registry Number check digit: the digits before it, weighted 1, 2, 3 … from the right, mod 10. */
export function isValidCasNumber(cas: string): boolean {
  const match = /^(\d{2,7})-(\d{2})-(\d)$/.exec(cas);
  if (!match) return false;
  const digits = (match[1]! + match[2]!).split('').reverse();
  return digits.reduce((sum, d, i) => sum + Number(d) * (i + 1), 0) % 10 === Number(match[3]);
}

/** A GS1 Company Prefix: 4 to 12 digits. */
export function isGs1CompanyPrefix(value: string): boolean {
  return /^[0-9]{4,12}$/.test(value);
}

/** Where in the credential a subject's claim is: `credentialSubject.x` or `credentialSubject[i].x`. */
type At = (name: string) => string;

/** Checks one subject of a credential of a given type. */
type SubjectCheck = (subject: JsonObject, at: At, credential: JsonObject) => SubjectProblem[];

/** The Digital Link in `value`, or why it is none (a wrong check digit among them); undefined and no problem when absent. */
function digitalLinkAt(value: unknown, path: string, problems: SubjectProblem[]): DigitalLink | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push({ path, message: 'is not a Digital Link' });
    return undefined;
  }
  try {
    return parseDigitalLink(value);
  } catch (err) {
    if (!isDppError(err)) throw err;
    problems.push({ path, message: `not a valid Digital Link: ${err.message}` });
    return undefined;
  }
}

/** What a Digital Link identifies, whatever its host or data attributes: `(01)…(10)…(21)…`. */
const identityOf = (dl: DigitalLink): string => toElementString({ primaryKey: dl.primaryKey, qualifiers: dl.qualifiers, attributes: [] });
const qualifierOf = (dl: DigitalLink, ai: string): string | undefined => dl.qualifiers.find((q) => q.ai === ai)?.value;

type Level = 'gtin' | 'batch' | 'unit';
const LEVEL_NAMES: Record<Level, string> = { gtin: 'a GTIN (01 alone)', batch: 'a batch (01 with 10, no 21)', unit: 'a serialised unit (01 with 21)' };

/** The level of a Digital Link with primary key 01, undefined for another primary key or a GTIN with only a CPV (22). */
function levelOf(dl: DigitalLink): Level | undefined {
  if (dl.primaryKey.ai !== '01') return undefined;
  if (qualifierOf(dl, '21') !== undefined) return 'unit';
  if (qualifierOf(dl, '10') !== undefined) return 'batch';
  return dl.qualifiers.length === 0 ? 'gtin' : undefined;
}

/** The subject's Digital Link, which must have primary key 01 and be of one of `levels`. */
function subjectLink(subject: JsonObject, at: At, problems: SubjectProblem[], levels: readonly Level[]): DigitalLink | undefined {
  const dl = digitalLinkAt(subject.id, at('id'), problems);
  if (!dl) return undefined;
  const level = levelOf(dl);
  if (!level || !levels.includes(level)) {
    problems.push({ path: at('id'), message: `${String(subject.id)} is not the Digital Link of ${levels.map((l) => LEVEL_NAMES[l]).join(' or ')}` });
    return undefined;
  }
  return dl;
}

function gtinProblems(values: unknown, path: (j: number) => string): SubjectProblem[] {
  const problems: SubjectProblem[] = [];
  asArray(values).forEach((gtin, j) => {
    if (typeof gtin === 'string' && !isValidCheckDigit(gtin)) problems.push({ path: path(j), message: `${gtin} has a wrong check digit` });
  });
  return problems;
}

/** A link to another unit (successor, predecessor) must be a valid Digital Link and not the subject itself. */
function otherUnitProblems(subject: JsonObject, at: At, name: string): SubjectProblem[] {
  const problems: SubjectProblem[] = [];
  const other = digitalLinkAt(subject[name], at(name), problems);
  if (!other) return problems;
  let self: DigitalLink | undefined;
  try {
    self = typeof subject.id === 'string' ? parseDigitalLink(subject.id) : undefined;
  } catch (err) {
    if (!isDppError(err)) throw err;
  }
  if (self && identityOf(self) === identityOf(other)) problems.push({ path: at(name), message: `${String(subject[name])} is the unit itself` });
  return problems;
}

/** The product checks of DigitalProductPassport and MaterialCompositionCredential, applied to any subject with a `gtin`. */
function productProblems(subject: JsonObject, at: At): SubjectProblem[] {
  const problems: SubjectProblem[] = [];
  if (typeof subject.gtin === 'string' && !isValidCheckDigit(subject.gtin)) problems.push({ path: at('gtin'), message: `${subject.gtin} has a wrong check digit` });
  if (typeof subject.id === 'string' && /\/01\/\d/.test(subject.id) && typeof subject.gtin === 'string') {
    const dl = digitalLinkAt(subject.id, at('id'), problems);
    if (dl) {
      if (dl.primaryKey.ai === '01' && dl.primaryKey.value !== subject.gtin) problems.push({ path: at('gtin'), message: `${subject.gtin} is not the GTIN of ${subject.id}` });
      for (const [field, ai] of [['batchNumber', '10'], ['itemNumber', '21']] as const) {
        const inLink = qualifierOf(dl, ai);
        if (inLink !== undefined && typeof subject[field] === 'string' && subject[field] !== inLink) {
          problems.push({ path: at(field), message: `${String(subject[field])} is not the (${ai}) ${inLink} of the Digital Link` });
        }
      }
    }
  }
  const materials = asArray(subject.materialProvenance as unknown).filter(isObject);
  materials.forEach((m, j) => {
    if (typeof m.casNumber === 'string' && !isValidCasNumber(m.casNumber)) problems.push({ path: at(`materialProvenance[${j}].casNumber`), message: `${m.casNumber} has a wrong check digit` });
  });
  const total = materials.reduce((sum, m) => sum + (typeof m.massFraction === 'number' ? m.massFraction : 0), 0);
  if (total > 1 + 1e-9) problems.push({ path: at('materialProvenance'), message: `mass fractions add up to ${total.toFixed(4)}, more than 1` });
  return problems;
}

const checkPassport: SubjectCheck = (subject, at) => otherUnitProblems(subject, at, 'predecessor');

const checkLicence: SubjectCheck = (subject, at) =>
  typeof subject.licenseValue === 'string' && !isGs1CompanyPrefix(subject.licenseValue)
    ? [{ path: at('licenseValue'), message: `${subject.licenseValue} is not a GS1 Company Prefix (4 to 12 digits)` }]
    : [];

/** Only that the subject is the Digital Link of one of `levels` (its check digit included). */
const aboutOneOf =
  (...levels: Level[]): SubjectCheck =>
  (subject, at) => {
    const problems: SubjectProblem[] = [];
    subjectLink(subject, at, problems, levels);
    return problems;
  };

const checkAccreditation: SubjectCheck = (subject, at) => gtinProblems(subject.accreditedFor, (j) => at(`accreditedFor[${j}]`));

const checkRepair: SubjectCheck = (subject, at) => {
  const problems: SubjectProblem[] = [];
  subjectLink(subject, at, problems, ['unit']);
  asArray(subject.partReplaced as unknown).forEach((part, j) => {
    if (isObject(part)) problems.push(...gtinProblems(part.gtin, () => at(`partReplaced[${j}].gtin`)));
  });
  return problems;
};

const checkTransferAuthorization: SubjectCheck = (subject, at, credential) => {
  const problems: SubjectProblem[] = [];
  subjectLink(subject, at, problems, ['unit']);
  if (typeof subject.transferredTo === 'string' && subject.transferredTo === issuerId(credential)) {
    problems.push({ path: at('transferredTo'), message: 'the buyer is the seller who signs the authorisation' });
  }
  return problems;
};

const checkTransfer: SubjectCheck = (subject, at) => {
  const problems: SubjectProblem[] = [];
  const unit = subjectLink(subject, at, problems, ['unit']);
  if (typeof subject.transferredTo === 'string' && subject.transferredTo === subject.transferredFrom) {
    problems.push({ path: at('transferredTo'), message: 'the buyer is the seller' });
  }
  // The registry's transfer restates what the seller signed: the same unit, seller, buyer and ownership.
  const authorization = subject.authorization;
  if (!isObject(authorization)) return problems;
  const authorized = isObject(authorization.credentialSubject) ? authorization.credentialSubject : {};
  const disagree = (claim: string, signed: unknown, what: string) => {
    if (subject[claim] !== undefined && signed !== subject[claim]) {
      problems.push({ path: at(claim), message: `${String(subject[claim])} is not the ${what} that the authorisation names (${String(signed)})` });
    }
  };
  disagree('transferredFrom', issuerId(authorization), 'seller');
  disagree('transferredTo', authorized.transferredTo, 'buyer');
  disagree('previousOwnership', authorized.ownership, 'ownership');
  if (unit && typeof authorized.id === 'string') {
    const inAuthorization = digitalLinkAt(authorized.id, at('authorization.credentialSubject.id'), problems);
    if (inAuthorization && identityOf(inAuthorization) !== identityOf(unit)) {
      problems.push({ path: at('authorization.credentialSubject.id'), message: `the authorisation is about ${authorized.id}, not ${String(subject.id)}` });
    }
  }
  return problems;
};

const checkRecall: SubjectCheck = (subject, at) => {
  const problems: SubjectProblem[] = [];
  const dl = subjectLink(subject, at, problems, ['batch', 'gtin']);
  const affects = subject.affects;
  if (!dl || !isObject(affects)) return problems;
  const forms = ['batchNumber', 'firstItemNumber', 'itemNumber'].filter((name) => affects[name] !== undefined);
  if (forms.length !== 1) {
    problems.push({ path: at('affects'), message: 'names exactly one of batchNumber, firstItemNumber/lastItemNumber and itemNumber' });
  } else if (forms[0] === 'batchNumber') {
    const batch = qualifierOf(dl, '10');
    if (batch === undefined) problems.push({ path: at('id'), message: `a recall of batch ${String(affects.batchNumber)} is about the batch's Digital Link, not ${String(subject.id)}` });
    else if (batch !== affects.batchNumber) problems.push({ path: at('affects.batchNumber'), message: `${String(affects.batchNumber)} is not the (10) ${batch} of the Digital Link` });
  } else if (levelOf(dl) !== 'gtin') {
    problems.push({ path: at('id'), message: `a recall of serials is about the GTIN's Digital Link (01 alone), not ${String(subject.id)}` });
  }
  return problems;
};

const checkEndOfLife: SubjectCheck = (subject, at) => {
  const problems: SubjectProblem[] = [];
  subjectLink(subject, at, problems, ['unit']);
  problems.push(...otherUnitProblems(subject, at, 'successor'));
  asArray(subject.recoveredMaterial as unknown).forEach((m, j) => {
    if (isObject(m) && typeof m.casNumber === 'string' && !isValidCasNumber(m.casNumber)) {
      problems.push({ path: at(`recoveredMaterial[${j}].casNumber`), message: `${m.casNumber} has a wrong check digit` });
    }
  });
  return problems;
};

/** The checks of each credential type beyond the product checks every subject gets. */
const CHECKS: Readonly<Record<string, SubjectCheck>> = {
  DigitalProductPassport: checkPassport,
  GS1CompanyPrefixLicenseCredential: checkLicence,
  KeyCredential: aboutOneOf('gtin', 'unit'),
  WarrantyCredential: aboutOneOf('gtin', 'unit'),
  RepairerAccreditationCredential: checkAccreditation,
  RepairRecordCredential: checkRepair,
  OwnershipCredential: aboutOneOf('unit'),
  OwnershipTransferAuthorization: checkTransferAuthorization,
  OwnershipTransferCredential: checkTransfer,
  RecallNoticeCredential: checkRecall,
  EndOfLifeCredential: checkEndOfLife,
};

/**
 * Problems with the subjects of a credential of any type: the product checks (GTIN and CAS check
 * digits, identity fields against the Digital Link, mass fractions), then those of its credential type;
 * [] when it has no subject or all agree.
 */
export function checkProductSubject(credential: JsonObject): SubjectProblem[] {
  const problems: SubjectProblem[] = [];
  const checks = typesOf(credential).flatMap((type) => (Object.hasOwn(CHECKS, type) ? [CHECKS[type]!] : []));
  asArray(credential.credentialSubject as unknown).filter(isObject).forEach((subject, i) => {
    const at: At = (name) => `credentialSubject${Array.isArray(credential.credentialSubject) ? `[${i}]` : ''}.${name}`;
    problems.push(...productProblems(subject, at));
    for (const check of checks) problems.push(...check(subject, at, credential));
  });
  return problems;
}
