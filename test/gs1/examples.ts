// Valid example values for any AI, synthesised from its format and linters (the AI table holds no examples).
import { lookupAi, type Component } from '../../src/gs1/ai.js';
import { checkCharacterPair, checkDigit } from '../../src/gs1/check-digit.js';

/** A value for one component that satisfies its type, length and linters. */
function componentValue(c: Component): string {
  const fit = (s: string) => s.slice(0, c.max).padEnd(c.min, c.type === 'N' ? '0' : 'A');
  const linters = new Set(c.linters);
  if (c.type === 'N') {
    if (linters.has('csum')) return '9506000134'.padEnd(c.max - 1, '1').slice(0, c.max - 1) + checkDigit('9506000134'.padEnd(c.max - 1, '1').slice(0, c.max - 1));
    if (linters.has('yymmd0') || linters.has('yymmdd')) return '261124';
    if (linters.has('yyyymmdd') || linters.has('yyyymmd0')) return '20261124';
    if (linters.has('hhmi')) return '1230';
    if (linters.has('hh')) return '12';
    if (linters.has('mi') || linters.has('ss')) return '30';
    if (linters.has('iso3166') || linters.has('iso3166999')) return '276';
    if (linters.has('iso4217')) return '978';
    if (linters.has('iso5218') || linters.has('yesno') || linters.has('winding')) return '1';
    if (linters.has('zero')) return '0'.repeat(c.max);
    if (linters.has('pieceoftotal')) return '1'.padStart(c.max / 2, '0').repeat(2);
    if (linters.has('latitude') || linters.has('longitude')) return '0000000000';
    if (linters.has('mediatype')) return '01';
    return fit('1234567890123456789');
  }
  if (c.type === 'Y') return fit('9506ABC');
  if (c.type === 'Z') return fit('QUJD');
  if (linters.has('csumalpha')) {
    const body = '9506ABC'.slice(0, Math.max(0, c.max - 2));
    return body + checkCharacterPair(body)!;
  }
  if (linters.has('iso3166alpha2')) return 'DE';
  if (linters.has('importeridx')) return 'A';
  if (linters.has('hyphen')) return '-';
  if (linters.has('posinseqslash')) return '1/2';
  if (linters.has('packagetype')) return 'BX';
  if (linters.has('iban')) return 'DE89370400440532013000';
  if (linters.has('couponposoffer')) return '001234561234560123456';
  if (linters.has('couponcode')) return '012345612345611110123';
  if (linters.has('gcppos1') || linters.has('gcppos2')) return fit('9506ABC');
  return fit('AB-12');
}

/** A valid value of `ai` (mandatory components only). */
export function exampleValue(ai: string): string {
  const entry = lookupAi(ai);
  if (!entry) throw new Error(`no AI ${ai}`);
  return entry.components.filter((c) => !c.optional).map(componentValue).join('');
}
