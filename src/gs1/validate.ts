// Checks an AI value against its format: length, character set and the linters of each component.
import { DigitalLinkError, type ErrorCode } from '../errors.js';
import type { AiEntry, Component } from './ai.js';
import { LINTERS, cset39, cset64, cset82, csetNumeric, type Linter } from './linters.js';

export type DigitalLinkErrorCode = Extract<ErrorCode, `DL_${string}`>;

export function dlError(code: DigitalLinkErrorCode, message: string, evidence: Record<string, unknown>): DigitalLinkError {
  return new DigitalLinkError(code, message, { evidence });
}

const CHARACTER_SET: Record<Component['type'], Linter> = { N: csetNumeric, X: cset82, Y: cset39, Z: cset64 };
const SET_NAME: Record<Component['type'], string> = { N: 'digits', X: 'GS1 character set 82', Y: 'GS1 character set 39', Z: 'GS1 character set 64' };

/** GTINs (and the GTIN AIs 02, 03) are always 14 digits in an AI; GTIN-8, -12 and -13 are padded with zeros. */
const GTIN_AIS = new Set(['01', '02', '03']);

/** A linter result that means the check digit or check character pair is wrong. */
const CHECK_FAILURES = new Set(['INCORRECT_CHECK_DIGIT', 'INCORRECT_CHECK_PAIR']);

/**
 * Throws a DigitalLinkError unless `value` is a valid value of `entry`'s AI. `where` (the segment, its position)
 * is added to the evidence. Codes: DL_KEY_NOT_PADDED, DL_CHECK_DIGIT, DL_INVALID_VALUE.
 */
export function validateAiValue(entry: AiEntry, value: string, where: Record<string, unknown> = {}): void {
  const { ai } = entry;
  const evidence = (extra: Record<string, unknown>) => ({ ai, value, ...where, ...extra });
  if (value === '') throw dlError('DL_INVALID_VALUE', `AI (${ai}) has an empty value`, evidence({ reason: 'empty' }));
  if (GTIN_AIS.has(ai) && /^(\d{8}|\d{12}|\d{13})$/.test(value)) {
    throw dlError('DL_KEY_NOT_PADDED', `AI (${ai}) is a GTIN-${value.length}: write it as 14 digits, ${value.padStart(14, '0')}`,
      evidence({ reason: 'not padded to 14 digits', expected: value.padStart(14, '0') }));
  }
  if (value.length < entry.minLength) {
    throw dlError('DL_INVALID_VALUE', `AI (${ai}) value is too short (${value.length} < ${entry.minLength}; format ${entry.spec})`, evidence({ reason: 'too short', format: entry.spec }));
  }
  if (value.length > entry.maxLength) {
    throw dlError('DL_INVALID_VALUE', `AI (${ai}) value is too long (${value.length} > ${entry.maxLength}; format ${entry.spec})`, evidence({ reason: 'too long', format: entry.spec }));
  }
  let at = 0;
  entry.components.forEach((component, index) => {
    if (at >= value.length && component.optional) return;
    // Only the last component may vary in length: a fixed one takes its length, a variable one the rest.
    const length = component.min === component.max ? component.max : value.length - at;
    const data = value.slice(at, at + length);
    if (data.length < component.min || length > component.max) {
      throw dlError('DL_INVALID_VALUE', `AI (${ai}) value does not fit its format ${entry.spec}`, evidence({ reason: data.length < component.min ? 'too short' : 'too long', format: entry.spec, component: index }));
    }
    const charset = CHARACTER_SET[component.type](data);
    if (charset) {
      throw dlError('DL_INVALID_VALUE', `AI (${ai}) value has a character outside ${SET_NAME[component.type]} at offset ${at + charset.position}`,
        evidence({ reason: charset.error, format: entry.spec, component: index, offset: at + charset.position }));
    }
    for (const name of component.linters) {
      const failure = LINTERS[name]?.(data);
      if (!failure) continue;
      const check = CHECK_FAILURES.has(failure.error);
      throw dlError(check ? 'DL_CHECK_DIGIT' : 'DL_INVALID_VALUE',
        check ? `AI (${ai}) has a wrong ${failure.error === 'INCORRECT_CHECK_PAIR' ? 'check character pair' : 'check digit'}` : `AI (${ai}) value fails the ${name} check (${failure.error})`,
        evidence({ reason: failure.error, linter: name, format: entry.spec, component: index, offset: at + failure.position }));
    }
    at += data.length;
  });
  if (at < value.length) {
    throw dlError('DL_INVALID_VALUE', `AI (${ai}) value is too long for its format ${entry.spec}`, evidence({ reason: 'too long', format: entry.spec }));
  }
}
