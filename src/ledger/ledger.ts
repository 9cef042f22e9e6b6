// The ledger's one write path: verified credentials appended to their unit's event chain and to the
// Merkle log, with their subject listing, in one durable batch; then a new signed checkpoint.
import { ChainError, DataModelError, InputError } from '../errors.js';
import { parseDigitalLink } from '../gs1/index.js';
import type { MerkleLog } from '../log/index.js';
import { getJson, type BatchOperation, type Store } from '../storage/store.js';
import type { CredentialRepository, StoredCredential } from '../storage/credential-repository.js';
import { canonicalJson, digestMultibase } from '../vc/jcs.js';
import { isObject, issuerId, typesOf, type JsonObject } from '../vc/credential.js';
import type { Verifier } from '../vc/verify.js';
import { levelsOf, type PreparedWrite, type SubjectRecord, type SubjectRegistry } from './subjects.js';

/** What a chain remembers of its last event. */
export interface ChainHead {
  id: string;
  digestMultibase: string;
  sequence: number;
  leafIndex: number;
}

/** One event in a chain, as the log records it. */
export interface ChainEvent extends ChainHead {
  unit: string;
  type: string;
}

export interface Acknowledgement extends ChainEvent {
  /** True when the same credential was already in the ledger (appends are idempotent). */
  duplicate: boolean;
}

export interface LedgerDeps {
  store: Store;
  log: MerkleLog;
  subjects: SubjectRegistry;
  credentials: CredentialRepository;
  verifier: Pick<Verifier, 'verifyCredential'>;
  /** Signs a checkpoint body (C2SP signed note) with the log's key. */
  signCheckpoint(size: number, root: Uint8Array): Promise<string>;
}

export interface AppendOptions {
  /**
   * Judges the credentials not yet in the ledger once their proofs are verified, before the sequencer
   * (the write policy); throwing refuses the whole append.
   */
  authorize?: (fresh: readonly StoredCredential[]) => Promise<void>;
  /**
   * Further writes that must land in the same atomic batch (a status bit flipped with the event that
   * changes it), given the credentials newly appended (not the retries). Called in the sequencer once
   * the chains are checked; not called when everything was already recorded.
   */
  alongside?: (appended: readonly StoredCredential[]) => Promise<PreparedWrite[]>;
}

export interface Ledger {
  /** Appends every credential or none: on any error nothing is written. Resolves once durable. */
  append(credentials: readonly StoredCredential[], options?: AppendOptions): Promise<Acknowledgement[]>;
  /** Writes that change no chain (a status bit, a contact) in the sequencer, so they never race an append's. */
  commit(prepare: () => Promise<PreparedWrite[]>): Promise<void>;
  head(unit: string): Promise<ChainHead | undefined>;
  /** A unit's events in chain order. */
  events(unit: string): Promise<ChainEvent[]>;
  event(credentialId: string): Promise<ChainEvent | undefined>;
  /** The units (chain keys) under a batch or product (GTIN) key, in key order. */
  members(key: string): AsyncIterable<string>;
  /** The latest signed checkpoint (C2SP signed note text). */
  checkpoint(): Promise<string>;
}

// A unit's element string may hold '/' (serials are GS1 character set 82): encoded, one unit's keys can
// never be a prefix of another's.
const UNIT = (unit: string) => `chain/${encodeURIComponent(unit)}/`;
const HEAD = (unit: string) => `${UNIT(unit)}head`;
const EVENT = (unit: string, sequence: number) => `${UNIT(unit)}event/${String(sequence).padStart(12, '0')}`;
const BY_ID = (id: string) => `event/${id}`;
const CHECKPOINT = 'log-checkpoint';
// A unit under each level above it (its batch, its GTIN), so that a recall can find the units it covers.
const MEMBER = (level: string, unit: string) => `member/${encodeURIComponent(level)}/${encodeURIComponent(unit)}`;

/**
 * The chain a credential belongs to: the most specific level its subject's Digital Link names, or, for
 * a credential about a party (a licence, an accreditation), the party's DID.
 */
export function unitOf(credential: JsonObject): string {
  const subject = credential.credentialSubject;
  if (!isObject(subject) || typeof subject.id !== 'string') {
    throw new InputError('INVALID_INPUT', 'credentialSubject.id must be the Digital Link of the unit, batch or product, or a party\'s DID');
  }
  if (isPartySubject(subject.id)) return subject.id;
  return levelsOf(parseDigitalLink(subject.id))[0]!.key;
}

/** Credentials about a party (its DID) sit on the party's own chain, not on a product's. */
export function isPartySubject(id: string): boolean {
  return /^did:[a-z0-9]+:\S+$/.test(id);
}

/** The bytes of a log entry: what a credential is, about which unit, where in its chain. */
export function logEntry(event: ChainEvent, issuer: string): Uint8Array {
  return new TextEncoder().encode(
    canonicalJson({ unit: event.unit, sequence: event.sequence, credential: event.id, digestMultibase: event.digestMultibase, type: event.type, issuer }),
  );
}

export async function createLedger(deps: LedgerDeps): Promise<Ledger> {
  const { store, log, subjects, credentials, verifier } = deps;
  // One sequencer: appends run one at a time, so a head read is still the head when the batch is written.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const head = (unit: string) => getJson<ChainHead>(store, HEAD(unit));
  const event = (id: string) => getJson<ChainEvent>(store, BY_ID(id));

  let latest: { size: number; note: string } | undefined = await getJson(store, CHECKPOINT);

  /** The checkpoint of the committed log: signed once per size (also after a crash between batch and signing). */
  async function latestCheckpoint(): Promise<string> {
    if (latest?.size === log.size) return latest.note;
    const signed = { size: log.size, note: await deps.signCheckpoint(log.size, log.root) };
    await store.batch([{ type: 'put', key: CHECKPOINT, value: JSON.stringify(signed) }]);
    latest = signed;
    return signed.note;
  }

  async function verifyItem(item: StoredCredential): Promise<void> {
    const fail = (why: string, checks: unknown) => new DataModelError('CREDENTIAL_NOT_VERIFIED', `${item.id} ${why}`, { evidence: { credential: item.id, checks } });
    const report = await verifier.verifyCredential(item.dataIntegrity);
    if (!report.verified) throw fail('does not verify', report.checks.filter((c) => c.status === 'fail'));
    if (item.jwt === undefined) return;
    // The vc+jwt form must secure the very same credential.
    const jwt = await verifier.verifyCredential(item.jwt);
    const { proof: _proof, ...unsecured } = item.dataIntegrity;
    if (!jwt.verified) throw fail('has a vc+jwt form that does not verify', jwt.checks.filter((c) => c.status === 'fail'));
    if (canonicalJson(jwt.credential) !== canonicalJson(unsecured)) throw fail('has a vc+jwt form of another credential', []);
  }

  async function append(items: readonly StoredCredential[], options: AppendOptions = {}): Promise<Acknowledgement[]> {
    if (!Array.isArray(items) || items.length === 0) throw new InputError('INVALID_INPUT', 'Nothing to append');
    // Verify before taking the sequencer: it is the slow part and needs no ledger state. A credential
    // already in the ledger is not verified again, so a retry is acknowledged even after a revocation.
    const fresh: StoredCredential[] = [];
    for (const item of items) {
      if (!isObject(item?.dataIntegrity) || typeof item.id !== 'string' || item.dataIntegrity.id !== item.id) {
        throw new InputError('INVALID_INPUT', 'Each item is a credential with an id');
      }
      if ((await event(item.id))?.digestMultibase === digestMultibase(item.dataIntegrity)) continue;
      await verifyItem(item);
      fresh.push(item);
    }
    if (fresh.length) await options.authorize?.(fresh);
    return serial(async () => {
      const heads = new Map<string, ChainHead | undefined>();
      const records = new Map<string, SubjectRecord>();
      const operations: BatchOperation[] = [];
      const commits: (() => void)[] = [];
      const acks: Acknowledgement[] = [];
      const fresh: { event: ChainEvent; issuer: string }[] = [];
      for (const item of items) {
        const credential = item.dataIntegrity;
        const digest = digestMultibase(credential);
        const existing = fresh.find((f) => f.event.id === item.id)?.event ?? (await event(item.id));
        if (existing) {
          if (existing.digestMultibase !== digest) throw new ChainError('CREDENTIAL_ID_TAKEN', `Another credential already has the id ${item.id}`, { evidence: { id: item.id } });
          acks.push({ ...existing, duplicate: true });
          continue;
        }
        const unit = unitOf(credential);
        const current = heads.has(unit) ? heads.get(unit) : await head(unit);
        const previousId = isObject(credential.previousEvent) ? credential.previousEvent.id : undefined;
        const named = typeof previousId === 'string' ? (fresh.find((f) => f.event.id === previousId)?.event ?? (await event(previousId))) : undefined;
        checkPredecessor(credential, unit, current, named?.unit === unit);
        const type = typesOf(credential).find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
        const next: ChainEvent = { unit, type, id: item.id, digestMultibase: digest, sequence: current ? current.sequence + 1 : 0, leafIndex: log.size + fresh.length };
        heads.set(unit, next);
        fresh.push({ event: next, issuer: String(issuerId(credential)) });
        acks.push({ ...next, duplicate: false });
        operations.push(credentials.putOperation(item), { type: 'put', key: EVENT(unit, next.sequence), value: JSON.stringify(next) }, { type: 'put', key: BY_ID(item.id), value: JSON.stringify(next) });
        const subject = credential.credentialSubject as JsonObject;
        if (isPartySubject(String(subject.id))) continue;
        const link = parseDigitalLink(String(subject.id));
        const [level, ...above] = levelsOf(link);
        if (next.sequence === 0 && level!.level === 'item') for (const parent of above) operations.push({ type: 'put', key: MEMBER(parent.key, unit), value: unit });
        const prepared = await subjects.prepare(link, { id: item.id, type, name: typeof subject.name === 'string' ? subject.name : undefined, facets: facetsOf(subject) }, records);
        operations.push(...prepared.operations);
        commits.push(prepared.commit);
      }
      if (fresh.length === 0) return acks;
      for (const [unit, h] of heads) operations.push({ type: 'put', key: HEAD(unit), value: JSON.stringify(h) });
      const newlyAppended = items.filter((item) => fresh.some((f) => f.event.id === item.id));
      for (const write of (await options.alongside?.(newlyAppended)) ?? []) {
        operations.push(...write.operations);
        commits.push(write.commit);
      }
      const appended = log.prepareAppend(fresh.map(({ event: e, issuer }) => logEntry(e, issuer)));
      try {
        await store.batch([...operations, ...appended.operations]);
      } catch (err) {
        appended.abandon();
        throw err;
      }
      appended.commit();
      for (const commit of commits) commit();
      await latestCheckpoint();
      return acks;
    });
  }

  return {
    append,
    commit: (prepare) =>
      serial(async () => {
        const writes = await prepare();
        await store.batch(writes.flatMap((w) => w.operations));
        for (const write of writes) write.commit();
      }),
    head,
    event,
    async events(unit) {
      const out: ChainEvent[] = [];
      for await (const [, value] of store.entries(`${UNIT(unit)}event/`)) out.push(JSON.parse(value) as ChainEvent);
      return out;
    },
    async *members(key) {
      for await (const [, unit] of store.entries(`member/${encodeURIComponent(key)}/`)) yield unit;
    },
    // Reads need not wait behind writes: the committed checkpoint is at hand.
    checkpoint: () => (latest?.size === log.size ? Promise.resolve(latest.note) : serial(latestCheckpoint)),
  };
}

/** The chain rule: a unit's first event names no predecessor; every later one names the current head. */
function checkPredecessor(credential: JsonObject, unit: string, current: ChainHead | undefined, namesAnEventOfUnit: boolean): void {
  const previous = credential.previousEvent;
  const headEvidence = current ? { id: current.id, digestMultibase: current.digestMultibase, sequence: current.sequence } : null;
  if (previous === undefined) {
    if (current) throw new ChainError('CHAIN_CONFLICT', `${unit} already has events: name its head as previousEvent`, { evidence: { unit, head: headEvidence } });
    return;
  }
  if (!isObject(previous) || typeof previous.id !== 'string' || typeof previous.digestMultibase !== 'string') {
    throw new InputError('INVALID_INPUT', 'previousEvent is {id, digestMultibase}');
  }
  if (!current || !namesAnEventOfUnit) {
    throw new ChainError('CHAIN_HEAD_UNKNOWN', `${previous.id} is not an event of ${unit}`, { evidence: { unit, head: headEvidence, previousEvent: previous } });
  }
  if (previous.id === current.id) {
    if (previous.digestMultibase !== current.digestMultibase) {
      throw new ChainError('CHAIN_DIGEST_MISMATCH', `previousEvent's digest is not that of ${current.id}`, { evidence: { unit, expected: current.digestMultibase, got: previous.digestMultibase } });
    }
    return;
  }
  throw new ChainError('CHAIN_CONFLICT', `previousEvent ${previous.id} is not the head of ${unit}: the chain would fork`, { evidence: { unit, head: headEvidence, previousEvent: previous } });
}

/** What a passport offers to link to beyond itself. */
export function facetsOf(subject: JsonObject): string[] {
  const facets: string[] = [];
  if (Array.isArray(subject.compatibleSparePart) && subject.compatibleSparePart.length) facets.push('spareParts');
  if (Array.isArray(subject.performanceClaim) && subject.performanceClaim.length) facets.push('claims');
  return facets;
}
