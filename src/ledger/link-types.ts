// The link types we publish, by full URI: the GS1 Web Vocabulary's, UNTP's alias, and the ledger's own.
// @see https://ref.gs1.org/voc/ (link types: subproperties of gs1:linkType)
import { InputError } from '../errors.js';

export const NAMESPACES = {
  gs1: 'https://gs1.org/voc/',
  untp: 'https://test.uncefact.org/vocabulary/linkTypes/',
  dpp: 'https://dppledger.org/voc/',
} as const;

export type Prefix = keyof typeof NAMESPACES;

const gs1 = (name: string) => NAMESPACES.gs1 + name;

export const LINK_TYPES = {
  dpp: gs1('dpp'),
  pip: gs1('pip'),
  defaultLink: gs1('defaultLink'),
  sustainabilityInfo: gs1('sustainabilityInfo'),
  certificationInfo: gs1('certificationInfo'),
  serviceInfo: gs1('serviceInfo'),
  registerProduct: gs1('registerProduct'),
  recallStatus: gs1('recallStatus'),
  reportFound: gs1('reportFound'),
  purchaseSuppliesOrAccessories: gs1('purchaseSuppliesOrAccessories'),
  untpDpp: NAMESPACES.untp + 'dpp',
  eventChain: NAMESPACES.dpp + 'eventChain',
  bundle: NAMESPACES.dpp + 'bundle',
} as const;

/** Link types that mean the same as another: a request for the key is answered with the value's links. */
export const ALIASES: Readonly<Record<string, string>> = { [LINK_TYPES.untpDpp]: LINK_TYPES.dpp };

/**
 * A `linkType` parameter as a full URI: a CURIE of a namespace we know (`gs1:dpp`), or a full URI
 * (`http://gs1.org/voc/` is taken as `https://gs1.org/voc/`). Throws INVALID_INPUT otherwise.
 */
export function expandLinkType(value: string): string {
  const curie = /^([a-z][a-z0-9]*):([A-Za-z][A-Za-z0-9_-]*)$/.exec(value);
  if (curie && Object.hasOwn(NAMESPACES, curie[1]!)) return NAMESPACES[curie[1] as Prefix] + curie[2];
  if (/^https?:\/\/gs1\.org\/voc\/[A-Za-z]+$/.test(value)) return value.replace(/^http:/, 'https:');
  if (/^https:\/\/[A-Za-z0-9.-]+\/[A-Za-z0-9./_-]*$/.test(value)) return value;
  throw new InputError('INVALID_INPUT', `linkType ${JSON.stringify(value)} is neither a known CURIE (gs1:, untp:, dpp:) nor a URI`, { evidence: { linkType: value } });
}

/** The CURIE of a full URI for the namespaces we know, for titles and messages. */
export function compactLinkType(uri: string): string {
  for (const [prefix, ns] of Object.entries(NAMESPACES)) if (uri.startsWith(ns)) return `${prefix}:${uri.slice(ns.length)}`;
  return uri;
}
