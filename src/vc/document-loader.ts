// The offline JSON-LD document loader: bundled contexts and resolvable DIDs, and nothing else.
import { DataModelError, DidError, isDppError } from '../errors.js';
import { readAssetJson } from '../assets.js';

/** What jsonld.js and jsonld-signatures expect back from a loader. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Dereferences a DID URL (a DID document, or a verification method when the URL has a fragment). */
export type DidDereferencer = (didUrl: string) => Promise<Record<string, unknown>>;

/** URL → parsed context, read once from `contexts/manifest.json`. Frozen so no caller can alter policy. */
export function loadBundledContexts(): ReadonlyMap<string, unknown> {
  const manifest = readAssetJson('contexts', 'manifest.json') as Record<string, string>;
  const contexts = new Map<string, unknown>();
  for (const [url, file] of Object.entries(manifest)) contexts.set(url, deepFreeze(readAssetJson('contexts', file)));
  return contexts;
}

export interface DocumentLoaderOptions {
  /** Context URL → document. Anything not in here is refused. */
  contexts: ReadonlyMap<string, unknown>;
  /** Dereferences `did:` URLs; without it every DID URL is refused. */
  dereferenceDid?: DidDereferencer;
}

/**
 * Creates a loader that serves only `contexts` and DID URLs, and throws
 * `CONTEXT_NOT_ALLOWED` for anything else: nothing can reach the network for a context.
 */
export function createDocumentLoader(options: DocumentLoaderOptions): DocumentLoader {
  if (!options || !(options.contexts instanceof Map)) throw new TypeError('createDocumentLoader: options.contexts must be a Map');
  const { contexts, dereferenceDid } = options;
  return async function documentLoader(url: string): Promise<RemoteDocument> {
    const context = contexts.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (typeof url === 'string' && url.startsWith('did:') && dereferenceDid) {
      try {
        return { contextUrl: null, documentUrl: url, document: await dereferenceDid(url) };
      } catch (err) {
        if (isDppError(err)) throw err;
        throw new DidError('DID_RESOLUTION_FAILED', `Cannot dereference ${url}`, { cause: err, evidence: { url } });
      }
    }
    throw new DataModelError('CONTEXT_NOT_ALLOWED', `Refusing to load ${String(url)}: not a bundled context or resolvable DID`, {
      evidence: { url },
    });
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
