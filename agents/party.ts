// A party of the product's life (manufacturer, repairer, owner, …): a Veramo agent with its own keys and DIDs.
// Agents use dpp-ledger only through its public entry point.
import {
  createCredentialServices,
  createDidResolver,
  createDppAgent,
  didDocumentOf,
  ensureDidWeb,
  veramoSigner,
  issuerId,
  type CredentialServices,
  type DidDocument,
  type DppAgent,
  type ProofFormat,
  type Store,
  type FetchLike,
  type Signer,
  fetchStatusListWith,
} from '../src/index.js';

export interface PartyOptions {
  store: Store;
  /** 32-byte hex key sealing this party's private keys. */
  secretKeyHex: string;
  now: () => Date;
  /** For did:web resolution of other parties. */
  fetch?: FetchLike;
}

export interface Party {
  readonly agent: DppAgent;
  readonly services: CredentialServices;
  /** A did:key (owners, tests) or, given a host or a whole `did:web:…`, a did:web (organisations). */
  createIdentity(host?: string): Promise<string>;
  /** The did.json of one of this party's did:web identities. */
  didDocument(did: string): Promise<DidDocument>;
  /** Issues as `credential.issuer`, which must be one of this party's DIDs. */
  issue(credential: Record<string, unknown>, format?: ProofFormat): Promise<Record<string, unknown> | string>;
  /** The current signing key of one of this party's DIDs. */
  signer(did: string): Promise<Signer>;
}

export function createParty(options: PartyOptions): Party {
  const own = new Map<string, DidDocument>();
  const resolver = createDidResolver({ fetch: options.fetch, local: (did) => own.get(did) });
  // Status lists are fetched with the same fetch as DID documents.
  const fetchStatusList = options.fetch && fetchStatusListWith(options.fetch);
  const services = createCredentialServices({ resolver, now: options.now, ...(fetchStatusList ? { fetchStatusList } : {}) });
  const agent = createDppAgent({ store: options.store, secretKeyHex: options.secretKeyHex, didResolver: resolver.didResolver, issuer: services.issuer, verifier: services.verifier });
  const context = { agent } as Parameters<typeof veramoSigner>[0];

  const didDocument = async (did: string) => {
    const doc = didDocumentOf(await agent.didManagerGet({ did }));
    own.set(did, doc);
    return doc;
  };

  return {
    agent,
    services,
    async createIdentity(host) {
      if (!host) return (await agent.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } })).did;
      const { did } = await ensureDidWeb(agent, host.startsWith('did:web:') ? host : `did:web:${encodeURIComponent(host)}`);
      await didDocument(did);
      return did;
    },
    didDocument,
    signer: (did) => veramoSigner(context, did),
    async issue(credential, format = 'data-integrity') {
      return services.issuer.issue(credential, { signer: await veramoSigner(context, String(issuerId(credential))), format });
    },
  };
}
