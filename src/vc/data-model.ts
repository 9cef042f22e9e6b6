// Checks a credential or presentation against the W3C VC Data Model 2.0 rules that can be checked on the JSON alone.
//
// What JSON-LD processing catches (protected term redefinition, undefined terms, terms mapped to
// non-URLs) is left to `jsonld.expand(doc, {safe: true})`; run both. Never mutates its input.
import { trimUrl } from './credential.js';

/**
 * One violated rule: where (`issuer`, `credentialSubject[0].id`, `""` for the document itself)
 * and what, in the specification's own words where it has them.
 * @see https://www.w3.org/TR/vc-data-model-2.0/#basic-concepts
 */
export interface DataModelProblem {
  path: string;
  message: string;
}

type Json = Record<string, unknown>;
type Report = (path: string, message: string) => void;

const BASE_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
const ENVELOPED_CREDENTIAL = 'EnvelopedVerifiableCredential';

/** RFC 3986 absolute URI: a scheme, a colon, then no whitespace or characters URIs never carry. */
const URL_MATCHER = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]+$/;
/** RFC 2397: `data:[<mediatype>][;base64],<data>`. */
const DATA_URL_MATCHER = /^data:[^,\s]*,\S*$/;

// XML Schema 1.1 dateTimeStamp, built from the named pieces of the expression the VC DM 2.0 gives in §5.8.
const YEAR = '(-?(?:[1-9][0-9]{3,}|0[0-9]{3}))';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[12][0-9]|3[01])';
const TIME = '(?:([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\\.[0-9]+)?|(24):(00):(00)(\\.0+)?)';
const TIMEZONE = '(Z|([+-])((?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))';
const DATE_TIME_STAMP = new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${TIMEZONE}$`);

/**
 * Objects that "MUST have a type specified" (§4.5 table, §5.10 reserved extension points), and
 * `proof` (VC Data Integrity §2.1). `idRequired`: "Each credentialSchema MUST specify its type
 * ... and an id property".
 */
const TYPED_PROPERTIES: ReadonlyArray<{ name: string; idRequired: boolean }> = [
  { name: 'credentialStatus', idRequired: false },
  { name: 'credentialSchema', idRequired: true },
  { name: 'refreshService', idRequired: false },
  { name: 'termsOfUse', idRequired: false },
  { name: 'evidence', idRequired: false },
  { name: 'confidenceMethod', idRequired: false },
  { name: 'renderMethod', idRequired: false },
  { name: 'proof', idRequired: false },
];

/** Presentations carry only these of the typed properties. */
const PRESENTATION_TYPED_PROPERTIES = TYPED_PROPERTIES.filter((p) => p.name === 'termsOfUse' || p.name === 'proof');

const LANGUAGE_VALUE_KEYS = new Set(['@value', '@language', '@direction']);

/**
 * Problems with `value` as a verifiable credential; `[]` means it conforms structurally.
 * @see https://www.w3.org/TR/vc-data-model-2.0/#verifiable-credentials
 */
export function checkCredentialDataModel(value: unknown): DataModelProblem[] {
  return collect((report) => checkCredential(value, '', report));
}

/**
 * Problems with `value` as a verifiable presentation, including each embedded credential
 * (enveloped ones are checked as envelopes, not opened).
 * @see https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations
 */
export function checkPresentationDataModel(value: unknown): DataModelProblem[] {
  return collect((report) => checkPresentation(value, '', report));
}

function collect(check: (report: Report) => void): DataModelProblem[] {
  const problems: DataModelProblem[] = [];
  check((path, message) => problems.push({ path, message }));
  return problems;
}

// --- documents -------------------------------------------------------------------------------

function checkCredential(value: unknown, path: string, report: Report): void {
  if (!isObject(value)) return report(path, 'A verifiable credential MUST be a JSON object.');
  checkContext(value, path, report);
  checkOptionalId(value, path, report);
  checkDocumentType(value, path, 'VerifiableCredential', report);
  checkNameAndDescription(value, path, report);
  checkIssuer(value, path, report);
  checkCredentialSubject(value, path, report);
  checkValidityPeriod(value, path, report);
  for (const property of TYPED_PROPERTIES) checkTypedProperty(value, path, property.name, property.idRequired, report);
  checkRelatedResource(value, path, report);
}

function checkPresentation(value: unknown, path: string, report: Report): void {
  if (!isObject(value)) return report(path, 'A verifiable presentation MUST be a JSON object.');
  checkContext(value, path, report);
  checkOptionalId(value, path, report);
  checkDocumentType(value, path, 'VerifiablePresentation', report);
  checkHolder(value, path, report);
  checkVerifiableCredentials(value, path, report);
  for (const property of PRESENTATION_TYPED_PROPERTIES) checkTypedProperty(value, path, property.name, property.idRequired, report);
}

// --- @context, id, type ----------------------------------------------------------------------

function checkContext(doc: Json, path: string, report: Report): void {
  const at = join(path, '@context');
  if (!('@context' in doc)) return report(at, 'Verifiable credentials and verifiable presentations MUST include a @context property.');
  const context = doc['@context'];
  if (!Array.isArray(context) || context[0] !== BASE_CONTEXT) {
    return report(at, `The value of the @context property MUST be an ordered set where the first item is a URL with the value ${BASE_CONTEXT}.`);
  }
  context.forEach((item, i) => {
    if (i > 0 && !isUrl(item) && !isObject(item)) {
      report(index(at, i), 'Subsequent items in the ordered set MUST be composed of any combination of URLs and objects.');
    }
  });
}

/** §4.4: "If present, the value of the id property MUST be a single URL". */
function checkOptionalId(node: Json, path: string, report: Report): void {
  if ('id' in node) checkUrl(node['id'], join(path, 'id'), 'the id property', report);
}

function checkRequiredId(node: Json, path: string, what: string, report: Report): void {
  if (!('id' in node)) return report(join(path, 'id'), `${what} MUST have an id property.`);
  checkOptionalId(node, path, report);
}

function checkUrl(value: unknown, path: string, what: string, report: Report): void {
  if (Array.isArray(value)) return report(path, `The value of ${what} MUST be a single URL, not a list.`);
  if (!isUrl(value)) report(path, `The value of ${what} MUST be a URL.`);
}

/** Verifiable credentials and presentations "MUST contain a type property"; one value MUST be `required`. */
function checkDocumentType(doc: Json, path: string, required: string, report: Report): void {
  const at = join(path, 'type');
  if (!('type' in doc)) return report(at, 'Verifiable credentials and verifiable presentations MUST contain a type property with an associated value.');
  const types = checkTypeValue(doc['type'], at, report);
  if (types && !types.includes(required)) report(at, `One value of the type property MUST be ${required}.`);
}

/** §4.5: "The value of the type property MUST be one or more terms and absolute URL strings." Returns the strings. */
function checkTypeValue(value: unknown, path: string, report: Report): string[] | undefined {
  const types = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(types) || types.length === 0 || !types.every(isTypeString)) {
    report(path, 'The value of the type property MUST be one or more terms and absolute URL strings.');
    return undefined;
  }
  return types as string[];
}

/** A term or an absolute URL: a non-empty string; terms and URLs never contain whitespace. */
function isTypeString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && !/\s/.test(value);
}

// --- credential properties -------------------------------------------------------------------

/** §4.7: "The value of the issuer property MUST be either a URL or an object containing an id property whose value is a URL". */
function checkIssuer(credential: Json, path: string, report: Report): void {
  const at = join(path, 'issuer');
  if (!('issuer' in credential)) return report(at, 'A verifiable credential MUST have an issuer property.');
  const issuer = credential['issuer'];
  if (typeof issuer === 'string') return checkUrl(issuer, at, 'the issuer property', report);
  if (!isObject(issuer)) {
    return report(at, 'The value of the issuer property MUST be either a URL or an object containing an id property whose value is a URL.');
  }
  checkRequiredId(issuer, at, 'An issuer object', report);
  checkNameAndDescription(issuer, at, report);
}

/** §4.8: "a set of objects where each object MUST be the subject of one or more claims". */
function checkCredentialSubject(credential: Json, path: string, report: Report): void {
  const at = join(path, 'credentialSubject');
  if (!('credentialSubject' in credential)) return report(at, 'A verifiable credential MUST contain a credentialSubject property.');
  forEachObject(credential['credentialSubject'], at, 'credentialSubject', report, (subject, subjectPath) => {
    if (!Object.keys(subject).some((key) => key !== '@context')) {
      report(subjectPath, 'Each credentialSubject object MUST be the subject of one or more claims.');
    }
    checkOptionalId(subject, subjectPath, report);
  });
}

/** §4.9: validFrom and validUntil are dateTimeStamps, and validFrom is not later than validUntil. */
function checkValidityPeriod(credential: Json, path: string, report: Report): void {
  const validFrom = checkDateTimeStamp(credential, path, 'validFrom', report);
  const validUntil = checkDateTimeStamp(credential, path, 'validUntil', report);
  if (validFrom !== undefined && validUntil !== undefined && validFrom > validUntil) {
    report(join(path, 'validUntil'), 'If a validFrom value also exists, the validUntil value MUST express a point in time that is temporally the same or later than the point in time expressed by the validFrom value.');
  }
}

/** Returns the instant in milliseconds since the epoch when the property is a well-formed dateTimeStamp. */
function checkDateTimeStamp(credential: Json, path: string, name: string, report: Report): number | undefined {
  if (!(name in credential)) return undefined;
  const value = credential[name];
  const instant = typeof value === 'string' ? parseDateTimeStamp(value) : undefined;
  if (instant === undefined) report(join(path, name), `If present, the value of the ${name} property MUST be an [XMLSCHEMA11-2] dateTimeStamp string value.`);
  return Number.isNaN(instant) ? undefined : instant;
}

/** `undefined` if not a dateTimeStamp; `NaN` if well-formed but beyond what a Date can hold (so not comparable). */
function parseDateTimeStamp(value: string): number | undefined {
  const m = DATE_TIME_STAMP.exec(value);
  if (!m) return undefined;
  const [, year, month, day, h1, mi1, s1, frac1, h2, mi2, s2, frac2, zone, sign, offset] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(h1 ?? h2), Number(mi1 ?? mi2), Number(s1 ?? s2), 0);
  const fraction = Number(`0${frac1 ?? frac2 ?? ''}`) * 1000;
  const offsetMinutes = zone === 'Z' ? 0 : offsetToMinutes(sign, offset);
  return date.getTime() + fraction - offsetMinutes * 60_000;
}

function offsetToMinutes(sign: string | undefined, offset: string | undefined): number {
  const [hours, minutes] = (offset ?? '00:00').split(':').map(Number);
  return (sign === '-' ? -1 : 1) * ((hours ?? 0) * 60 + (minutes ?? 0));
}

/** §5.3: each related resource has a unique id and at least a digestSRI or a digestMultibase. */
function checkRelatedResource(credential: Json, path: string, report: Report): void {
  if (!('relatedResource' in credential)) return;
  const seen = new Set<string>();
  forEachObject(credential['relatedResource'], join(path, 'relatedResource'), 'relatedResource', report, (resource, at) => {
    checkRequiredId(resource, at, 'Each relatedResource object', report);
    const id = resource['id'];
    if (typeof id === 'string') {
      if (seen.has(id)) report(join(at, 'id'), 'The id of a related resource MUST be unique among the list of related resource objects.');
      seen.add(id);
    }
    checkDigests(resource, at, report);
  });
}

function checkDigests(resource: Json, path: string, report: Report): void {
  const digests = ['digestSRI', 'digestMultibase'].filter((name) => name in resource);
  if (digests.length === 0) report(path, 'Each object associated with relatedResource MUST contain at least a digestSRI or a digestMultibase value.');
  for (const name of digests) {
    const digest = resource[name];
    if (typeof digest !== 'string' || digest.length === 0) report(join(path, name), `The value of ${name} MUST be a string.`);
  }
}

/** Each value of a typed property "MUST specify its type" and follows §4.4 for its id. */
function checkTypedProperty(doc: Json, path: string, name: string, idRequired: boolean, report: Report): void {
  if (!(name in doc)) return;
  forEachObject(doc[name], join(path, name), name, report, (node, at) => {
    if (!('type' in node)) report(join(at, 'type'), `Each ${name} value MUST specify its type.`);
    else checkTypeValue(node['type'], join(at, 'type'), report);
    if (idRequired) checkRequiredId(node, at, `Each ${name} value`, report);
    else checkOptionalId(node, at, report);
  });
}

// --- names and descriptions (§4.6, §11.1) -----------------------------------------------------

function checkNameAndDescription(node: Json, path: string, report: Report): void {
  for (const name of ['name', 'description']) {
    if (name in node) checkLanguageString(node[name], join(path, name), name, report);
  }
}

/** "MUST be a string or a language value object"; several languages are a list of them. */
function checkLanguageString(value: unknown, path: string, name: string, report: Report): void {
  if (Array.isArray(value)) {
    if (value.length === 0) report(path, `If present, the value of the ${name} property MUST be a string or a language value object.`);
    value.forEach((item, i) => checkLanguageString(item, index(path, i), name, report));
    return;
  }
  if (typeof value === 'string') return;
  if (!isObject(value)) return report(path, `If present, the value of the ${name} property MUST be a string or a language value object.`);
  checkLanguageValueObject(value, path, report);
}

function checkLanguageValueObject(value: Json, path: string, report: Report): void {
  if (typeof value['@value'] !== 'string') report(join(path, '@value'), 'A language value object MUST contain a @value property whose value is a string.');
  if ('@language' in value && typeof value['@language'] !== 'string') report(join(path, '@language'), 'The @language of a language value object MUST be a string.');
  if ('@direction' in value && value['@direction'] !== 'ltr' && value['@direction'] !== 'rtl') {
    report(join(path, '@direction'), 'The @direction of a language value object MUST be a base direction: "ltr" or "rtl".');
  }
  for (const key of Object.keys(value)) {
    if (!LANGUAGE_VALUE_KEYS.has(key)) report(join(path, key), 'The language value object MUST NOT include any other keys beyond @value, @language, and @direction.');
  }
}

// --- presentation properties -----------------------------------------------------------------

/** §4.13: holder, "If present, the value MUST be either a URL or an object containing an id property". */
function checkHolder(presentation: Json, path: string, report: Report): void {
  if (!('holder' in presentation)) return;
  const at = join(path, 'holder');
  const holder = presentation['holder'];
  if (typeof holder === 'string') return checkUrl(holder, at, 'the holder property', report);
  if (!isObject(holder)) return report(at, 'The value of the holder property MUST be either a URL or an object containing an id property.');
  checkRequiredId(holder, at, 'A holder object', report);
}

/** "one or more verifiable credential and/or enveloped verifiable credential objects (the values MUST NOT be non-object values such as numbers, strings, or URLs)". */
function checkVerifiableCredentials(presentation: Json, path: string, report: Report): void {
  if (!('verifiableCredential' in presentation)) return;
  forEachObject(presentation['verifiableCredential'], join(path, 'verifiableCredential'), 'verifiableCredential', report, (credential, at) => {
    if (typeIncludes(credential, ENVELOPED_CREDENTIAL)) checkEnvelopedCredential(credential, at, report);
    else checkCredential(credential, at, report);
  });
}

/** §4.13 enveloped verifiable credentials: @context with the base context, a `data:` URL id, type EnvelopedVerifiableCredential. */
function checkEnvelopedCredential(envelope: Json, path: string, report: Report): void {
  const context = envelope['@context'];
  const contexts = Array.isArray(context) ? context : [context];
  if (!contexts.includes(BASE_CONTEXT)) {
    report(join(path, '@context'), `The @context property of the object MUST be present and include a context, such as ${BASE_CONTEXT}, that defines EnvelopedVerifiableCredential.`);
  }
  const id = envelope['id'];
  if (typeof id !== 'string' || !DATA_URL_MATCHER.test(trimUrl(id))) {
    report(join(path, 'id'), 'The id value of the object MUST be a data: URL [RFC2397] that expresses a secured verifiable credential.');
  }
  const type = envelope['type'];
  const onlyEnveloped = type === ENVELOPED_CREDENTIAL || (Array.isArray(type) && type.length === 1 && type[0] === ENVELOPED_CREDENTIAL);
  if (!onlyEnveloped) report(join(path, 'type'), `The type value of the object MUST be ${ENVELOPED_CREDENTIAL}.`);
}

// --- helpers ---------------------------------------------------------------------------------

/** Visits a property whose value is "one or more objects": an object, or a non-empty array of objects. */
function forEachObject(value: unknown, path: string, name: string, report: Report, visit: (node: Json, path: string) => void): void {
  if (isObject(value)) return visit(value, path);
  if (!Array.isArray(value) || value.length === 0) return report(path, `The value of ${name} MUST be one or more objects.`);
  value.forEach((item, i) => {
    if (isObject(item)) visit(item, index(path, i));
    else report(index(path, i), `The value of ${name} MUST be one or more objects, not non-object values such as numbers, strings, or URLs.`);
  });
}

function typeIncludes(node: Json, type: string): boolean {
  const value = node['type'];
  return value === type || (Array.isArray(value) && value.includes(type));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUrl(value: unknown): value is string {
  return typeof value === 'string' && URL_MATCHER.test(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
