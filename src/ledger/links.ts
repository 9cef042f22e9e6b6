// The links the ledger publishes for each subject, the RFC 9264 linkset of them, and choosing one link.
// @see https://www.rfc-editor.org/rfc/rfc9264 and the GS1-Conformant Resolver standard 1.2
import { ALIASES, LINK_TYPES } from './link-types.js';
import type { SubjectRecord } from './subjects.js';

/** A target link as the GS1 linkset profile has it. */
export interface Link {
  href: string;
  title: string;
  type?: string;
  hreflang?: string[];
  context?: string[];
}

export interface SubjectLinks {
  anchor: string;
  itemDescription: string;
  /** Relation (full URI) → its links. */
  links: Map<string, Link[]>;
}

const CREDENTIAL_LINKS: Record<string, { rels: string[]; title: string }> = {
  DigitalProductPassport: { rels: [LINK_TYPES.dpp, LINK_TYPES.untpDpp], title: 'Digital Product Passport (verifiable credential)' },
  MaterialCompositionCredential: { rels: [LINK_TYPES.sustainabilityInfo], title: 'Material composition and disassembly (verifiable credential)' },
};

/** Every link of one subject, on `origin`. Derived from what the ledger holds, never stored twice. */
export function linksOf(subject: SubjectRecord, origin: string): SubjectLinks {
  const links = new Map<string, Link[]>();
  const add = (rel: string, link: Link) => links.set(rel, [...(links.get(rel) ?? []), link]);
  const page = `${origin}/passport${subject.path}`;
  const view = (name: string) => `${origin}/unit/${name}${subject.path}`;

  add(LINK_TYPES.defaultLink, { href: page, title: `Product passport of ${subject.name}`, type: 'text/html', hreflang: ['en'] });
  add(LINK_TYPES.pip, { href: page, title: `Product information: ${subject.name}`, type: 'text/html', hreflang: ['en'] });
  for (const credential of subject.credentials) {
    const known = CREDENTIAL_LINKS[credential.type];
    if (!known) continue;
    const href = `${origin}/credentials/${encodeURIComponent(credential.id)}`;
    for (const rel of known.rels) add(rel, { href, title: known.title, type: 'application/vc' });
  }
  if (subject.facets.includes('claims')) {
    add(LINK_TYPES.certificationInfo, { href: view('certifications'), title: 'Conformity and performance claims, with who asserted them', type: 'application/json' });
  }
  if (subject.facets.includes('spareParts')) {
    add(LINK_TYPES.purchaseSuppliesOrAccessories, { href: view('spare-parts'), title: 'Spare parts compatible with this hardware revision', type: 'application/json' });
  }
  if (subject.level === 'item') {
    add(LINK_TYPES.serviceInfo, { href: view('service-history'), title: 'Service and repair history', type: 'application/json' });
    add(LINK_TYPES.recallStatus, { href: view('recall-status'), title: 'Recall status of this unit', type: 'application/json' });
    add(LINK_TYPES.registerProduct, { href: `${page}#register`, title: 'Register as the owner', type: 'text/html', hreflang: ['en'] });
    add(LINK_TYPES.reportFound, { href: `${page}#report-found`, title: 'Report this unit found', type: 'text/html', hreflang: ['en'] });
    add(LINK_TYPES.eventChain, { href: view('events'), title: 'Every credential of this unit, in chain order', type: 'application/json' });
    add(LINK_TYPES.bundle, { href: `${origin}/bundle${subject.path}`, title: 'Passport bundle: credentials, log proofs, checkpoint, DID documents', type: 'application/json' });
  }
  return { anchor: origin + subject.path, itemDescription: subject.name, links };
}

/** The RFC 9264 linkset: one context object per level, most specific first, full-URI relation keys. */
export function linkset(levels: readonly SubjectLinks[]): { linkset: Record<string, unknown>[] } {
  return {
    linkset: levels.map((level) => ({ anchor: level.anchor, itemDescription: level.itemDescription, ...Object.fromEntries(level.links) })),
  };
}

export interface Preferences {
  /** Accept-Language tags, most preferred first (`en-GB`, `en`). */
  languages: string[];
  /** The `context` query parameter. */
  context?: string;
  /** Accept media types, most preferred first; empty or `*\/*` means any. */
  mediaTypes: string[];
}

export type Choice = { kind: 'one'; link: Link } | { kind: 'many'; links: Link[] } | { kind: 'none' };

/**
 * Chooses the link of `linkType` for a request: the most specific level that has that type, then the
 * links in the preferred language, then in the requested context, then of an accepted media type.
 * What still ties is a 300 (Multiple Choices) for the caller.
 */
export function chooseLink(levels: readonly SubjectLinks[], linkType: string, prefs: Preferences): Choice {
  const rel = ALIASES[linkType] ?? linkType;
  const candidates = levels.map((l) => l.links.get(rel) ?? []).find((links) => links.length > 0);
  if (!candidates) return { kind: 'none' };
  let chosen = narrow(candidates, prefs.languages, (link, language) =>
    (link.hreflang ?? []).some((h) => h.toLowerCase() === language || h.toLowerCase().split('-')[0] === language.split('-')[0]),
  );
  if (prefs.context) chosen = narrow(chosen, [prefs.context], (link, context) => (link.context ?? []).includes(context));
  chosen = narrow(chosen, prefs.mediaTypes.filter((t) => t !== '*/*'), (link, type) => link.type === type || (type.endsWith('/*') && (link.type ?? '').startsWith(type.slice(0, -1))));
  return chosen.length === 1 ? { kind: 'one', link: chosen[0]! } : { kind: 'many', links: chosen };
}

/** Keeps the links matching the first preference any link matches; all of them when none matches. */
function narrow<T>(links: Link[], preferences: readonly T[], matches: (link: Link, preference: T) => boolean): Link[] {
  for (const preference of preferences) {
    const matching = links.filter((link) => matches(link, preference));
    if (matching.length) return matching;
  }
  return links;
}
