// What every role does the same way: build a credential about a subject, chain it onto the subject's
// current head, sign it in both forms with the role's DID key, send it, and keep its status lists.
import { randomUUID } from 'node:crypto';
import {
  createBitstring,
  MIN_STATUS_LIST_BITS,
  STATUS_SIZES,
  decodeBitstring,
  DppError,
  setStatus,
  statusListCredential,
  type ChainEvent,
  type Signer,
  type StatusPurpose,
} from '../src/index.js';
import type { ChainHeadRef, Json, LedgerClient } from './client.js';
import type { Party } from './party.js';

export const CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://dppledger.org/contexts/dpp/v1'];

/** A credential in both securing forms, as the ledger stores it. */
export interface Secured {
  id: string;
  dataIntegrity: Json;
  jwt: string;
}

export interface Acknowledgement extends ChainEvent {
  duplicate: boolean;
}

export interface CredentialOptions {
  /** The event it follows: a head, `null` for the first event of a chain, or left out to ask the server for the head. */
  previous?: ChainHeadRef | null;
  credentialStatus?: Json[];
  validUntil?: string;
}

export interface Actor {
  readonly did: string;
  readonly party: Party;
  readonly client: LedgerClient;
  now(): Date;
  signer(): Promise<Signer>;
  /** A signed credential of `type` about `subject`, chained after `options.previous` (default: the subject's head). */
  credential(type: string, subject: string, claims: Json, options?: CredentialOptions): Promise<Secured>;
  /** Appends credentials (all or none) through the signed write API. */
  append(items: readonly Secured[]): Promise<Acknowledgement[]>;
  /** Issues and appends one credential on its subject's chain. */
  record(type: string, subject: string, claims: Json, options?: CredentialOptions): Promise<Secured>;
  /** `count` fresh status entries of ours for `purpose`; the lists exist before the entries are used. */
  allocateStatus(purpose: StatusPurpose, count?: number): Promise<Json[]>;
  /** Sets the status of entries of ours (`credentialStatus` objects) to `value`, re-signing each list once. */
  setStatus(entries: readonly Json[], value: number): Promise<void>;
  /** A credential held by the server, by id. */
  fetchCredential(id: string): Promise<Json>;
  /** The credentials of a subject's chain, in order. */
  chain(subject: string): Promise<Json[]>;
}

export interface ActorOptions {
  party: Party;
  did: string;
  client: LedgerClient;
  now?: () => Date;
}

export function createActor(options: ActorOptions): Actor {
  const { party, did, client } = options;
  const now = options.now ?? (() => new Date());
  const signer = () => party.signer(did);

  async function credential(type: string, subject: string, claims: Json, opts: CredentialOptions = {}): Promise<Secured> {
    const previous = opts.previous === undefined ? await client.head(subject) : (opts.previous ?? undefined);
    const unsigned: Json = {
      '@context': CONTEXTS,
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', type],
      issuer: did,
      validFrom: now().toISOString(),
      ...(opts.validUntil ? { validUntil: opts.validUntil } : {}),
      credentialSchema: { id: `https://dppledger.org/schemas/${type}/v1`, type: 'JsonSchema' },
      ...(opts.credentialStatus?.length ? { credentialStatus: opts.credentialStatus } : {}),
      ...(previous ? { previousEvent: previous } : {}),
      credentialSubject: { id: subject, ...claims },
    };
    const dataIntegrity = (await party.issue(unsigned)) as Json;
    // Both forms secure the same credential: the vc+jwt is made from the signed one, less its proof.
    const { proof: _proof, ...rest } = dataIntegrity;
    return { id: String(unsigned.id), dataIntegrity, jwt: (await party.issue(rest, 'vc+jwt')) as string };
  }

  async function append(items: readonly Secured[]): Promise<Acknowledgement[]> {
    const { acknowledgements } = await client.send<{ acknowledgements: Acknowledgement[] }>('POST', '/ledger/credentials', { credentials: items }, await signer());
    return acknowledgements;
  }

  /** The current list credential and its version (0 before its first upload). */
  async function currentList(url: string): Promise<{ version: number; bitstring?: Uint8Array }> {
    const response = await client.fetch(client.baseUrl + new URL(url).pathname, { headers: { accept: 'application/json' } });
    if (response.status === 404) return { version: 0 };
    if (!response.ok) throw new DppError('STATUS_UNAVAILABLE', `GET ${url}: ${response.status}`);
    const list = (await response.json()) as Json;
    const version = Number(String(response.headers.get('etag') ?? '0').replace(/[W/"]/g, ''));
    return { version, bitstring: decodeBitstring(String((list.credentialSubject as Json).encodedList)) };
  }

  /** Signs and uploads a new version of list `url`, changed by `change`; retried when someone else's upload came first. */
  async function updateList(url: string, purpose: StatusPurpose, change: (bitstring: Uint8Array) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      // A list holds 131,072 entries of its purpose's size (2 bits for recall messages).
      const { version, bitstring = createBitstring(MIN_STATUS_LIST_BITS * STATUS_SIZES[purpose]) } = await currentList(url);
      change(bitstring);
      const list = await party.issue(statusListCredential({ id: url, issuer: did, purpose, bitstring, validFrom: now().toISOString() }));
      try {
        await client.send('PUT', new URL(url).pathname, { credential: list, baseVersion: version }, await signer());
        return;
      } catch (err) {
        if (!(err instanceof DppError) || err.code !== 'STATUS_LIST_CONFLICT' || attempt >= 5) throw err;
      }
    }
  }

  const actor: Actor = {
    did,
    party,
    client,
    now,
    signer,
    credential,
    append,
    async record(type, subject, claims, opts) {
      const secured = await credential(type, subject, claims, opts);
      await append([secured]);
      return secured;
    },
    async allocateStatus(purpose, count = 1) {
      const { entries } = await client.send<{ entries: Json[] }>('POST', '/status/allocate', { purpose, count }, await signer());
      for (const url of new Set(entries.map((e) => String(e.statusListCredential)))) {
        if ((await currentList(url)).version === 0) await updateList(url, purpose, () => {}).catch((err: unknown) => {
          // Published meanwhile by another process of ours: fine.
          if (!(err instanceof DppError) || err.code !== 'STATUS_LIST_CONFLICT') throw err;
        });
      }
      return entries;
    },
    async setStatus(entries, value) {
      const byList = new Map<string, Json[]>();
      for (const entry of entries) byList.set(String(entry.statusListCredential), [...(byList.get(String(entry.statusListCredential)) ?? []), entry]);
      for (const [url, listed] of byList) {
        await updateList(url, listed[0]!.statusPurpose as StatusPurpose, (bitstring) => {
          for (const entry of listed) setStatus(bitstring, Number(entry.statusListIndex), Number(entry.statusSize ?? 1), value);
        });
      }
    },
    async fetchCredential(id) {
      return client.get<Json>(`/credentials/${encodeURIComponent(id)}`);
    },
    async chain(subject) {
      const { events } = await client.get<{ events: ChainEvent[] }>(`/ledger/events?subject=${encodeURIComponent(subject)}`);
      return Promise.all(events.map((e) => actor.fetchCredential(e.id)));
    },
  };
  return actor;
}
