// GS1 check digits: the mod-10 check digit of numeric keys and the check character pair of alphanumeric keys.
// @see GS1 General Specifications §7.9.1 (check digit) and §7.9.5 (check character pair for alphanumeric keys)

/** The GS1 mod-10 check digit of `body` (the digits before the check digit). */
export function checkDigit(body: string): string {
  if (!/^\d+$/.test(body)) throw new TypeError('checkDigit: the body must be one or more digits');
  let sum = 0;
  // Weights 3, 1, 3, … from the rightmost digit of the body.
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += (body.charCodeAt(i) - 48) * weight;
  return String((10 - (sum % 10)) % 10);
}

/** Whether the last digit of `digits` is the GS1 mod-10 check digit of the digits before it. */
export function isValidCheckDigit(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && checkDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** GS1 AI encodable character set 82, in the order that gives each character its check-pair value (0–81). */
export const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** The first 97 primes: the weights of the check character pair, rightmost data character first. */
const PRIMES = (() => {
  const primes: number[] = [];
  for (let n = 2; primes.length < 97; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  return primes;
})();

/**
 * The check character pair of `body` (CSET 82 characters), or undefined when the body is longer than the
 * 97 characters the weights cover or holds a character outside CSET 82.
 */
export function checkCharacterPair(body: string): string | undefined {
  if (body.length > PRIMES.length) return undefined;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const value = CSET82.indexOf(body[i]!);
    if (value < 0) return undefined;
    sum += value * PRIMES[body.length - 1 - i]!;
  }
  sum %= 1021;
  return CSET32[sum >> 5]! + CSET32[sum & 31]!;
}
