// GS1 Digital Link: parse, validate, format and (de)compress Digital Link URIs; AI element strings; check digits.
// Pure: no I/O, no clock. The entry point of the Digital Link library (named exports only).
export type { AiValue, DigitalLink } from './digital-link.js';
export { formatDigitalLink, digitalLinkPath, toElementString, fromElementString, parseElementString, toUnbracketedElementString, CANONICAL_STEM } from './digital-link.js';
export { parseDigitalLink, canonicalDigitalLink, decompressDigitalLink, compressDigitalLink } from './uri.js';
export { checkDigit, isValidCheckDigit, checkCharacterPair } from './check-digit.js';
export { PRIMARY_KEYS, aiInfo } from './ai.js';
export type { AiInfo } from './ai.js';
