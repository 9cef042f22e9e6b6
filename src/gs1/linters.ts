// The GS1 Barcode Syntax Tests ("linters") named in the AI table's format specifications, e.g. `N14,csum`.
//
// Each takes one component of an AI value and returns undefined when it passes, or the reason (GS1's
// GS1_LINTER_* name without the prefix) and the position of the offending character.
// @see https://ref.gs1.org/tools/gs1-barcode-syntax-resource/syntax-tests/
//
// Not implemented: `couponcode` (AI 8110, the North American coupon code), listed in UNIMPLEMENTED_LINTERS.
// An 8110 value still has its length and character set checked; only that linter is skipped, and
// test/conformance/gs1.ts prints the list and counts its unit-test cases as skipped, never as passed. `gcppos1`/`gcppos2` check what can be checked offline (the
// GS1 Company Prefix starts with four digits); whether a prefix is actually allocated needs GS1's registry.
import { CSET82, checkCharacterPair, checkDigit } from './check-digit.js';
import { isIso3166, isIso3166Alpha2, isIso4217, isMediaType, isPackageType } from './code-lists.js';

export interface LintFailure {
  /** GS1's linter result name without `GS1_LINTER_`, e.g. `INCORRECT_CHECK_DIGIT`. */
  error: string;
  /** Offset of the offending part within the component. */
  position: number;
}

export type Linter = (data: string) => LintFailure | undefined;

const fail = (error: string, position = 0): LintFailure => ({ error, position });
const CSET39 = '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CSET64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function firstNotIn(data: string, set: string): number {
  for (let i = 0; i < data.length; i++) if (!set.includes(data[i]!)) return i;
  return -1;
}

function firstNonDigit(data: string): number {
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) return i;
  }
  return -1;
}

const digitsOnly: Linter = (data) => {
  const at = firstNonDigit(data);
  return at < 0 ? undefined : fail('NON_DIGIT_CHARACTER', at);
};

export const csetNumeric: Linter = digitsOnly;

export const cset82: Linter = (data) => {
  const at = firstNotIn(data, CSET82);
  return at < 0 ? undefined : fail('INVALID_CSET82_CHARACTER', at);
};

export const cset39: Linter = (data) => {
  const at = firstNotIn(data, CSET39);
  return at < 0 ? undefined : fail('INVALID_CSET39_CHARACTER', at);
};

/** CSET 64 (URI-safe base64) with optional "=" padding: at most two, and only to a multiple of three. */
export const cset64: Linter = (data) => {
  let pads = 0;
  while (pads < data.length && data[data.length - 1 - pads] === '=') pads++;
  const length = data.length - pads;
  if (pads > 2 || (pads > 0 && data.length % 3 !== 0)) return fail('INVALID_CSET64_PADDING', length);
  const at = firstNotIn(data.slice(0, length), CSET64);
  return at < 0 ? undefined : fail('INVALID_CSET64_CHARACTER', at);
};

const csum: Linter = (data) => {
  const at = firstNonDigit(data);
  if (at >= 0) return fail('NON_DIGIT_CHARACTER', at);
  if (data.length < 1) return fail('TOO_SHORT_FOR_CHECK_DIGIT');
  if (data.length === 1) return data === '0' ? undefined : fail('INCORRECT_CHECK_DIGIT', 0);
  return checkDigit(data.slice(0, -1)) === data.slice(-1) ? undefined : fail('INCORRECT_CHECK_DIGIT', data.length - 1);
};

const csumalpha: Linter = (data) => {
  if (data.length < 2) return fail('TOO_SHORT_FOR_CHECK_PAIR');
  if (data.length - 2 > 97) return fail('TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION');
  const body = data.slice(0, -2);
  const at = firstNotIn(body, CSET82);
  if (at >= 0) return fail('INVALID_CSET82_CHARACTER', at);
  return checkCharacterPair(body) === data.slice(-2) ? undefined : fail('INCORRECT_CHECK_PAIR', data.length - 2);
};

/** The minimum-length GS1 Company Prefix (four digits) starting at `offset`. */
function gcp(offset: number): Linter {
  return (data) => {
    if (data.length - offset < 4) return fail('TOO_SHORT_FOR_GCP', offset);
    for (let i = offset; i < offset + 4; i++) if (data[i]! < '0' || data[i]! > '9') return fail('INVALID_GCP_PREFIX', i);
    return undefined;
  };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** YYMMDD or YYYYMMDD; `dayZero` permits day 00 ("no specific day"). Two-digit years: every fourth is leap. */
function date(yearDigits: 2 | 4, dayZero: boolean): Linter {
  const length = yearDigits + 4;
  return (data) => {
    const at = firstNonDigit(data);
    if (at >= 0) return fail('NON_DIGIT_CHARACTER', at);
    if (data.length < length) return fail('DATE_TOO_SHORT');
    if (data.length > length) return fail('DATE_TOO_LONG');
    const year = Number(data.slice(0, yearDigits));
    const month = Number(data.slice(yearDigits, yearDigits + 2));
    const day = Number(data.slice(yearDigits + 2));
    if (month < 1 || month > 12) return fail('ILLEGAL_MONTH', yearDigits);
    const leapYear = yearDigits === 2 ? (year % 4 === 0 ? 2000 : 2001) : year;
    if ((day === 0 && !dayZero) || day > daysInMonth(leapYear, month)) return fail('ILLEGAL_DAY', yearDigits + 2);
    return undefined;
  };
}

/** Two digits no greater than `max`: hours, minutes, seconds. */
function twoDigits(max: number, name: 'HOUR' | 'MINUTE' | 'SECOND'): Linter {
  return (data) => {
    const at = firstNonDigit(data);
    if (at >= 0) return fail('NON_DIGIT_CHARACTER', at);
    if (data.length < 2) return fail(`${name}_TOO_SHORT`);
    if (data.length > 2) return fail(`${name}_TOO_LONG`);
    return Number(data) > max ? fail(`ILLEGAL_${name}`) : undefined;
  };
}

const hhmi: Linter = (data) => {
  const at = firstNonDigit(data);
  if (at >= 0) return fail('NON_DIGIT_CHARACTER', at);
  if (data.length < 4) return fail('HOUR_WITH_MINUTE_TOO_SHORT');
  if (data.length > 4) return fail('HOUR_WITH_MINUTE_TOO_LONG');
  if (Number(data.slice(0, 2)) > 23) return fail('ILLEGAL_HOUR');
  if (Number(data.slice(2)) > 59) return fail('ILLEGAL_MINUTE', 2);
  return undefined;
};

const oneOf = (values: readonly string[], error: string): Linter => (data) => (values.includes(data) ? undefined : fail(error));

const nonzero: Linter = (data) => digitsOnly(data) ?? (/^0*$/.test(data) ? fail('ILLEGAL_ZERO_VALUE') : undefined);
const zero: Linter = (data) => (/^0+$/.test(data) ? undefined : fail('NOT_ZERO'));
const hyphen: Linter = (data) => (/^-+$/.test(data) ? undefined : fail('NOT_HYPHEN'));
const nozeroprefix: Linter = (data) => digitsOnly(data) ?? (data.startsWith('0') ? fail('ILLEGAL_ZERO_PREFIX') : undefined);
const hasnondigit: Linter = (data) => (firstNonDigit(data) >= 0 ? undefined : fail('REQUIRES_NON_DIGIT_CHARACTER'));

/** Every "%" starts a "%hh" escape. */
const pcenc: Linter = (data) => {
  for (let i = data.indexOf('%'); i >= 0; i = data.indexOf('%', i + 3)) {
    if (!/^%[0-9A-Fa-f]{2}/.test(data.slice(i, i + 3))) return fail('INVALID_PERCENT_SEQUENCE', i);
  }
  return undefined;
};

/** Piece number and total, each half of the data; neither zero, piece ≤ total. */
const pieceoftotal: Linter = (data) => {
  if (data.length < 2 || data.length % 2 !== 0) return fail('INVALID_LENGTH_FOR_PIECE_OF_TOTAL');
  const bad = digitsOnly(data);
  if (bad) return bad;
  const piece = Number(data.slice(0, data.length / 2));
  const total = Number(data.slice(data.length / 2));
  if (piece === 0) return fail('ZERO_PIECE_NUMBER');
  if (total === 0) return fail('ZERO_TOTAL_PIECES', data.length / 2);
  return piece > total ? fail('PIECE_NUMBER_EXCEEDS_TOTAL') : undefined;
};

/** "<position>/<end>", neither with a leading zero, position ≤ end. */
const posinseqslash: Linter = (data) => {
  const match = /^(\d+)\/(\d+)$/.exec(data);
  if (!match) return fail('POSITION_IN_SEQUENCE_MALFORMED');
  const [, position, end] = match as unknown as [string, string, string];
  if (position.startsWith('0')) return fail('ILLEGAL_ZERO_PREFIX');
  if (end.startsWith('0')) return fail('ILLEGAL_ZERO_PREFIX', position.length + 1);
  return BigInt(position) > BigInt(end) ? fail('POSITION_EXCEEDS_END') : undefined;
};

function coordinate(max: number, name: 'LATITUDE' | 'LONGITUDE'): Linter {
  return (data) => {
    if (data.length !== 10) return fail(`${name}_INVALID_LENGTH`);
    return digitsOnly(data) ?? (Number(data) > max ? fail(`INVALID_${name}`) : undefined);
  };
}

const importeridx: Linter = (data) => {
  if (data.length !== 1) return fail('IMPORTER_IDX_MUST_BE_ONE_CHARACTER');
  return /^[-0-9A-Z_a-z]$/.test(data) ? undefined : fail('INVALID_IMPORT_IDX_CHARACTER');
};

/** ISO 13616 IBAN: over 10 and at most 34 characters, a country code, then alphanumerics whose mod 97 (rearranged) is 1. */
const iban: Linter = (data) => {
  if (data.length <= 10) return fail('IBAN_TOO_SHORT');
  if (data.length > 34) return fail('IBAN_TOO_LONG');
  if (!isIso3166Alpha2(data.slice(0, 2))) return fail('ILLEGAL_IBAN_COUNTRY_CODE');
  const at = firstNotIn(data.slice(2), '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  if (at >= 0) return fail('INVALID_IBAN_CHARACTER', at + 2);
  let remainder = 0;
  for (const c of data.slice(4) + data.slice(0, 4)) {
    const value = parseInt(c, 36);
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1 ? undefined : fail('INCORRECT_IBAN_CHECKSUM', 2);
};

/** AI 8112, paperless coupon positive offer: format code, funder (VLI + 6..12 digits), offer code, serial (VLI + 6..15). */
const couponposoffer: Linter = (data) => {
  const bad = digitsOnly(data);
  if (bad) return bad;
  let p = 0;
  if (data.length < 1) return fail('COUPON_MISSING_FORMAT_CODE');
  if (data[p] !== '0' && data[p] !== '1') return fail('COUPON_INVALID_FORMAT_CODE', p);
  p++;
  if (data.length < p + 1) return fail('COUPON_MISSING_FUNDER_VLI', p);
  const funderVli = Number(data[p]);
  if (funderVli > 6) return fail('COUPON_INVALID_FUNDER_LENGTH', p);
  p++;
  const funderLength = 6 + funderVli;
  if (data.length < p + funderLength) return fail('COUPON_TRUNCATED_FUNDER', p);
  p += funderLength;
  if (data.length < p + 6) return fail('COUPON_TRUNCATED_OFFER_CODE', p);
  p += 6;
  if (data.length < p + 1) return fail('COUPON_MISSING_SERIAL_NUMBER_VLI', p);
  const serialLength = 6 + Number(data[p]);
  p++;
  if (data.length < p + serialLength) return fail('COUPON_TRUNCATED_SERIAL_NUMBER', p);
  p += serialLength;
  return data.length > p ? fail('COUPON_EXCESS_DATA', p) : undefined;
};

/** The implemented linters by the name the AI table uses. */
export const LINTERS: Readonly<Record<string, Linter>> = {
  csum,
  csumalpha,
  gcppos1: gcp(0),
  gcppos2: gcp(1),
  yymmd0: date(2, true),
  yymmdd: date(2, false),
  yyyymmd0: date(4, true),
  yyyymmdd: date(4, false),
  hh: twoDigits(23, 'HOUR'),
  mi: twoDigits(59, 'MINUTE'),
  ss: twoDigits(59, 'SECOND'),
  hhmi,
  iso3166: (data) => (isIso3166(data) ? undefined : fail('NOT_ISO3166')),
  iso3166999: (data) => (data === '999' || isIso3166(data) ? undefined : fail('NOT_ISO3166_OR_999')),
  iso3166alpha2: (data) => (isIso3166Alpha2(data) ? undefined : fail('NOT_ISO3166_ALPHA2')),
  iso4217: (data) => (isIso4217(data) ? undefined : fail('NOT_ISO4217')),
  iso5218: oneOf(['0', '1', '2', '9'], 'INVALID_BIOLOGICAL_SEX_CODE'),
  nonzero,
  zero,
  winding: oneOf(['0', '1', '9'], 'INVALID_WINDING_DIRECTION'),
  yesno: oneOf(['0', '1'], 'NOT_ZERO_OR_ONE'),
  hyphen,
  pcenc,
  nozeroprefix,
  hasnondigit,
  pieceoftotal,
  posinseqslash,
  latitude: coordinate(1800000000, 'LATITUDE'),
  longitude: coordinate(3600000000, 'LONGITUDE'),
  importeridx,
  packagetype: (data) => (isPackageType(data) ? undefined : fail('INVALID_PACKAGE_TYPE')),
  mediatype: (data) => (isMediaType(data) ? undefined : fail('INVALID_MEDIA_TYPE')),
  iban,
  couponposoffer,
};

/** Linters the AI table names that this implementation does not run (length and character set are still checked). */
export const UNIMPLEMENTED_LINTERS: readonly string[] = ['couponcode'];
