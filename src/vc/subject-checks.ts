// What a JSON Schema cannot check about a product subject: GS1 and CAS check digits, and that the
// identity fields agree with the Digital Link the credential is about.
import { isValidCheckDigit, parseDigitalLink, type DigitalLink } from '../gs1/index.js';
import { isDppError } from '../errors.js';
import { asArray, isObject, type JsonObject } from './credential.js';

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

/** Problems with the product subjects of a credential; [] when it has none or all agree. */
export function checkProductSubject(credential: JsonObject): SubjectProblem[] {
  const problems: SubjectProblem[] = [];
  asArray(credential.credentialSubject as unknown).filter(isObject).forEach((subject, i) => {
    const at = (name: string) => `credentialSubject${Array.isArray(credential.credentialSubject) ? `[${i}]` : ''}.${name}`;
    if (typeof subject.gtin === 'string' && !isValidCheckDigit(subject.gtin)) problems.push({ path: at('gtin'), message: `${subject.gtin} has a wrong check digit` });
    if (typeof subject.id === 'string' && /\/01\/\d/.test(subject.id) && typeof subject.gtin === 'string') {
      let dl: DigitalLink | undefined;
      try {
        dl = parseDigitalLink(subject.id);
      } catch (err) {
        if (!isDppError(err)) throw err;
        problems.push({ path: at('id'), message: `not a valid Digital Link: ${err.message}` });
      }
      if (dl) {
        const qualifier = (ai: string) => dl.qualifiers.find((q) => q.ai === ai)?.value;
        if (dl.primaryKey.ai === '01' && dl.primaryKey.value !== subject.gtin) problems.push({ path: at('gtin'), message: `${subject.gtin} is not the GTIN of ${subject.id}` });
        for (const [field, ai] of [['batchNumber', '10'], ['itemNumber', '21']] as const) {
          const inLink = qualifier(ai);
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
  });
  return problems;
}
