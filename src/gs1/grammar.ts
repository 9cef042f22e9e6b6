// The GS1 Digital Link URI grammar, built from named pieces and combined into one matcher.
// @see GS1 Digital Link Standard: URI Syntax 1.4, §4 (ABNF) and GS1's Barcode Syntax Engine (dl.c)
import { PRIMARY_KEYS } from './ai.js';

/** Characters a Digital Link may hold at all: RFC 3986 unreserved and reserved characters, and "%". */
export const URI_CHARACTER = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]";

/** "http" or "https", all lower case or all upper case (GS1's engine rejects mixed case). */
export const SCHEME = '(?:https?|HTTPS?)';

/** Host and optional port: a name, an IPv4 address or a bracketed IPv6 address (no user info, no zone). */
export const AUTHORITY = '[A-Za-z0-9\\-.:\\[\\]]+';

/** One path segment, possibly empty. */
export const SEGMENT = '[^/?#]*';

/** Everything before the primary key: scheme, authority and any path prefix of the resolver. */
export const STEM = `${SCHEME}://${AUTHORITY}(?:/${SEGMENT})*`;

/** The primary key: one of the AIs whose AI table entry carries `dlpkey`, and its value. */
export const PRIMARY_KEY = `/(${PRIMARY_KEYS.join('|')})/(${SEGMENT})`;

/**
 * A key qualifier: an AI and its value. Any AI is matched here so that the parser can name an unknown or
 * misplaced one; which qualifiers a key accepts, and in what order, is checked against the AI table.
 */
export const QUALIFIER = `/\\d{2,4}/${SEGMENT}`;

/** The query: data attributes (AI=value) and other parameters (linkType, context, …). */
export const QUERY = '[^#]*';

export const FRAGMENT = '.*';

/**
 * A GS1 Digital Link: groups 1 stem, 2 primary key AI, 3 its value (escaped), 4 the qualifiers (escaped), 5 the
 * query, 6 the fragment. The greedy stem makes the primary key the right-most one followed only by AI/value
 * pairs, as GS1's engine finds it walking the path from its end.
 */
export const DL_MATCHER = new RegExp(`^(${STEM})${PRIMARY_KEY}((?:${QUALIFIER})*)(?:\\?(${QUERY}))?(?:#(${FRAGMENT}))?$`);

/** A stem as formatDigitalLink accepts it. */
export const STEM_MATCHER = new RegExp(`^${STEM}$`);

export const URI_CHARACTERS_MATCHER = new RegExp(`^${URI_CHARACTER}*$`);

/** Scheme and authority of any http(s) URI, for naming what is wrong with one that is not a Digital Link. */
export const ORIGIN_MATCHER = new RegExp(`^${SCHEME}://(${AUTHORITY})(/|$)`);

/** A path segment in the URI-safe base64 alphabet, as a compressed Digital Link ends. */
export const BASE64URL_SEGMENT = /^[A-Za-z0-9\-_]+$/;
