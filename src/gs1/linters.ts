// The GS1 Barcode Syntax Tests ("linters") named in the AI table's format specifications, e.g. `N14,csum`.
//
// Each takes one component of an AI value and returns undefined when it passes, or the reason (GS1's
// GS1_LINTER_* name without the prefix) and the position of the offending character.
// @see https://ref.gs1.org/tools/gs1-barcode-syntax-resource/syntax-tests/
//
// Every linter the AI table names is implemented; UNIMPLEMENTED_LINTERS lists any that is not (a value of
// such an AI would still have its length and character set checked), and test/conformance/gs1.ts prints it
// and counts that linter's unit-test cases as skipped, never as passed. `gcppos1`/`gcppos2` check what can be checked offline (the
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

const couponDate = date(2, false);

/**
 * AI 8110, the North American Coupon Code: GCP (VLI 0-6, +6 digits), offer code, save value (VLI 1-5),
 * first purchase requirement (VLI 1-5, code, family), then optional fields 1 (additional rules, second
 * purchase), 2 (third purchase), 3 (expiry), 4 (start), 5 (serial), 6 (retailer), 9 (miscellaneous), in order.
 */
const couponcode: Linter = (data) => {
  const bad = digitsOnly(data);
  if (bad) return bad;
  let p = 0;
  const end = data.length;
  const digit = () => data.charCodeAt(p) - 48;
  /** A VLI-prefixed part: `missing` if no VLI, `invalid` if outside `valid`, `truncated` if shorter than `length(vli)`. */
  const vliPart = (missing: string | undefined, invalid: string, truncated: string, valid: (v: number) => boolean, length: (v: number) => number): LintFailure | number => {
    if (p === end) return fail(missing ?? truncated);
    if (!valid(digit())) return fail(invalid, p);
    const n = length(digit());
    p++;
    if (end - p < n) return fail(truncated, p);
    return n;
  };
  const gcpAt = (n: number) => (n === 0 ? undefined : gcp(0)(data.slice(p, p + n)));
  const purchase = (ordinal: '1ST' | '2ND' | '3RD'): LintFailure | undefined => {
    const requirement = vliPart(`COUPON_MISSING_${ordinal}_PURCHASE_REQUIREMENT_VLI`, `COUPON_INVALID_${ordinal}_PURCHASE_REQUIREMENT_LENGTH`, `COUPON_TRUNCATED_${ordinal}_PURCHASE_REQUIREMENT`, (v) => v >= 1 && v <= 5, (v) => v);
    if (typeof requirement !== 'number') return requirement;
    p += requirement;
    if (p === end) return fail(`COUPON_MISSING_${ordinal}_PURCHASE_REQUIREMENT_CODE`);
    if (digit() > 4 && digit() !== 9) return fail(`COUPON_INVALID_${ordinal}_PURCHASE_REQUIREMENT_CODE`, p);
    p++;
    if (end - p < 3) return fail(`COUPON_TRUNCATED_${ordinal}_PURCHASE_FAMILY_CODE`, p);
    p += 3;
    if (ordinal === '1ST') return undefined;
    const company = vliPart(`COUPON_MISSING_${ordinal}_PURCHASE_GCP_VLI`, `COUPON_INVALID_${ordinal}_PURCHASE_GCP_LENGTH`, `COUPON_TRUNCATED_${ordinal}_PURCHASE_GCP`, (v) => v <= 6 || v === 9, (v) => (v === 9 ? 0 : v + 6));
    if (typeof company !== 'number') return company;
    const gcpFailure = gcpAt(company);
    if (gcpFailure) return fail(gcpFailure.error, p);
    p += company;
    return undefined;
  };
  const readDate = (tooShort: string, invalid: string): LintFailure | string => {
    p++;
    if (end - p < 6) return fail(tooShort, p);
    const yymmdd = data.slice(p, p + 6);
    if (couponDate(yymmdd)) return fail(invalid, p);
    p += 6;
    return yymmdd;
  };

  if (p === end) return fail('COUPON_MISSING_GCP_VLI');
  const primary = vliPart(undefined, 'COUPON_INVALID_GCP_LENGTH', 'COUPON_TRUNCATED_GCP', (v) => v <= 6, (v) => v + 6);
  if (typeof primary !== 'number') return primary;
  const primaryGcp = gcpAt(primary);
  if (primaryGcp) return fail(primaryGcp.error, p);
  p += primary;
  if (end - p < 6) return fail('COUPON_TRUNCATED_OFFER_CODE', p);
  p += 6;
  const save = vliPart('COUPON_MISSING_SAVE_VALUE_VLI', 'COUPON_INVALID_SAVE_VALUE_LENGTH', 'COUPON_TRUNCATED_SAVE_VALUE', (v) => v >= 1 && v <= 5, (v) => v);
  if (typeof save !== 'number') return save;
  p += save;
  const first = purchase('1ST');
  if (first) return first;
  if (p < end && data[p] === '1') {
    p++;
    if (p === end) return fail('COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE');
    if (digit() > 3) return fail('COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE', p);
    p++;
    const second = purchase('2ND');
    if (second) return second;
  }
  if (p < end && data[p] === '2') {
    p++;
    const third = purchase('3RD');
    if (third) return third;
  }
  let expiry: string | undefined;
  if (p < end && data[p] === '3') {
    const result = readDate('COUPON_TOO_SHORT_FOR_EXPIRATION_DATE', 'COUPON_INVALID_EXIPIRATION_DATE');
    if (typeof result !== 'string') return result;
    expiry = result;
  }
  if (p < end && data[p] === '4') {
    const start = readDate('COUPON_TOO_SHORT_FOR_START_DATE', 'COUPON_INVALID_START_DATE');
    if (typeof start !== 'string') return start;
    if (expiry !== undefined && start > expiry) return fail('COUPON_EXPIRATION_BEFORE_START', p - 14);
  }
  if (p < end && data[p] === '5') {
    p++;
    if (p === end) return fail('COUPON_MISSING_SERIAL_NUMBER_VLI');
    const n = digit() + 6;
    p++;
    if (end - p < n) return fail('COUPON_TRUNCATED_SERIAL_NUMBER', p);
    p += n;
  }
  if (p < end && data[p] === '6') {
    p++;
    const retailer = vliPart('COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI', 'COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH', 'COUPON_TRUNCATED_RETAILER_GCP_OR_GLN', (v) => v >= 1 && v <= 7, (v) => v + 6);
    if (typeof retailer !== 'number') return retailer;
    const retailerGcp = gcpAt(retailer);
    if (retailerGcp) return fail(retailerGcp.error, p);
    p += retailer;
  }
  if (p < end && data[p] === '9') {
    p++;
    if (p === end) return fail('COUPON_MISSING_SAVE_VALUE_CODE');
    if (![0, 1, 2, 5, 6].includes(digit())) return fail('COUPON_INVALID_SAVE_VALUE_CODE', p);
    p++;
    if (p === end) return fail('COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM');
    if (digit() > 2) return fail('COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM', p);
    p++;
    if (p === end) return fail('COUPON_MISSING_STORE_COUPON_FLAG');
    p++;
    if (p === end) return fail('COUPON_MISSING_DONT_MULTIPLY_FLAG');
    if (digit() > 1) return fail('COUPON_INVALID_DONT_MULTIPLY_FLAG', p);
    p++;
  }
  return p !== end ? fail('COUPON_EXCESS_DATA', p) : undefined;
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
  couponcode,
};

/** Linters the AI table names that this implementation does not run (length and character set are still checked). */
export const UNIMPLEMENTED_LINTERS: readonly string[] = [];
