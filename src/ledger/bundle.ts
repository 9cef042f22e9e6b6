// The passport bundle: everything a verifier needs about one unit in one JSON document, checkable offline.
import { NotFoundError } from '../errors.js';
import { parseDigitalLink, type DigitalLink } from '../gs1/index.js';
import type { MerkleLog } from '../log/index.js';
import { toBase64 } from '../log/hash.js';
import { parseCheckpoint } from '../log/checkpoint.js';
import type { CredentialRepository } from '../storage/credential-repository.js';
import type { DidDocument } from '../did/did-document.js';
import { asArray, isObject, issuerId, type JsonObject } from '../vc/credential.js';
import { logEntry, type ChainEvent, type Ledger } from './ledger.js';
import type { SubjectRegistry } from './subjects.js';

export const BUNDLE_TYPE = 'DppPassportBundle';
/** Subject properties that name another credential as the authority behind this one. */
const AUTHORITY_LINKS = ['extendsCredential', 'accreditation'] as const;

export interface BundledEvent {
  credential: JsonObject;
  sequence: number;
  leafIndex: number;
  /** The log entry (base64): recomputable from the credential, given for convenience. */
  entry: string;
  /** Inclusion proof (base64 hashes) against the bundle's checkpoint. */
  inclusionProof: string[];
}

export interface PassportBundle {
  type: typeof BUNDLE_TYPE;
  version: 1;
  /** The Digital Link asked for, and the element-string key of each level's chain. */
  digitalLink: string;
  chains: { unit: string; path: string; events: BundledEvent[] }[];
  /**
   * Credentials outside those chains that the chains' credentials name as their authority (a GTIN's
   * licence, a repairer's accreditation) or as their successor (its passport), with their chain and
   * proof: what checking authority needs.
   */
  references: (BundledEvent & { unit: string })[];
  /** The signed checkpoint every inclusion proof is against. */
  checkpoint: string;
  /** The log's note verifier key (`name+keyid+base64`), and the DID publishing it. */
  log: { origin: string; verifierKey: string; did: string };
  didDocuments: Record<string, DidDocument>;
  statusLists: Record<string, unknown>;
}

export interface BundleDeps {
  ledger: Ledger;
  log: MerkleLog;
  subjects: SubjectRegistry;
  credentials: CredentialRepository;
  resolveDid(did: string): Promise<DidDocument>;
  fetchStatusList?(url: string): Promise<unknown>;
  logInfo: { origin: string; verifierKey: string; did: string };
}

export async function buildBundle(deps: BundleDeps, digitalLink: string | DigitalLink): Promise<PassportBundle> {
  const dl = typeof digitalLink === 'string' ? parseDigitalLink(digitalLink) : digitalLink;
  const records = await deps.subjects.resolve(dl);
  if (records.length === 0) throw new NotFoundError('NOT_FOUND', 'No passport is registered for that Digital Link');
  const checkpoint = await deps.ledger.checkpoint();
  const { size } = parseCheckpoint(checkpoint);
  const dids = new Set<string>([deps.logInfo.did]);
  const statusUrls = new Set<string>();
  const included = new Set<string>();
  const named: string[] = [];
  /** One recorded event, bundled with its proof; what it is, who signed it and what it names are noted. */
  const bundled = async (event: ChainEvent): Promise<BundledEvent> => {
    const stored = await deps.credentials.get(event.id);
    if (!stored) throw new Error(`The ledger lists ${event.id} in ${event.unit} but does not hold it`);
    const credential = stored.dataIntegrity;
    const issuer = String(issuerId(credential));
    included.add(event.id);
    dids.add(issuer);
    for (const status of asArray(credential.credentialStatus as unknown).filter(isObject)) {
      if (typeof status.statusListCredential === 'string') statusUrls.add(status.statusListCredential);
    }
    const subject = isObject(credential.credentialSubject) ? credential.credentialSubject : {};
    for (const key of AUTHORITY_LINKS) if (typeof subject[key] === 'string') named.push(subject[key]);
    // A unit repurposed into another: the successor's passport, which must name this unit as its predecessor.
    if (typeof subject.successor === 'string') {
      const successor = await deps.subjects.resolve(parseDigitalLink(subject.successor)).catch(() => []);
      const passport = successor[0]?.credentials.find((c) => c.type === 'DigitalProductPassport');
      if (passport) named.push(passport.id);
    }
    return {
      credential,
      sequence: event.sequence,
      leafIndex: event.leafIndex,
      entry: toBase64(logEntry(event, issuer)),
      inclusionProof: (await deps.log.inclusionProof(event.leafIndex, size)).map((h) => toBase64(h)),
    };
  };
  const chains: PassportBundle['chains'] = [];
  for (const record of records) {
    const events: BundledEvent[] = [];
    for (const event of await deps.ledger.events(record.key)) if (event.leafIndex < size) events.push(await bundled(event));
    chains.push({ unit: record.key, path: record.path, events });
  }
  const references: PassportBundle['references'] = [];
  for (let id = named.shift(); id !== undefined; id = named.shift()) {
    const event = included.has(id) ? undefined : await deps.ledger.event(id);
    if (event && event.leafIndex < size) references.push({ unit: event.unit, ...(await bundled(event)) });
  }
  const didDocuments: Record<string, DidDocument> = {};
  for (const did of dids) didDocuments[did] = await deps.resolveDid(did);
  const statusLists: Record<string, unknown> = {};
  for (const url of statusUrls) if (deps.fetchStatusList) statusLists[url] = await deps.fetchStatusList(url);
  return {
    type: BUNDLE_TYPE,
    version: 1,
    digitalLink: typeof digitalLink === 'string' ? digitalLink : records[0]!.path,
    chains,
    references,
    checkpoint,
    log: deps.logInfo,
    didDocuments,
    statusLists,
  };
}
