// The public Digital Link operations that accept compressed links as well as uncompressed ones.
import { decodeCompressedDigitalLink, encodeCompressedDigitalLink } from './compression.js';
import { CANONICAL_STEM, formatDigitalLink, parseWith, type DigitalLink } from './digital-link.js';
import { dlError } from './validate.js';

/**
 * Parses and validates a GS1 Digital Link URI, uncompressed or compressed (decompressed first). Throws
 * DigitalLinkError with a DL_* code and evidence naming the offending part (`ai`, `segment`, `position`).
 */
export function parseDigitalLink(uri: string): DigitalLink {
  return parseWith(uri, decodeCompressedDigitalLink);
}

/** Parse, then format: the canonical form of `uri` on `options.stem` (default https://id.gs1.org). */
export function canonicalDigitalLink(uri: string, options: { stem?: string } = {}): string {
  return formatDigitalLink(parseDigitalLink(uri), { stem: options.stem ?? CANONICAL_STEM });
}

/**
 * The uncompressed Digital Link of a compressed one (fully, https://id.gs1.org/AQnYUc1gmg, or partially,
 * https://id.gs1.org/01/05412345000013/EEarwSM), on the same stem, with any query kept. Throws
 * DL_COMPRESSED_INVALID when `uri` is not a compressed Digital Link or does not decode.
 */
export function decompressDigitalLink(uri: string): string {
  const dl = decodeCompressedDigitalLink(uri);
  if (!dl) throw dlError('DL_COMPRESSED_INVALID', 'Not a compressed GS1 Digital Link: its last path segment does not decode to GS1 data', { reason: 'not compressed', uri });
  return formatDigitalLink(dl);
}

/**
 * The fully compressed form of a Digital Link (the stem, then one URI-safe base64 segment). `optimise` uses
 * GS1's optimisation codes for common AI sequences (default false).
 */
export function compressDigitalLink(uri: string, options: { stem?: string; optimise?: boolean } = {}): string {
  const dl = parseDigitalLink(uri);
  const stem = formatDigitalLink({ ...dl, qualifiers: [], attributes: [], params: {} }, options.stem === undefined ? {} : { stem: options.stem });
  return encodeCompressedDigitalLink(dl, stem.slice(0, stem.lastIndexOf('/' + dl.primaryKey.ai + '/')), options.optimise ?? false);
}
