// did:web: the DID ↔ URL mapping, resolution over an injected fetch, and the documents we publish.
// @see https://w3c-ccg.github.io/did-method-web/
import { DidError } from '../errors.js';
import { DID_CONTEXTS, type DidDocument } from './did-document.js';

const MAX_DOCUMENT_BYTES = 256 * 1024;

/** `did:web:example.com%3A8443:org` → `https://example.com:8443/org/did.json`. */
export function didWebToUrl(did: string): string {
  const body = did.startsWith('did:web:') ? did.slice('did:web:'.length) : '';
  const [hostPart, ...path] = body.split(':');
  if (!hostPart || body.includes('#') || body.includes('/') || path.some((p) => p === '')) {
    throw new DidError('DID_INVALID', `Not a did:web: ${did}`, { evidence: { did } });
  }
  let host: string;
  let segments: string[];
  try {
    host = decodeURIComponent(hostPart);
    segments = path.map(decodeURIComponent);
  } catch {
    throw new DidError('DID_INVALID', `Invalid percent-encoding in ${did}`, { evidence: { did } });
  }
  // A path segment must stay one segment: no separators, queries, fragments or dot-segments.
  if (segments.some((p) => /[/?#\\]/.test(p) || p === '.' || p === '..')) {
    throw new DidError('DID_INVALID', `Invalid did:web path in ${did}`, { evidence: { did } });
  }
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host) && !/^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(host)) {
    throw new DidError('DID_INVALID', `Invalid did:web host: ${host}`, { evidence: { did } });
  }
  const suffix = segments.length ? `/${segments.join('/')}/did.json` : '/.well-known/did.json';
  return `https://${host}${suffix}`;
}

/** The did:web naming an origin such as `https://127.0.0.1:8443` (port percent-encoded). */
export function didWebFromOrigin(origin: string): string {
  const url = new URL(origin);
  return `did:web:${encodeURIComponent(url.host)}`;
}

export type FetchLike = (url: string, init?: { headers?: Record<string, string>; redirect?: 'error' | 'manual' }) => Promise<Response>;

export async function resolveDidWeb(did: string, fetch: FetchLike): Promise<DidDocument> {
  const url = didWebToUrl(did);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/did+json, application/json' }, redirect: 'error' });
  } catch (err) {
    throw new DidError('DID_RESOLUTION_FAILED', `Cannot fetch ${url}`, { cause: err, evidence: { did, url } });
  }
  if (response.status === 404) throw new DidError('DID_NOT_FOUND', `${did} not found at ${url}`, { evidence: { did, url } });
  if (!response.ok) {
    throw new DidError('DID_RESOLUTION_FAILED', `${url} answered ${response.status}`, { evidence: { did, url, status: response.status } });
  }
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new DidError('DID_RESOLUTION_FAILED', `${url} is too large`, { evidence: { did, url } });
  let doc: DidDocument;
  try {
    doc = JSON.parse(text) as DidDocument;
  } catch (err) {
    throw new DidError('DID_RESOLUTION_FAILED', `${url} is not JSON`, { cause: err, evidence: { did, url } });
  }
  if (!doc || typeof doc !== 'object' || doc.id !== did) {
    throw new DidError('DID_RESOLUTION_FAILED', `${url} does not describe ${did}`, { evidence: { did, url, id: doc?.id } });
  }
  return doc;
}

export interface PublishedKey {
  /** Fragment, e.g. `key-1`. */
  fragment: string;
  publicKeyMultibase: string;
}

/** The did.json an organisation publishes: every key it ever used, as Multikey, usable for assertions (a retired key stays, so old credentials keep verifying). */
export function buildDidWebDocument(did: string, keys: readonly PublishedKey[]): DidDocument {
  const methods = keys.map((k) => ({
    id: `${did}#${k.fragment}`,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: k.publicKeyMultibase,
  }));
  const ids = methods.map((m) => m.id);
  return {
    '@context': [...DID_CONTEXTS],
    id: did,
    verificationMethod: methods,
    authentication: ids,
    assertionMethod: ids,
  };
}
