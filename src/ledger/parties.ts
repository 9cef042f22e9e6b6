// Organisations' did:web documents hosted by this server (`did:web:<host>:parties:<name>`), for parties
// without a web host of their own. Hosting grants no authority by itself: that comes from credentials,
// and from the trust file, whose names only the operator may claim (see the write routes).
import { DataModelError, InputError } from '../errors.js';
import { didWebFromOrigin } from '../did/did-web.js';
import type { DidDocument } from '../did/did-document.js';
import type { Store } from '../storage/store.js';

export interface PartyDirectory {
  didOf(name: string): string;
  /** The hosted document of a DID of ours, if any (synchronous: the resolver asks it first). */
  local(did: string): DidDocument | undefined;
  get(name: string): DidDocument | undefined;
  /** Hosts (or replaces) a party's document after checking it describes that party's DID. */
  put(name: string, document: unknown): Promise<DidDocument>;
}

const PREFIX = 'party/';
export const PARTY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `hosted` is where documents are kept in memory: pass the map the DID resolver answers locally from. */
export async function openPartyDirectory(store: Store, origin: string, hosted = new Map<string, DidDocument>()): Promise<PartyDirectory> {
  const base = didWebFromOrigin(origin);
  for await (const [, value] of store.entries(PREFIX)) {
    const doc = JSON.parse(value) as DidDocument;
    hosted.set(doc.id, doc);
  }
  const didOf = (name: string) => {
    if (!PARTY_NAME.test(name)) throw new InputError('INVALID_INPUT', 'A party name is 1–63 lower-case letters, digits and hyphens');
    return `${base}:parties:${name}`;
  };
  return {
    didOf,
    local: (did) => hosted.get(did),
    get: (name) => hosted.get(didOf(name)),
    async put(name, document) {
      const did = didOf(name);
      checkPartyDocument(did, document);
      const doc = document as DidDocument;
      // Documents from before an origin change stay readable under their old DID: keyed by DID, not name.
      await store.batch([{ type: 'put', key: PREFIX + encodeURIComponent(did), value: JSON.stringify(doc) }]);
      hosted.set(did, doc);
      return doc;
    },
  };
}

/** Throws DID_INVALID unless `document` is a party document for `did`: Ed25519 Multikeys of its own, listed for authentication and assertions. */
export function checkPartyDocument(did: string, document: unknown): void {
  const bad = (message: string) => new DataModelError('DID_INVALID', message, { evidence: { did } });
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw bad('The body is a DID document');
  const doc = document as DidDocument;
  if (doc.id !== did) throw bad(`The document's id must be ${did}`);
  const methods = doc.verificationMethod ?? [];
  if (!Array.isArray(methods) || methods.length === 0 || methods.length > 32) throw bad('A party document lists 1 to 32 verification methods');
  for (const vm of methods) {
    if (typeof vm?.id !== 'string' || !vm.id.startsWith(`${did}#`) || vm.controller !== did || vm.type !== 'Multikey' || typeof vm.publicKeyMultibase !== 'string' || !vm.publicKeyMultibase.startsWith('z6Mk')) {
      throw bad('Each verification method is an Ed25519 Multikey of the party, controlled by it');
    }
  }
  const ids = new Set(methods.map((vm) => vm.id));
  for (const relationship of ['authentication', 'assertionMethod'] as const) {
    const listed = doc[relationship];
    if (!Array.isArray(listed) || listed.length === 0 || !listed.every((r) => typeof r === 'string' && ids.has(r))) {
      throw bad(`${relationship} lists the ids of its verification methods`);
    }
  }
}
