// GS1 Digital Link: parse, validate, format and (de)compress Digital Link URIs; AI element strings; check digits.
// Pure: no I/O, no clock. The only public entry point of src/gs1 (named exports).
export type { AiValue, DigitalLink } from './digital-link.js';
export { formatDigitalLink, toElementString, fromElementString, parseElementString, toUnbracketedElementString, CANONICAL_STEM } from './digital-link.js';
export { parseDigitalLink, canonicalDigitalLink, decompressDigitalLink, compressDigitalLink } from './uri.js';
export { checkDigit, isValidCheckDigit, checkCharacterPair } from './check-digit.js';
export { PRIMARY_KEYS, aiInfo } from './ai.js';
export type { AiInfo } from './ai.js';
export { UNIMPLEMENTED_LINTERS } from './linters.js';
