// Bitstring Status Lists per issuer: random index allocation, the server's own lists signed on demand,
// and lists that external issuers sign and upload, versioned for compare-and-set.
// @see https://www.w3.org/TR/vc-bitstring-status-list/
import { createHash } from 'node:crypto';
import { AuthError, DataModelError, DppError, InputError, NotFoundError } from '../errors.js';
import { getJson, type BatchOperation, type PreparedWrite, type Store } from '../storage/store.js';
import { asArray, isObject, issuerId, typesOf, type JsonObject } from '../vc/credential.js';
import type { Check } from '../vc/report.js';
import {
  MIN_STATUS_LIST_BITS,
  STATUS_PURPOSES,
  decodeBitstring,
  getStatus,
  setStatus,
  statusEntry,
  statusListCredential,
  type StatusPurpose,
} from '../vc/status-list.js';

/** The recall state a `message` list holds per unit, two bits each. */
export const RECALL_STATUS = { none: 0, open: 1, remedied: 2 } as const;
/** `statusMessage` of a recall entry: one message per value of its two bits (0x3 is not in use). */
export const RECALL_STATUS_MESSAGES: readonly string[] = ['none', 'recall_open', 'recall_remedied', 'undefined'];
/** Bits per entry, by purpose. */
export const STATUS_SIZES: Readonly<Record<StatusPurpose, number>> = { revocation: 1, suspension: 1, message: 2 };
/** The most entries one `allocate` hands out. */
export const MAX_ALLOCATION = 10_000;
/** The longest an own list credential is valid for: a verifier must not take an old list as current. */
export const MAX_LIST_VALIDITY_MS = 24 * 60 * 60 * 1000;
const CLOCK_SKEW_MS = 60_000;

export interface StatusListsDeps {
  store: Store;
  /** The server's origin (`https://dpp.example.com`): lists are at `${origin}/status/<issuer-key>/<purpose>-<n>`. */
  origin: string;
  /** The server's own DID: its lists are kept here and signed on demand by `sign`. */
  ownDid: string;
  /** `bytes` cryptographically random bytes. */
  random(bytes: number): Uint8Array;
  now(): Date;
  /** Signs an unsigned credential as `ownDid` (Data Integrity). */
  sign(credential: JsonObject): Promise<JsonObject>;
  /** Verifies a credential an external issuer uploads (signature, issuer, validity). */
  verifyCredential(credential: unknown): Promise<{ verified: boolean; checks: Check[] }>;
  /** Entries per new list: 131,072 (the spec's minimum, and the default). Smaller lists are for tests only: verifiers refuse them. */
  listEntries?: number;
  /** How long an own list credential is valid from its signing (default and at most 24 h); re-signed after half of it. */
  listValidityMs?: number;
}


export interface StatusLists {
  readonly origin: string;
  /** `count` `credentialStatus` entries on random free indexes of `issuer`'s `purpose` lists, persisted before they are returned. */
  allocate(issuer: string, purpose: StatusPurpose, count?: number): Promise<JsonObject[]>;
  /**
   * The write that sets entry `index` of one of the server's own lists to `value`, for the caller's atomic
   * batch; `commit()` once that batch is durable. Nothing changes until then.
   */
  prepareSet(listUrl: string, index: number, value: number): Promise<PreparedWrite>;
  /** The committed value of entry `index` of one of the server's own lists. */
  get(listUrl: string, index: number): Promise<number>;
  /** `prepareSet` written on its own: for a single writer (tests, tools); the server sets bits through its ledger's sequencer. */
  set(listUrl: string, index: number, value: number): Promise<void>;
  /**
   * The current list credential; undefined for an unknown list or an external one not uploaded yet. An
   * own list is signed on demand, valid from now for at most 24 h, and re-signed once it changes.
   */
  read(listUrl: string): Promise<JsonObject | undefined>;
  /** `read` with what is known of the list, its version the one the credential shows. */
  current(listUrl: string): Promise<{ credential: JsonObject; info: StatusListInfo } | undefined>;
  /** An external issuer's upload of its list credential; returns the new version. */
  publish(listUrl: string, credential: unknown, options: { actor: string; baseVersion?: number }): Promise<number>;
  /** The list's version; NOT_FOUND for an unknown list. */
  version(listUrl: string): Promise<number>;
  /** Every list allocated to `issuer`, by purpose and sequence. */
  listsOf(issuer: string): Promise<StatusListInfo[]>;
}

/** What is stored once when a list is created. */
interface ListMeta {
  /** The list credential's URL (its `id`). */
  url: string;
  issuer: string;
  purpose: StatusPurpose;
  /** n in `<purpose>-<n>`: a new list starts when the previous is half allocated. */
  sequence: number;
  /** Entries in the list; each `statusSize` bits. */
  entries: number;
  statusSize: number;
}

export interface StatusListInfo extends ListMeta {
  /** The server's own list (signed on demand), or one its issuer uploads. */
  own: boolean;
  /** Changes so far: an own list's committed sets, an external list's uploads (0 before the first). */
  version: number;
}

interface ListState {
  meta: ListMeta;
  own: boolean;
  /** One bit per entry: allocated. */
  allocated: Uint8Array;
  allocatedCount: number;
  version: number;
  /** Own lists: the values, `statusSize` bits per entry. */
  values?: Uint8Array;
  /** Own lists: the highest version a prepared write claimed (abandoned ones leave a gap, never a repeat). */
  preparedVersion: number;
  /** Own lists: the signed credential and the version it shows. */
  signed?: { version: number; credential: JsonObject; validFrom: number };
  signing?: { version: number; promise: Promise<{ credential: JsonObject; version: number }> };
  /** External lists: the last upload. */
  credential?: JsonObject;
}

const ROOT = 'status-list/';
/** Allocation bitmaps are stored in chunks of this many bytes (4,096 entries), so an allocation rewrites little. */
const CHUNK_BYTES = 512;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const listPath = (key: string, purpose: string, sequence: number) => `${key}/${purpose}/${pad(sequence, 6)}`;
const META = (path: string) => `${ROOT}meta/${path}`;
const ALLOC = (path: string) => `${ROOT}alloc/${path}/`;
const VALUE = (path: string) => `${ROOT}value/${path}/`;
const VERSION = (path: string) => `${ROOT}version/${path}`;
const CREDENTIAL = (path: string) => `${ROOT}credential/${path}`;

/** A short stable name for an issuer in URLs and keys: 80 bits of SHA-256 of its DID. */
export function issuerKey(did: string): string {
  return createHash('sha256').update(did, 'utf8').digest('hex').slice(0, 20);
}

export function createStatusLists(deps: StatusListsDeps): StatusLists {
  const { store, ownDid, random, now, sign, verifyCredential } = deps ?? ({} as StatusListsDeps);
  if (!store || typeof store.batch !== 'function' || typeof random !== 'function' || typeof now !== 'function' || typeof sign !== 'function' || typeof verifyCredential !== 'function') {
    throw new TypeError('createStatusLists: store, random, now, sign and verifyCredential are required');
  }
  if (typeof ownDid !== 'string' || !ownDid.startsWith('did:')) throw new TypeError('createStatusLists: ownDid is a DID');
  if (typeof deps.origin !== 'string' || !/^https?:\/\/[^/?#]+\/?$/.test(deps.origin)) throw new TypeError('createStatusLists: origin is an http(s) origin');
  const origin = deps.origin.replace(/\/$/, '');
  const listEntries = deps.listEntries ?? MIN_STATUS_LIST_BITS;
  if (!Number.isInteger(listEntries) || listEntries < 16 || listEntries % 8 !== 0 || listEntries > 2 ** 26) {
    throw new TypeError('createStatusLists: listEntries is a multiple of 8 from 16 to 2^26');
  }
  const validity = deps.listValidityMs ?? MAX_LIST_VALIDITY_MS;
  if (!Number.isInteger(validity) || validity < 1000 || validity > MAX_LIST_VALIDITY_MS) {
    throw new TypeError('createStatusLists: listValidityMs is from 1 s to 24 h');
  }
  const base = `${origin}/status/`;
  const URL_PATTERN = new RegExp(`^([0-9a-f]{20})/(${STATUS_PURPOSES.join('|')})-([1-9][0-9]{0,5})$`);

  const states = new Map<string, Promise<ListState | undefined>>();
  const series = new Map<string, number[]>();
  const withLock = createLocks();

  function parseUrl(url: unknown): { key: string; purpose: StatusPurpose; sequence: number } | undefined {
    if (typeof url !== 'string' || !url.startsWith(base)) return undefined;
    const match = URL_PATTERN.exec(url.slice(base.length));
    return match ? { key: match[1]!, purpose: match[2] as StatusPurpose, sequence: Number(match[3]) } : undefined;
  }

  const urlOf = (key: string, purpose: StatusPurpose, sequence: number) => `${base}${key}/${purpose}-${sequence}`;
  const pathOf = (meta: ListMeta) => listPath(issuerKey(meta.issuer), meta.purpose, meta.sequence);

  async function load(meta: ListMeta): Promise<ListState> {
    const path = pathOf(meta);
    const own = meta.issuer === ownDid;
    const allocated = new Uint8Array(Math.ceil(meta.entries / 8));
    for await (const [key, value] of store.entries(ALLOC(path))) {
      const chunk = Number(key.slice(key.lastIndexOf('/') + 1));
      allocated.set(Buffer.from(value, 'base64').subarray(0, Math.max(0, allocated.length - chunk * CHUNK_BYTES)), chunk * CHUNK_BYTES);
    }
    const state: ListState = { meta, own, allocated, allocatedCount: popcount(allocated), version: Number((await store.get(VERSION(path))) ?? 0), preparedVersion: 0 };
    if (own) {
      state.values = new Uint8Array((meta.entries * meta.statusSize) / 8);
      for await (const [key, value] of store.entries(VALUE(path))) {
        setStatus(state.values, Number(key.slice(key.lastIndexOf('/') + 1)), meta.statusSize, Number(value));
      }
    } else {
      state.credential = await getJson<JsonObject>(store, CREDENTIAL(path));
    }
    return state;
  }

  /** The state of the list at `url`, loaded once; undefined when there is no such list. */
  function stateOf(url: unknown): Promise<ListState | undefined> {
    const parsed = parseUrl(url);
    if (!parsed) return Promise.resolve(undefined);
    const known = states.get(url as string);
    if (known) return known;
    const loading = (async () => {
      const meta = await getJson<ListMeta>(store, META(listPath(parsed.key, parsed.purpose, parsed.sequence)));
      return meta ? load(meta) : undefined;
    })();
    states.set(url as string, loading);
    // An unknown list is not remembered: it may be allocated later.
    loading.then((s) => s ?? (states.get(url as string) === loading && states.delete(url as string)), () => states.delete(url as string));
    return loading;
  }

  async function requireState(url: string): Promise<ListState> {
    const state = await stateOf(url);
    if (!state) throw new NotFoundError('NOT_FOUND', `No status list ${String(url)}`, { evidence: { statusListCredential: url } });
    return state;
  }

  async function sequencesOf(key: string, purpose: StatusPurpose): Promise<number[]> {
    const id = `${key}/${purpose}`;
    let known = series.get(id);
    if (!known) {
      known = [];
      for await (const [, value] of store.entries(`${ROOT}meta/${key}/${purpose}/`)) known.push((JSON.parse(value) as ListMeta).sequence);
      known.sort((a, b) => a - b);
      series.set(id, known);
    }
    return known;
  }

  /** Uniform random integers below `bound`, by rejection sampling over 32-bit draws. */
  function randomBelow(bound: number): () => number {
    const limit = 2 ** 32 - (2 ** 32 % bound);
    let pool: Uint8Array = new Uint8Array(0);
    let at = 0;
    return () => {
      for (;;) {
        if (at + 4 > pool.length) {
          pool = random(1024);
          if (!(pool instanceof Uint8Array) || pool.length !== 1024) throw new TypeError('random(n) must return n bytes');
          at = 0;
        }
        const draw = ((pool[at]! << 24) | (pool[at + 1]! << 16) | (pool[at + 2]! << 8) | pool[at + 3]!) >>> 0;
        at += 4;
        if (draw < limit) return draw % bound;
      }
    };
  }

  function entryFor(meta: ListMeta, index: number): JsonObject {
    return meta.statusSize > 1
      ? statusEntry(meta.url, meta.purpose, index, { size: meta.statusSize, messages: RECALL_STATUS_MESSAGES })
      : statusEntry(meta.url, meta.purpose, index);
  }

  async function allocate(issuer: string, purpose: StatusPurpose, count = 1): Promise<JsonObject[]> {
    if (typeof issuer !== 'string' || !/^did:[a-z0-9]+:\S+$/.test(issuer)) throw new InputError('INVALID_INPUT', 'The issuer is a DID', { evidence: { issuer } });
    if (!STATUS_PURPOSES.includes(purpose)) throw new InputError('INVALID_INPUT', `purpose is one of ${STATUS_PURPOSES.join(', ')}`, { evidence: { purpose } });
    if (!Number.isInteger(count) || count < 1 || count > MAX_ALLOCATION) throw new InputError('INVALID_INPUT', `count is an integer from 1 to ${MAX_ALLOCATION}`, { evidence: { count } });
    const key = issuerKey(issuer);
    return withLock(`allocate ${key}/${purpose}`, async () => {
      const sequences = await sequencesOf(key, purpose);
      const operations: BatchOperation[] = [];
      const created: ListMeta[] = [];
      const taken: { meta: ListMeta; bitmap: Uint8Array; count: number; chunks: Set<number>; indexes: number[] }[] = [];
      const last = sequences.length ? await stateOf(urlOf(key, purpose, sequences.at(-1)!)) : undefined;
      if (last && last.meta.issuer !== issuer) throw new Error(`Issuer key ${key} of ${issuer} is taken by ${last.meta.issuer}`);
      let current = last && { meta: last.meta, bitmap: last.allocated.slice(), count: last.allocatedCount, chunks: new Set<number>(), indexes: [] as number[] };
      let remaining = count;
      while (remaining > 0) {
        if (!current || current.count >= Math.floor(current.meta.entries / 2)) {
          const sequence = (current?.meta.sequence ?? 0) + 1;
          const meta: ListMeta = { url: urlOf(key, purpose, sequence), issuer, purpose, sequence, entries: listEntries, statusSize: STATUS_SIZES[purpose] };
          operations.push({ type: 'put', key: META(pathOf(meta)), value: JSON.stringify(meta) });
          created.push(meta);
          current = { meta, bitmap: new Uint8Array(Math.ceil(meta.entries / 8)), count: 0, chunks: new Set(), indexes: [] };
        }
        if (!taken.includes(current)) taken.push(current);
        const below = randomBelow(current.meta.entries);
        const capacity = Math.floor(current.meta.entries / 2);
        // At most half the list is allocated, so each draw is free with probability ≥ 1/2.
        for (; remaining > 0 && current.count < capacity; remaining--) {
          let index: number;
          do index = below();
          while ((current.bitmap[index >> 3]! & (0x80 >> (index & 7))) !== 0);
          current.bitmap[index >> 3]! |= 0x80 >> (index & 7);
          current.count++;
          current.chunks.add(Math.floor((index >> 3) / CHUNK_BYTES));
          current.indexes.push(index);
        }
      }
      for (const t of taken) {
        const path = pathOf(t.meta);
        for (const chunk of t.chunks) {
          const bytes = t.bitmap.subarray(chunk * CHUNK_BYTES, (chunk + 1) * CHUNK_BYTES);
          operations.push({ type: 'put', key: `${ALLOC(path)}${pad(chunk, 4)}`, value: Buffer.from(bytes).toString('base64') });
        }
      }
      await store.batch(operations);
      for (const meta of created) sequences.push(meta.sequence);
      // Loaded now (a new list) or already: either way the same state everyone else sees; setting a bit twice is harmless.
      for (const t of taken) {
        const state = (await stateOf(t.meta.url))!;
        for (const index of t.indexes) {
          const mask = 0x80 >> (index & 7);
          if ((state.allocated[index >> 3]! & mask) === 0) {
            state.allocated[index >> 3]! |= mask;
            state.allocatedCount++;
          }
        }
      }
      return taken.flatMap((t) => t.indexes.map((index) => entryFor(t.meta, index)));
    });
  }

  async function get(listUrl: string, index: number): Promise<number> {
    const state = await requireState(listUrl);
    if (!state.own) throw new AuthError('POLICY_DENIED', `${listUrl} is ${state.meta.issuer}'s list: read it as its credential`, { evidence: { statusListCredential: listUrl } });
    return getStatus(state.values!, index, state.meta.statusSize);
  }

  async function prepareSet(listUrl: string, index: number, value: number): Promise<PreparedWrite> {
    const state = await requireState(listUrl);
    const { meta } = state;
    if (!state.own) throw new AuthError('POLICY_DENIED', `${listUrl} is ${meta.issuer}'s list: only its issuer changes it`, { evidence: { statusListCredential: listUrl, issuer: meta.issuer } });
    if (!Number.isSafeInteger(index) || index < 0 || index >= meta.entries || (state.allocated[index >> 3]! & (0x80 >> (index & 7))) === 0) {
      throw new InputError('INVALID_INPUT', `Entry ${index} of ${listUrl} was never allocated`, { evidence: { statusListCredential: listUrl, statusListIndex: index } });
    }
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** meta.statusSize) {
      throw new InputError('INVALID_INPUT', `A ${meta.statusSize}-bit status is 0 to ${2 ** meta.statusSize - 1}`, { evidence: { value } });
    }
    const version = Math.max(state.version, state.preparedVersion) + 1;
    state.preparedVersion = version;
    const path = pathOf(meta);
    const valueKey = `${VALUE(path)}${pad(index, 10)}`;
    let committed = false;
    return {
      operations: [
        value === 0 ? { type: 'del', key: valueKey } : { type: 'put', key: valueKey, value: String(value) },
        { type: 'put', key: VERSION(path), value: String(version) },
      ],
      commit() {
        if (committed) return;
        committed = true;
        setStatus(state.values!, index, meta.statusSize, value);
        state.version = Math.max(state.version, version);
      },
    };
  }

  /** The own list signed for its current version: from the cache while that is young enough, else signed now (once for concurrent readers). */
  async function signOwn(state: ListState): Promise<{ credential: JsonObject; version: number }> {
    const at = now().getTime();
    const signed = state.signed;
    if (signed && signed.version === state.version && at >= signed.validFrom && at < signed.validFrom + validity / 2) return signed;
    if (state.signing?.version === state.version) return state.signing.promise;
    const version = state.version;
    const validFrom = Math.floor(at / 1000) * 1000;
    const unsigned = statusListCredential({
      id: state.meta.url,
      issuer: ownDid,
      purpose: state.meta.purpose,
      bitstring: state.values!,
      // Dated a minute early, so that a verifier whose clock is a little behind does not find it not yet valid.
      validFrom: new Date(validFrom - CLOCK_SKEW_MS).toISOString().replace('.000Z', 'Z'),
      validUntil: new Date(validFrom - CLOCK_SKEW_MS + validity).toISOString().replace('.000Z', 'Z'),
    });
    const promise = sign(unsigned).then((credential) => {
      const result = { version, credential, validFrom };
      if (state.version === version) state.signed = result;
      return result;
    });
    state.signing = { version, promise };
    try {
      return await promise;
    } finally {
      if (state.signing?.promise === promise) state.signing = undefined;
    }
  }

  async function current(listUrl: string): Promise<{ credential: JsonObject; info: StatusListInfo } | undefined> {
    const state = await stateOf(listUrl);
    if (!state) return undefined;
    if (state.own) {
      const { credential, version } = await signOwn(state);
      return { credential: structuredClone(credential), info: { ...info(state), version } };
    }
    return state.credential && { credential: structuredClone(state.credential), info: info(state) };
  }

  function info(state: ListState): StatusListInfo {
    const { url, issuer, purpose, sequence, entries, statusSize } = state.meta;
    return { url, issuer, purpose, sequence, entries, statusSize, own: state.own, version: state.version };
  }

  return {
    origin,
    allocate,
    prepareSet,
    get,
    async set(listUrl, index, value) {
      const prepared = await prepareSet(listUrl, index, value);
      await store.batch(prepared.operations);
      prepared.commit();
    },
    async read(listUrl) {
      return (await current(listUrl))?.credential;
    },
    current,
    async publish(listUrl, credential, { actor, baseVersion }) {
      if (baseVersion !== undefined && (!Number.isSafeInteger(baseVersion) || baseVersion < 0)) {
        throw new InputError('INVALID_INPUT', 'baseVersion is a non-negative integer', { evidence: { baseVersion } });
      }
      const state = await requireState(listUrl);
      const { meta } = state;
      const evidence = { statusListCredential: listUrl };
      return withLock(`list ${listUrl}`, async () => {
        if (state.own) throw new AuthError('POLICY_DENIED', `${listUrl} is the server's own list: it is signed by the server`, { evidence });
        if (actor !== meta.issuer) throw new AuthError('POLICY_DENIED', `${listUrl} belongs to ${meta.issuer}, not ${String(actor)}`, { evidence: { ...evidence, issuer: meta.issuer, actor } });
        if (!isObject(credential)) throw new DataModelError('STATUS_LIST_INVALID', 'A status list credential is a JSON object (the Data Integrity form)', { evidence });
        if (issuerId(credential) !== actor) throw new AuthError('POLICY_DENIED', `The list credential is issued by ${String(issuerId(credential))}, not ${actor}`, { evidence: { ...evidence, issuer: issuerId(credential), actor } });
        if (baseVersion !== undefined && baseVersion !== state.version) {
          throw new DppError('STATUS_LIST_CONFLICT', `${listUrl} is at version ${state.version}, not ${String(baseVersion)}`, { evidence: { ...evidence, baseVersion, version: state.version } });
        }
        checkListCredential(credential, meta);
        const report = await verifyCredential(credential);
        if (!report.verified) {
          const failed = report.checks.filter((c) => c.status === 'fail');
          throw new DataModelError('STATUS_LIST_INVALID', `The list credential does not verify: ${failed.map((c) => c.message).join('; ')}`, { evidence: { ...evidence, checks: failed } });
        }
        const version = state.version + 1;
        const path = pathOf(meta);
        await store.batch([
          { type: 'put', key: CREDENTIAL(path), value: JSON.stringify(credential) },
          { type: 'put', key: VERSION(path), value: String(version) },
        ]);
        state.credential = structuredClone(credential);
        state.version = version;
        return version;
      });
    },
    async version(listUrl) {
      return (await requireState(listUrl)).version;
    },
    async listsOf(issuer) {
      const out: StatusListInfo[] = [];
      if (typeof issuer !== 'string') return out;
      for await (const [, value] of store.entries(`${ROOT}meta/${issuerKey(issuer)}/`)) {
        const meta = JSON.parse(value) as ListMeta;
        if (meta.issuer !== issuer) continue;
        const state = await stateOf(meta.url);
        if (state) out.push(info(state));
      }
      return out;
    },
  };
}

/** An upload must be a BitstringStatusListCredential for this list's id and purpose, at least as long as the list. */
function checkListCredential(credential: JsonObject, meta: ListMeta): void {
  const evidence = { statusListCredential: meta.url };
  const invalid = (message: string, extra: Record<string, unknown> = {}) => new DataModelError('STATUS_LIST_INVALID', message, { evidence: { ...evidence, ...extra } });
  if (!typesOf(credential).includes('BitstringStatusListCredential')) throw invalid('The credential is not a BitstringStatusListCredential', { type: credential.type });
  if (credential.id !== meta.url) throw invalid(`The list credential's id must be ${meta.url}`, { id: credential.id });
  const subject = credential.credentialSubject;
  if (!isObject(subject) || !typesOf(subject).includes('BitstringStatusList') || typeof subject.encodedList !== 'string') {
    throw invalid('credentialSubject is a BitstringStatusList with an encodedList');
  }
  if (!asArray(subject.statusPurpose as unknown).includes(meta.purpose)) throw invalid(`The list's statusPurpose must be ${meta.purpose}`, { statusPurpose: subject.statusPurpose });
  const bits = decodeBitstring(subject.encodedList).length * 8;
  const required = meta.entries * meta.statusSize;
  if (bits < required) throw invalid(`The list has ${bits} bits; ${meta.entries} entries of ${meta.statusSize} bits need ${required}`, { bits, required });
}

function popcount(bytes: Uint8Array): number {
  let count = 0;
  for (let byte of bytes) {
    for (; byte; byte &= byte - 1) count++;
  }
  return count;
}

/** Runs tasks with the same key one after another. */
function createLocks(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
