// One DID resolver for the project: did:key locally, did:web over an injected fetch, as a did-resolver registry.
import { Resolver, type DIDResolutionResult, type DIDResolver } from 'did-resolver';
import { DidError, isDppError } from '../errors.js';
import { resolveDidKey } from './did-key.js';
import { resolveDidWeb, type FetchLike } from './did-web.js';
import { dereferenceInDocument, type DidDocument } from './did-document.js';

export interface DidResolverOptions {
  /** Used for did:web; without it did:web is unsupported. */
  fetch?: FetchLike;
  /** Documents this process publishes itself (its own did:web), answered without a request. */
  local?: (did: string) => DidDocument | undefined;
}

export interface DppDidResolver {
  resolve(did: string): Promise<DidDocument>;
  /** A DID document, or the verification method a DID URL's fragment names. */
  dereference(didUrl: string): Promise<Record<string, unknown>>;
  /** The same resolver as a did-resolver `Resolver`, for Veramo's DIDResolverPlugin. */
  readonly didResolver: Resolver;
}

export function createDidResolver(options: DidResolverOptions = {}): DppDidResolver {
  const { fetch, local } = options;
  const resolveDocument = async (did: string): Promise<DidDocument> => {
    const own = local?.(did);
    if (own) return own;
    if (did.startsWith('did:key:')) return resolveDidKey(did);
    if (did.startsWith('did:web:')) {
      if (!fetch) throw new DidError('DID_METHOD_UNSUPPORTED', `did:web resolution is not configured: ${did}`, { evidence: { did } });
      return resolveDidWeb(did, fetch);
    }
    if (!/^did:[a-z0-9]+:/.test(did)) throw new DidError('DID_INVALID', `Not a DID: ${did}`, { evidence: { did } });
    throw new DidError('DID_METHOD_UNSUPPORTED', `Unsupported DID method: ${did}`, { evidence: { did } });
  };

  const asDidResolver: DIDResolver = async (did) => {
    try {
      return { didResolutionMetadata: {}, didDocument: (await resolveDocument(did)) as never, didDocumentMetadata: {} };
    } catch (err) {
      const code = isDppError(err) ? err.code : 'DID_RESOLUTION_FAILED';
      const error = code === 'DID_NOT_FOUND' ? 'notFound' : code === 'DID_METHOD_UNSUPPORTED' ? 'unsupportedDidMethod' : 'invalidDid';
      return { didResolutionMetadata: { error, message: String((err as Error).message) }, didDocument: null, didDocumentMetadata: {} } as DIDResolutionResult;
    }
  };

  return {
    resolve: resolveDocument,
    async dereference(didUrl) {
      const did = didUrl.split('#')[0]!.split('?')[0]!;
      return dereferenceInDocument(await resolveDocument(did), didUrl);
    },
    didResolver: new Resolver({ key: asDidResolver, web: asDidResolver }),
  };
}
