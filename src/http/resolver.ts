// The GS1-Conformant resolver (standard 1.2) at the Digital Link paths of our own origin.
import type { NextFunction, Request, Response } from 'express';
import { isDppError, NotFoundError } from '../errors.js';
import { decompressDigitalLink, digitalLinkPath, parseDigitalLink, formatDigitalLink, PRIMARY_KEYS, type DigitalLink } from '../gs1/index.js';
import { chooseLink, linkset, linksOf, type Link, type SubjectLinks } from '../ledger/links.js';
import { expandLinkType, NAMESPACES } from '../ledger/link-types.js';
import type { SubjectRecord, SubjectRegistry } from '../ledger/subjects.js';
import { errorBody, statusOf } from './errors.js';

export const LINKSET_MEDIA_TYPE = 'application/linkset+json';

export interface ResolverDeps {
  origin: string;
  subjects: SubjectRegistry;
}

/** A path our resolver answers: it starts with a numeric AI, or is one compressed segment. */
const DIGITAL_LINK_PATH = /^\/(?:\d{2,4}\/|[A-Za-z0-9_-]{10,}\/?$)/;

/** Sets the CORS headers every resolver answer carries: reads are open to any origin. */
function cors(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Link, Location, Vary');
}

export function resolverMiddleware(deps: ResolverDeps) {
  const { origin, subjects } = deps;
  // A record object stays the same until it is recorded again, so its links are worked out once.
  const linksCache = new WeakMap<SubjectRecord, SubjectLinks>();
  const linksOfRecord = (record: SubjectRecord): SubjectLinks => {
    let links = linksCache.get(record);
    if (!links) linksCache.set(record, (links = linksOf(record, origin)));
    return links;
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!DIGITAL_LINK_PATH.test(req.path) || !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    cors(res);
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Accept, Accept-Language');
      res.set('Access-Control-Max-Age', '86400');
      return void res.status(204).end();
    }
    res.setHeader('Vary', 'Accept, Accept-Language');

    let dl: DigitalLink;
    let sameAs: string | undefined;
    try {
      const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      const requested = origin + path + query;
      if (/^\/\d/.test(path)) dl = parseDigitalLink(requested);
      else {
        dl = parseDigitalLink(decompressDigitalLink(requested));
        sameAs = formatDigitalLink(dl, { stem: origin });
      }
    } catch (err) {
      if (!isDppError(err)) throw err;
      // A first segment that is not an AI and does not decompress is not ours to answer.
      if (!/^\/\d/.test(req.path)) return next();
      const status = statusOf(err.code);
      return void res.status(status).json(errorBody(status, err.code, err.message, err.evidence));
    }

    const canonical = origin + digitalLinkPath(dl);
    const linkHeaders = [`<${canonical}?linkType=linkset>; rel="linkset"; type="${LINKSET_MEDIA_TYPE}"`];
    if (sameAs) linkHeaders.push(`<${sameAs}>; rel="owl:sameAs"`);
    res.setHeader('Link', linkHeaders.join(', '));

    const records = await subjects.resolve(dl);
    if (records.length === 0) throw new NotFoundError('NOT_FOUND', `No passport is registered for ${canonical}`, { evidence: { digitalLink: canonical } });
    const levels = records.map(linksOfRecord);

    const linkTypeParam = dl.params.linkType;
    const accept = acceptList(req.headers.accept);
    const wantsLinkset = linkTypeParam === 'linkset' || linkTypeParam === 'all' || (linkTypeParam === undefined && prefersLinkset(accept));
    if (wantsLinkset) {
      return void res.status(200).type(LINKSET_MEDIA_TYPE).send(JSON.stringify(linkset(levels)));
    }

    const linkType = linkTypeParam === undefined ? NAMESPACES.gs1 + 'defaultLink' : expandLinkType(linkTypeParam);
    const choice = chooseLink(levels, linkType, { languages: acceptList(req.headers['accept-language']), context: dl.params.context, mediaTypes: accept });
    if (choice.kind === 'none') {
      throw new NotFoundError('NOT_FOUND', `${canonical} has no link of type ${linkTypeParam}`, { evidence: { digitalLink: canonical, linkType } });
    }
    if (choice.kind === 'many') {
      return void res.status(300).json({ statusCode: 300, linkType, candidates: choice.links });
    }
    res.writeHead(307, { Location: withForwardedQuery(choice.link, dl) }).end();
  };
}

/** `Accept: application/linkset+json`, preferred over HTML, asks for the linkset. */
function prefersLinkset(accept: string[]): boolean {
  const linkset = accept.indexOf(LINKSET_MEDIA_TYPE);
  const html = accept.indexOf('text/html');
  return linkset >= 0 && (html < 0 || linkset < html);
}

/** A header's values by descending q, without parameters, lower-cased. */
export function acceptList(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [value, ...params] = part.trim().split(';');
      const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? 1);
      return { value: value!.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((v) => v.value && v.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((v) => v.value);
}

/** The request's query (its data attributes and parameters, less `linkType`) passed on to the target. */
function withForwardedQuery(link: Link, dl: DigitalLink): string {
  if (dl.attributes.length === 0 && Object.keys(dl.params).every((name) => name === 'linkType')) return link.href;
  const target = new URL(link.href);
  for (const { ai, value } of dl.attributes) target.searchParams.append(ai, value);
  for (const [name, value] of Object.entries(dl.params)) if (name !== 'linkType') target.searchParams.append(name, value);
  return target.toString();
}

/** `/.well-known/gs1resolver`: what this resolver is and supports. */
export function resolverDescription(origin: string) {
  return {
    name: 'dpp-ledger GS1-Conformant resolver',
    resolverRoot: origin,
    supportedPrimaryKeys: [...PRIMARY_KEYS],
    supportedLinkType: Object.entries(NAMESPACES).map(([prefix, namespace]) => ({ namespace, prefix: `${prefix}:` })),
    linkTypeDefaultCanBeLinkset: false,
    supportedContextValuesEnumerated: [],
    validatingDLURISyntax: true,
    decompressing: true,
  };
}

