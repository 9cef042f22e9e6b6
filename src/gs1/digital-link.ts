// GS1 Digital Link URIs: parse and validate, format canonically, convert to and from AI element strings.
// @see GS1 Digital Link Standard: URI Syntax 1.4 (https://ref.gs1.org/standards/digital-link/uri-syntax/)
import { PATH_SEQUENCES, QUALIFIERS, isValidPathSequence, lookupAi, type AiEntry } from './ai.js';
import { uriEscape, uriUnescape } from './escape.js';
import { DL_MATCHER, ORIGIN_MATCHER, STEM_MATCHER, URI_CHARACTERS_MATCHER } from './grammar.js';
import { dlError, validateAiValue } from './validate.js';

/** An Application Identifier and its value, e.g. `{ ai: '01', value: '09506000134352' }`. */
export interface AiValue {
  ai: string;
  value: string;
}

/**
 * A parsed GS1 Digital Link.
 * @see GS1 Digital Link Standard: URI Syntax, §4 (primary key, key qualifiers, data attributes)
 */
export interface DigitalLink {
  /** Scheme, authority and any path prefix before the primary key, without a trailing slash, e.g. "https://id.gs1.org". */
  stem: string;
  /** The primary key, e.g. `{ ai: '01', value: '09506000134352' }`. */
  primaryKey: AiValue;
  /** The key qualifiers in path order (for a GTIN: 22, 10, 21). */
  qualifiers: AiValue[];
  /** The data attributes from the query, in the order given. */
  attributes: AiValue[];
  /** Query parameters that are not AIs (linkType, context, …); the last of a repeated name wins. */
  params: Record<string, string>;
}

export const CANONICAL_STEM = 'https://id.gs1.org';

/** An AI value and where it came from, for the evidence of an error. */
export interface Located extends AiValue {
  where: Record<string, unknown>;
}

function entryOf(ai: string, where: Record<string, unknown>, place: string): AiEntry {
  const entry = lookupAi(ai);
  if (!entry) throw dlError('DL_UNKNOWN_AI', `${ai} in the ${place} is not a GS1 Application Identifier`, { ai, ...where });
  return entry;
}

function checkUri(uri: string): void {
  if (typeof uri !== 'string') throw new TypeError('a Digital Link must be a string');
  if (!URI_CHARACTERS_MATCHER.test(uri)) {
    let position = 0;
    while (position < uri.length && URI_CHARACTERS_MATCHER.test(uri[position]!)) position++;
    const character = String.fromCodePoint(uri.codePointAt(position)!);
    throw dlError('DL_INVALID', `The URI has a character that a URI may not hold at ${position}`, { position, character });
  }
}

/** Why `uri`, which holds only URI characters, is not an uncompressed Digital Link. */
function notADigitalLink(uri: string): never {
  const origin = ORIGIN_MATCHER.exec(uri);
  if (!origin) {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(uri);
    throw dlError('DL_INVALID', scheme ? 'A Digital Link needs http or https (all lower or all upper case) and a host' : 'Not an http(s) URI', { reason: scheme ? 'scheme or host' : 'not a URI', position: 0 });
  }
  if (origin[2] !== '/') throw dlError('DL_INVALID', 'A Digital Link needs a path holding its primary key', { reason: 'no path', position: origin[0].length });
  throw dlError('DL_INVALID', 'No GS1 primary key (/01/…, /00/…, /414/…) followed only by AI/value pairs in the path', { reason: 'no primary key in the path', position: origin[0].length - 1 });
}

/** Splits a query into data attributes and other parameters. `offset` is the position of the query in the URI. */
export function parseQuery(query: string, offset: number): { attributes: Located[]; params: Record<string, string> } {
  const attributes: Located[] = [];
  // A Map, so that a parameter named "__proto__" is data like any other.
  const params = new Map<string, string>();
  let position = offset;
  for (const item of query.split('&')) {
    const start = position;
    position += item.length + 1;
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = uriUnescape(eq < 0 ? item : item.slice(0, eq), true);
    const raw = eq < 0 ? '' : item.slice(eq + 1);
    const where = { segment: item, position: start };
    if (eq >= 0 && /^\d+$/.test(name)) {
      entryOf(name, where, 'query');
      const value = uriUnescape(raw, true);
      if (value.includes('\0')) throw dlError('DL_INVALID_VALUE', `AI (${name}) in the query decodes to a null character`, { ai: name, ...where, reason: 'null character' });
      attributes.push({ ai: name, value, where });
    } else if (name !== '') {
      params.set(name, uriUnescape(raw, true));
    }
  }
  return { attributes, params: Object.fromEntries(params) };
}

/**
 * Data attributes must be permitted as such, appear once, and not be key qualifiers that belong in the path.
 * `path` is the path's AI sequence, primary key first.
 */
function checkAttributes(path: readonly string[], attributes: readonly Located[]): void {
  const seen = new Set(path);
  for (const { ai, where } of attributes) {
    if (seen.has(ai)) throw dlError('DL_DUPLICATE_AI', `AI (${ai}) appears more than once`, { ai, ...where });
    seen.add(ai);
    const entry = lookupAi(ai)!;
    for (let i = 1; i <= path.length; i++) {
      if (isValidPathSequence([...path.slice(0, i), ai, ...path.slice(i)])) {
        throw dlError('DL_QUALIFIER_IN_QUERY', `AI (${ai}) is a key qualifier of (${path[0]}): it belongs in the path, after ${path.slice(0, i).map((a) => `/${a}/…`).join('')}`, { ai, primaryKey: path[0], ...where });
      }
    }
    if (!entry.dataAttribute) {
      if (QUALIFIERS.has(ai)) throw dlError('DL_QUALIFIER_IN_QUERY', `AI (${ai}) is a key qualifier, not a data attribute, and cannot qualify (${path.join(')(')})`, { ai, primaryKey: path[0], ...where });
      throw dlError('DL_INVALID', `AI (${ai}) is not permitted as a Digital Link data attribute`, { ai, reason: 'not a data attribute', ...where });
    }
  }
}

function checkPath(key: string, qualifiers: readonly Located[]): void {
  const seen = new Set([key]);
  for (const { ai, where } of qualifiers) {
    if (seen.has(ai)) throw dlError('DL_DUPLICATE_AI', `AI (${ai}) appears more than once`, { ai, ...where });
    seen.add(ai);
  }
  const sequence = [key, ...qualifiers.map((q) => q.ai)];
  if (!isValidPathSequence(sequence)) {
    const allowed = (lookupAi(key)!.qualifierSequences ?? []).filter((s) => s.length > 0).map((s) => s.join(','));
    const misplaced = qualifiers.find((q, i) => !isValidPathSequence(sequence.slice(0, i + 2))) ?? qualifiers[0]!;
    throw dlError('DL_INVALID_PATH', `/${sequence.join('/…/')}/… is not a valid key-qualifier path for (${key})${allowed.length ? `: qualifiers are ${allowed.join(' or ')}, in that order` : ', which takes no qualifiers'}`,
      { primaryKey: key, path: sequence, allowed, ai: misplaced.ai, ...misplaced.where });
  }
}

function validateAll(items: readonly Located[]): void {
  for (const { ai, value, where } of items) validateAiValue(lookupAi(ai)!, value, where);
}

const strip = ({ ai, value }: AiValue): AiValue => ({ ai, value });

/**
 * Parses and validates an uncompressed GS1 Digital Link URI; when it is not one, `decompress` may make a Digital
 * Link of it (undefined: not compressed either). Throws DigitalLinkError with a DL_* code and evidence naming
 * the offending part (`ai`, `segment`, `position` in the URI).
 */
export function parseWith(uri: string, decompress?: (uri: string) => DigitalLink | undefined): DigitalLink {
  checkUri(uri);
  const match = DL_MATCHER.exec(uri);
  if (!match) {
    const decompressed = decompress?.(uri);
    if (decompressed) return decompressed;
    notADigitalLink(uri);
  }
  const [, stem, keyAi, keyRaw, qualifierText, query] = match as unknown as [string, string, string, string, string, string | undefined];
  const keyPosition = stem.length;
  const key: Located = { ai: keyAi, value: decodePathValue(keyAi, keyRaw, keyPosition + keyAi.length + 2), where: { segment: keyRaw, position: keyPosition + keyAi.length + 2 } };

  const qualifiers: Located[] = [];
  const pairs = /\/(\d{2,4})\/([^/?#]*)/g;
  const qualifierOffset = keyPosition + keyAi.length + keyRaw.length + 2;
  for (let m = pairs.exec(qualifierText); m; m = pairs.exec(qualifierText)) {
    const [, ai, raw] = m as unknown as [string, string, string];
    const position = qualifierOffset + m.index + ai.length + 2;
    entryOf(ai, { segment: `${ai}/${raw}`, position: qualifierOffset + m.index + 1 }, 'path');
    qualifiers.push({ ai, value: decodePathValue(ai, raw, position), where: { segment: raw, position } });
  }
  checkPath(keyAi, qualifiers);

  const { attributes, params } = query === undefined ? { attributes: [], params: {} } : parseQuery(query, qualifierOffset + qualifierText.length + 1);
  checkAttributes([keyAi, ...qualifiers.map((q) => q.ai)], attributes);
  validateAll([key, ...qualifiers, ...attributes]);
  return { stem, primaryKey: strip(key), qualifiers: qualifiers.map(strip), attributes: attributes.map(strip), params };
}

function decodePathValue(ai: string, raw: string, position: number): string {
  const value = uriUnescape(raw, false);
  if (value.includes('\0')) throw dlError('DL_INVALID_VALUE', `AI (${ai}) in the path decodes to a null character`, { ai, segment: raw, position, reason: 'null character' });
  return value;
}

/** The order of `key`'s qualifiers in its qualifier sequence that holds all of them, or undefined. */
function orderQualifiers(key: string, qualifiers: readonly AiValue[]): AiValue[] | undefined {
  for (const sequence of lookupAi(key)?.qualifierSequences ?? []) {
    if (qualifiers.every((q) => sequence.includes(q.ai))) return [...qualifiers].sort((a, b) => sequence.indexOf(a.ai) - sequence.indexOf(b.ai));
  }
  return undefined;
}

/**
 * The canonical URI of `dl`: primary key, then its qualifiers in the standard order, in the path; data attributes
 * and then other parameters in the query; percent-encoded as GS1 does it. Validates like parseDigitalLink.
 * The stem is `options.stem`, else `dl.stem`, else https://id.gs1.org.
 */
export function formatDigitalLink(dl: DigitalLink, options: { stem?: string } = {}): string {
  const stem = trimStem(options.stem ?? (dl.stem || CANONICAL_STEM));
  const key = dl.primaryKey;
  if (!lookupAi(key.ai)?.qualifierSequences) throw dlError('DL_INVALID', `AI (${key.ai}) is not a Digital Link primary key`, { ai: key.ai, reason: 'not a primary key' });
  const qualifiers = dl.qualifiers.map((q) => ({ ...strip(q), where: { part: 'qualifiers' } }));
  for (const q of qualifiers) entryOf(q.ai, q.where, 'qualifiers');
  const ordered = orderQualifiers(key.ai, qualifiers) ?? qualifiers;
  checkPath(key.ai, ordered as Located[]);
  const attributes = dl.attributes.map((a) => ({ ...strip(a), where: { part: 'attributes' } }));
  for (const a of attributes) entryOf(a.ai, a.where, 'attributes');
  checkAttributes([key.ai, ...ordered.map((q) => q.ai)], attributes);
  validateAll([{ ...strip(key), where: { part: 'primaryKey' } }, ...(ordered as Located[]), ...attributes]);

  let uri = stem + digitalLinkPath({ primaryKey: key, qualifiers: ordered });
  const query = attributes.map((a) => `${a.ai}=${uriEscape(a.value, true)}`);
  for (const [name, value] of Object.entries(dl.params ?? {})) {
    // A numeric name with a value would read back as an AI; alone (no "="), it reads back as a parameter.
    if (name === '' || (/^\d+$/.test(name) && value !== '')) throw new TypeError(`params: ${JSON.stringify(name)} is not a parameter name (AIs go in attributes)`);
    query.push(value === '' ? uriEscape(name, true) : `${uriEscape(name, true)}=${uriEscape(value, true)}`);
  }
  if (query.length) uri += '?' + query.join('&');
  return uri;
}

function trimStem(stem: string): string {
  const trimmed = stem.endsWith('/') ? stem.slice(0, -1) : stem;
  if (!STEM_MATCHER.test(trimmed) || !URI_CHARACTERS_MATCHER.test(trimmed)) throw new TypeError(`stem ${JSON.stringify(stem)} is not an http(s) URI prefix`);
  return trimmed;
}

/** Bracketed AI element string: primary key, qualifiers, attributes, e.g. "(01)09506000134352(10)B2026-11(21)HP-000123". */
/** The path of a parsed (so already validated and ordered) Digital Link's key and qualifiers, `/01/…/21/…`, without validating again. */
export function digitalLinkPath(dl: Pick<DigitalLink, 'primaryKey' | 'qualifiers'>): string {
  return [dl.primaryKey, ...dl.qualifiers].map((p) => `/${p.ai}/${uriEscape(p.value, false)}`).join('');
}

export function toElementString(dl: Pick<DigitalLink, 'primaryKey' | 'qualifiers' | 'attributes'>): string {
  return [dl.primaryKey, ...dl.qualifiers, ...dl.attributes].map(({ ai, value }) => `(${ai})${value.replace(/\(/g, '\\(')}`).join('');
}

/**
 * The unbracketed element string as a barcode carries it: `fnc1` (GS1's test tables write "^") first, then each
 * AI and value, with `fnc1` after every value whose AI has no predefined length, except the last.
 */
export function toUnbracketedElementString(dl: Pick<DigitalLink, 'primaryKey' | 'qualifiers' | 'attributes'>, fnc1 = '^'): string {
  const all = [dl.primaryKey, ...dl.qualifiers, ...dl.attributes];
  return fnc1 + all.map(({ ai, value }, i) => ai + value + (i < all.length - 1 && !lookupAi(ai)?.predefinedLength ? fnc1 : '')).join('');
}

/** Reads a bracketed element string into AI values (validated, in order). `\(` is a literal "(". */
export function parseElementString(bracketed: string): AiValue[] {
  if (typeof bracketed !== 'string') throw new TypeError('an element string must be a string');
  return readElementString(bracketed).map(strip);
}

function readElementString(bracketed: string): Located[] {
  const items: Located[] = [];
  let i = 0;
  while (i < bracketed.length) {
    const close = bracketed.indexOf(')', i);
    const ai = close < 0 ? '' : bracketed.slice(i + 1, close);
    if (bracketed[i] !== '(' || !/^\d{2,4}$/.test(ai)) {
      throw dlError('DL_INVALID', `Expected "(AI)" at ${i} of the element string`, { position: i, reason: 'malformed element string' });
    }
    entryOf(ai, { position: i }, 'element string');
    let value = '';
    let j = close + 1;
    for (; j < bracketed.length && bracketed[j] !== '('; j++) {
      if (bracketed[j] === '\\' && bracketed[j + 1] === '(') j++;
      value += bracketed[j];
    }
    items.push({ ai, value, where: { position: close + 1 } });
    i = j;
  }
  if (items.length === 0) throw dlError('DL_INVALID', 'The element string is empty', { position: 0, reason: 'empty' });
  for (const { ai, value, where } of items) validateAiValue(lookupAi(ai)!, value, where);
  return items;
}

/**
 * A Digital Link from AI values in any order, as GS1's engine builds one: the first primary key; the qualifier
 * sequence of that key that takes most of the AIs present, in its order; every other AI a data attribute,
 * those of predefined length first. Repeats of an AI with the same value are dropped.
 */
export function assembleDigitalLink(items: readonly (AiValue & { where?: Record<string, unknown> })[], stem: string, params: Record<string, string> = {}): DigitalLink {
  const unique: Located[] = [];
  for (const item of items) {
    const where = item.where ?? {};
    const earlier = unique.find((u) => u.ai === item.ai);
    if (!earlier) unique.push({ ai: item.ai, value: item.value, where });
    else if (earlier.value !== item.value) throw dlError('DL_DUPLICATE_AI', `AI (${item.ai}) appears twice with different values`, { ai: item.ai, values: [earlier.value, item.value], ...where });
  }
  const key = unique.find((u) => lookupAi(u.ai)?.qualifierSequences);
  if (!key) throw dlError('DL_INVALID', 'No GS1 primary key (01, 00, 414, 8004, …) among the AIs', { reason: 'no primary key', ais: unique.map((u) => u.ai) });

  let best: string[] = [];
  for (const sequence of PATH_SEQUENCES) {
    const [first, ...rest] = sequence.split(' ');
    if (first !== key.ai) continue;
    const present = rest.filter((ai) => unique.some((u) => u.ai === ai));
    if (present.length > best.length) best = present;
  }
  const qualifiers = best.map((ai) => unique.find((u) => u.ai === ai)!);
  const others = unique.filter((u) => u !== key && !qualifiers.includes(u));
  const attributes = [...others.filter((u) => lookupAi(u.ai)!.predefinedLength), ...others.filter((u) => !lookupAi(u.ai)!.predefinedLength)];
  const misplaced = attributes.find((a) => !lookupAi(a.ai)!.dataAttribute && (lookupAi(key.ai)!.qualifierSequences ?? []).some((s) => s.includes(a.ai)));
  if (misplaced) {
    throw dlError('DL_INVALID_PATH', `AI (${misplaced.ai}) cannot qualify (${key.ai}) together with ${best.map((a) => `(${a})`).join('') || 'the other AIs'}`,
      { ai: misplaced.ai, primaryKey: key.ai, path: [key.ai, ...best], ...misplaced.where });
  }
  checkAttributes([key.ai, ...best], attributes);
  validateAll([key, ...qualifiers, ...attributes]);
  return { stem: trimStem(stem), primaryKey: strip(key), qualifiers: qualifiers.map(strip), attributes: attributes.map(strip), params: { ...params } };
}

/** A Digital Link from a bracketed element string ("(01)…(10)…"), validated like parseDigitalLink. */
export function fromElementString(bracketed: string, options: { stem?: string } = {}): DigitalLink {
  if (typeof bracketed !== 'string') throw new TypeError('an element string must be a string');
  return assembleDigitalLink(readElementString(bracketed), options.stem ?? CANONICAL_STEM);
}
