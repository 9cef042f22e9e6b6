// `dpp mirror`: follows a remote log through its tlog-tiles, checks that it only ever grows, keeps a full copy of
// its entries and credentials (the ESPR third-party backup copy), and cosigns every checkpoint it verified as a
// witness. Nothing of a run is kept unless all of it verified: the new state is one atomic batch.
import { InputError, LogError, isDppError } from '../errors.js';
import {
  TILE_WIDTH,
  checkConsistency,
  bytesEqual,
  cosignNote,
  createMerkleLog,
  entriesPath,
  formatVerifierKey,
  parseCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  toBase64,
  verifyCheckpoint,
  type MerkleLog,
  type NoteSigner,
  type NoteVerifier,
  type ParsedCheckpoint,
} from '../log/index.js';
import type { LogInfo } from '../http/log-routes.js';
import { createCredentialRepository } from '../storage/credential-repository.js';
import { getJson, type BatchOperation, type Store } from '../storage/store.js';
import { isObject } from '../vc/credential.js';
import { digestMultibase } from '../vc/jcs.js';
import { fail, pass, warn, type Check } from '../vc/report.js';
import { openNode, noteSignerOf, type Node } from './node.js';
import { usage } from './usage.js';
import { networkFetch } from './network.js';

/** Where a mirror keeps its state in its store (credentials are under the repository's own `credential/`). */
export const MIRROR_KEYS = {
  /** The mirrored Merkle log's key prefix. */
  log: 'mirror/log/',
  /** The origin's log identity, pinned on first use: {@link MirrorPin}. */
  pin: 'mirror/pin',
  /** The held checkpoint: {@link HeldCheckpoint}. */
  checkpoint: 'mirror/checkpoint',
  /** The witness key: {@link WitnessRecord}. */
  witness: 'mirror/witness',
  /**
   * Two signed checkpoints that contradict each other (rollback, split view, a failed consistency proof), one record
   * per detection: the only thing a failed run writes, since a witness that saw a log equivocate must keep the proof.
   */
  evidence: 'mirror/evidence/',
} as const;

/** The log a mirror follows, as `/log/key` described it the first time. */
export interface MirrorPin extends LogInfo {
  /** Where it was first mirrored from (later runs may follow it from another mirror: the key is what is pinned). */
  source: string;
}

/** The last checkpoint the mirror verified, with its own cosignature added. */
export interface HeldCheckpoint {
  size: number;
  /** base64 */
  root: string;
  note: string;
}

export interface WitnessRecord {
  kid: string;
  name: string;
  verifierKey: string;
}

export type MirrorVerdict = 'consistent' | 'rewritten' | 'rolled-back' | 'split-view' | 'not-verified';

export interface MirrorReport {
  verified: boolean;
  verdict: MirrorVerdict;
  /** The base URL followed. */
  source: string;
  log?: { origin: string; verifierKey: string; did: string };
  witness?: { name: string; verifierKey: string };
  /** The checkpoint held before this run, if any. */
  previous: { size: number; root: string } | null;
  /** The checkpoint the origin served. */
  checkpoint: { size: number; root: string } | null;
  entriesFetched: number;
  credentialsFetched: number;
  checks: Check[];
  /** Two signed checkpoints that cannot both be honest, the one held and the one served (also kept in the store). */
  evidence?: { kind: 'rewrite' | 'rollback' | 'split-view'; held: string; served: string };
}

/** How the mirror reaches the origin; a network failure rejects. */
export type MirrorFetch = (url: string, init?: { headers?: Record<string, string> }) => Promise<Response>;

export interface MirrorOptions {
  store: Store;
  /** The origin's base URL: `<base>/log/…` and `<base>/credentials/<id>` are fetched. */
  baseUrl: string;
  fetch: MirrorFetch;
  /** The wall clock in milliseconds; cosignature timestamps are its seconds. */
  now: () => number;
  /** The witness key; asked for only when a checkpoint verified and is to be cosigned. */
  witness: () => Promise<NoteSigner>;
  /** Parallel requests; default 8. */
  concurrency?: number;
}

const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const MAX_REPORTED = 20;
const EM_DASH = '\u2014';

/** The base URL without a trailing slash; USAGE unless it is an http(s) URL. */
export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw usage(`dpp mirror takes the base URL of a log's origin, not ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage('The base URL is http or https');
  if (url.search || url.hash) throw usage('The base URL has no query or fragment');
  return url.toString().replace(/\/+$/, '');
}

/** The mirror's state in `store`, opened: its log, and what it pinned and holds. */
export async function openMirrorState(store: Store): Promise<{ log: MerkleLog; pin?: MirrorPin; held?: HeldCheckpoint; witness?: WitnessRecord }> {
  const log = createMerkleLog({ store, prefix: MIRROR_KEYS.log });
  await log.open();
  const [pin, held, witness] = await Promise.all([
    getJson<MirrorPin>(store, MIRROR_KEYS.pin),
    getJson<HeldCheckpoint>(store, MIRROR_KEYS.checkpoint),
    getJson<WitnessRecord>(store, MIRROR_KEYS.witness),
  ]);
  if ((held?.size ?? 0) !== log.size) {
    throw new LogError('LOG_STORE_CORRUPT', 'The held checkpoint is not the size of the mirrored log', { evidence: { held: held?.size ?? 0, log: log.size } });
  }
  return { log, pin, held, witness };
}

/** Runs `work` over `items` with at most `limit` in flight; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The note without signature lines by `name` (a cosignature of ours the origin may have republished). */
function withoutSignaturesBy(note: string, name: string): string {
  const split = note.lastIndexOf('\n\n');
  const lines = note.slice(split + 2).split('\n');
  return note.slice(0, split + 2) + lines.filter((line) => !line.startsWith(`${EM_DASH} ${name} `)).join('\n');
}

/**
 * One mirror run against `baseUrl`: verify the origin's checkpoint (pinned key and origin), check it against the
 * held one (no rollback, no split view, a consistency proof), fetch the new entry bundles and every new entry's
 * credential, recompute the root, cosign, and write everything in one batch. Verification failures come back as a
 * report (`verified: false`); an unreachable or malformed origin throws a DppError (bad input, exit 2).
 */
export async function runMirror(options: MirrorOptions): Promise<MirrorReport> {
  const { store, fetch, now } = options ?? ({} as MirrorOptions);
  if (!store || typeof fetch !== 'function' || typeof now !== 'function' || typeof options.witness !== 'function') {
    throw new TypeError('runMirror needs a store, a fetch, a clock and a witness');
  }
  const base = normaliseBaseUrl(options.baseUrl);
  const limit = options.concurrency ?? 8;
  const checks: Check[] = [];
  const report: MirrorReport = { verified: false, verdict: 'not-verified', source: base, log: undefined, witness: undefined, previous: null, checkpoint: null, entriesFetched: 0, credentialsFetched: 0, checks };
  const done = (verdict: MirrorVerdict): MirrorReport => Object.assign(report, { verified: verdict === 'consistent', verdict });

  const request = async (path: string, accept: string): Promise<Response> => {
    const url = base + path;
    try {
      return await fetch(url, { headers: { accept } });
    } catch (err) {
      throw new InputError('INVALID_INPUT', `Cannot reach ${url}: ${(err as Error)?.message ?? String(err)}`, { evidence: { url } });
    }
  };
  const ok = async (path: string, accept: string): Promise<Response> => {
    const res = await request(path, accept);
    if (!res.ok) {
      await res.body?.cancel();
      throw new InputError('INVALID_INPUT', `${base + path} answered ${res.status}`, { evidence: { url: base + path, status: res.status } });
    }
    return res;
  };
  /** A body read to its end; a connection lost half-way is an unreachable origin too. */
  const body = async <T>(path: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      throw new InputError('INVALID_INPUT', `Cannot read ${base + path}: ${(err as Error)?.message ?? String(err)}`, { evidence: { url: base + path } });
    }
  };

  const { log, pin, held } = await openMirrorState(store);
  if (held) report.previous = { size: held.size, root: held.root };

  // 1. The log's identity: its origin line and note key, pinned on first use.
  const info = await (await ok('/log/key', 'application/json')).json().catch(() => undefined);
  if (!isObject(info) || typeof info.origin !== 'string' || typeof info.verifierKey !== 'string') {
    throw new LogError('LOG_KEY_INVALID', `${base}/log/key is not {origin, verifierKey, did}`);
  }
  const served = { origin: info.origin, verifierKey: info.verifierKey, did: typeof info.did === 'string' ? info.did : '' };
  const key = parseVerifierKey(served.verifierKey);
  if (key.type !== 'ed25519' || key.name !== served.origin) {
    throw new LogError('LOG_KEY_INVALID', "The log's verifier key is not an Ed25519 note key named by its origin", { evidence: { origin: served.origin, verifierKey: served.verifierKey } });
  }
  if (pin && (pin.origin !== served.origin || pin.verifierKey !== served.verifierKey)) {
    report.log = { origin: pin.origin, verifierKey: pin.verifierKey, did: pin.did };
    checks.push(
      fail('key', 'LOG_KEY_CHANGED', `The origin presents another log than the one pinned: ${served.verifierKey} instead of ${pin.verifierKey}`, {
        evidence: { pinned: { origin: pin.origin, verifierKey: pin.verifierKey }, served: { origin: served.origin, verifierKey: served.verifierKey } },
      }),
    );
    return done('not-verified');
  }
  const logInfo = pin ? { origin: pin.origin, verifierKey: pin.verifierKey, did: pin.did } : served;
  report.log = logInfo;
  checks.push(pass('key', pin ? `${logInfo.origin}, key ${key.keyId}, as pinned` : `${logInfo.origin}, key ${key.keyId}, pinned on first use`));
  const logKey: NoteVerifier = { name: key.name, publicKey: key.publicKey };

  // 2. The checkpoint: well-formed (else a malformed origin), from this log, signed by its pinned key.
  const checkpointResponse = await ok('/log/checkpoint', 'text/plain');
  const note = await body('/log/checkpoint', () => checkpointResponse.text());
  const checkpoint: ParsedCheckpoint = parseCheckpoint(note);
  report.checkpoint = { size: checkpoint.size, root: toBase64(checkpoint.root) };
  if (checkpoint.origin !== logInfo.origin) {
    checks.push(fail('checkpoint', 'CHECKPOINT_INVALID', `The checkpoint is from ${checkpoint.origin}, not ${logInfo.origin}`, { evidence: { expectedOrigin: logInfo.origin, origin: checkpoint.origin } }));
    return done('not-verified');
  }
  try {
    verifyCheckpoint(note, { origin: logInfo.origin, logKeys: [logKey] });
  } catch (err) {
    if (!isDppError(err) || err.code !== 'CHECKPOINT_SIGNATURE_INVALID') throw err;
    checks.push(fail('checkpoint', err.code, `The checkpoint is not signed by the pinned log key: ${err.message}`, { evidence: { ...err.evidence, note } }));
    return done('not-verified');
  }
  checks.push(pass('checkpoint', `size ${checkpoint.size}, signed by ${logInfo.origin}`));

  // 3. Against the checkpoint held: the log only grows, and a tree of one size has one root.
  const heldRoot = held ? fromB64(held.root) : undefined;
  const evidenceOf = async (kind: 'rewrite' | 'rollback' | 'split-view') => {
    report.evidence = { kind, held: held!.note, served: note };
    const at = new Date(now()).toISOString();
    await store.batch([{ type: 'put', key: `${MIRROR_KEYS.evidence}${at}-${kind}`, value: JSON.stringify({ ...report.evidence, detectedAt: at, source: base }) }]);
  };
  if (held && heldRoot) {
    if (checkpoint.size < held.size) {
      const prefix = await log.rootAt(checkpoint.size);
      const stale = bytesEqual(prefix, checkpoint.root);
      checks.push(
        fail(
          'consistency',
          'LOG_INCONSISTENT',
          stale
            ? `Rolled back: the origin serves a checkpoint of size ${checkpoint.size}, older than the one held (size ${held.size})`
            : `Rolled back and rewritten: a checkpoint of size ${checkpoint.size} whose root is not the held tree's root at that size`,
          { evidence: { kind: 'rollback', heldSize: held.size, heldRoot: held.root, size: checkpoint.size, root: toBase64(checkpoint.root), heldRootAtSize: toBase64(prefix) } },
        ),
      );
      await evidenceOf('rollback');
      return done('rolled-back');
    }
    if (checkpoint.size === held.size && !bytesEqual(checkpoint.root, heldRoot)) {
      checks.push(
        fail('consistency', 'LOG_INCONSISTENT', `Split view: two different trees of size ${held.size}, both signed by the log`, {
          evidence: { kind: 'split-view', size: held.size, heldRoot: held.root, root: toBase64(checkpoint.root) },
        }),
      );
      await evidenceOf('split-view');
      return done('split-view');
    }
    if (checkpoint.size === held.size) checks.push(pass('consistency', `the same tree as held (size ${held.size})`));
    else if (held.size > 0) {
      const res = await request(`/log/proof/consistency?from=${held.size}&to=${checkpoint.size}`, 'application/json');
      if (!res.ok) {
        await res.body?.cancel();
        checks.push(warn('consistency', 'NOT_FOUND', `No consistency proof served (${res.status}); the tree is checked from its entries alone`));
      } else {
        const answer = await res.json().catch(() => undefined);
        const proof = isObject(answer) && Array.isArray(answer.proof) && answer.proof.every((p) => typeof p === 'string') ? (answer.proof as string[]).map(fromB64) : undefined;
        if (!proof) throw new InputError('INVALID_INPUT', `${base}/log/proof/consistency did not answer {proof: [base64…]}`);
        const result = checkConsistency(held.size, checkpoint.size, proof, heldRoot, checkpoint.root);
        if (!result.ok) {
          checks.push(
            fail('consistency', result.code, `Rewritten: the tree of size ${checkpoint.size} does not extend the one held (size ${held.size}): ${result.reason}`, {
              evidence: { kind: 'rewrite', ...result.evidence },
            }),
          );
          await evidenceOf('rewrite');
          return done('rewritten');
        }
        checks.push(pass('consistency', `the consistency proof from size ${held.size} to ${checkpoint.size} verifies`));
      }
    }
  }

  if (!held) checks.push(pass('consistency', 'first run: nothing held yet to compare with'));

  // 4. The new entries, from the entry bundles; the ones already held must come back unchanged.
  const from = log.size;
  const to = checkpoint.size;
  const bundleIndexes: number[] = [];
  for (let i = Math.floor(from / TILE_WIDTH); i * TILE_WIDTH < to; i++) bundleIndexes.push(i);
  const bundles = await mapLimit(bundleIndexes, limit, async (index) => {
    const width = Math.min(TILE_WIDTH, to - index * TILE_WIDTH);
    const path = `/log/${entriesPath(index, width)}`;
    const res = await ok(path, 'application/octet-stream');
    const entries = parseEntryBundle(new Uint8Array(await body(path, () => res.arrayBuffer())));
    if (entries.length !== width) throw new LogError('LOG_TILE_INVALID', `${base}${path} holds ${entries.length} entries, not ${width}`, { evidence: { path, entries: entries.length, width } });
    return entries;
  });
  const fresh: Uint8Array[] = [];
  for (const [i, entries] of bundles.entries()) {
    for (const [j, entry] of entries.entries()) {
      const index = bundleIndexes[i]! * TILE_WIDTH + j;
      if (index >= from) fresh.push(entry);
      else if (!bytesEqual(entry, await log.entry(index))) {
        checks.push(fail('entries', 'LOG_INCONSISTENT', `Rewritten: entry ${index} is not the one held`, { evidence: { kind: 'rewrite', index } }));
        return done('rewritten');
      }
    }
  }
  report.entriesFetched = fresh.length;
  const prepared = log.prepareAppend(fresh);
  try {
    if (!bytesEqual(prepared.root, checkpoint.root)) {
      checks.push(
        fail('entries', 'LOG_INCONSISTENT', `Rewritten: the ${fresh.length} entries served do not hash to the signed root of size ${to}`, {
          evidence: { kind: 'rewrite', size: to, expectedRoot: toBase64(checkpoint.root), computedRoot: toBase64(prepared.root) },
        }),
      );
      return done('rewritten');
    }
    checks.push(pass('entries', `${fresh.length} new entries (${from}..${to}) hash to the signed root`));

    // 5. Every new entry's credential, held only if it is the one the entry's digest commits to.
    const credentials = createCredentialRepository(store);
    const problems: Check[] = [];
    const operations: BatchOperation[] = [];
    await mapLimit(fresh, limit, async (bytes, i) => {
      const index = from + i;
      let entry: unknown;
      try {
        entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch {
        entry = undefined;
      }
      if (!isObject(entry) || typeof entry.credential !== 'string' || typeof entry.digestMultibase !== 'string') {
        throw new InputError('INVALID_INPUT', `Log entry ${index} is not a ledger entry {unit, sequence, credential, digestMultibase, type, issuer}`, { evidence: { index } });
      }
      const id = entry.credential;
      const res = await request(`/credentials/${encodeURIComponent(id)}`, 'application/vc, application/json');
      const credential = res.ok ? await res.json().catch(() => undefined) : await res.body?.cancel();
      if (!isObject(credential)) {
        problems.push(fail('credential', 'CREDENTIAL_UNAVAILABLE', `Entry ${index}: ${id} is not served as JSON (${res.status})`, { credential: id, evidence: { index, status: res.status } }));
        return;
      }
      const digest = digestMultibase(credential);
      if (digest !== entry.digestMultibase || credential.id !== id) {
        problems.push(
          fail('credential', 'CREDENTIAL_DIGEST_MISMATCH', `Entry ${index}: the credential served for ${id} is not the one logged`, {
            credential: id,
            evidence: { index, expected: entry.digestMultibase, computed: digest, servedId: credential.id ?? null },
          }),
        );
        return;
      }
      operations.push(credentials.putOperation({ id, dataIntegrity: credential }));
    });
    report.credentialsFetched = operations.length;
    if (problems.length > 0) {
      problems.sort((a, b) => Number(a.evidence?.index) - Number(b.evidence?.index));
      checks.push(...problems.slice(0, MAX_REPORTED));
      if (problems.length > MAX_REPORTED) checks.push(fail('credential', problems[MAX_REPORTED]!.code!, `… and ${problems.length - MAX_REPORTED} more`));
      return done('not-verified');
    }
    checks.push(pass('credentials', `${operations.length} credentials fetched, each the one its entry's digest names`));

    // 6. Cosign what verified, and keep it all, in one batch.
    const witness = await options.witness();
    const cosigned = await cosignNote(withoutSignaturesBy(note, witness.name), witness, { timestamp: Math.floor(now() / 1000) });
    const witnessKey: NoteVerifier = { name: witness.name, publicKey: witness.publicKey, type: 'cosignature' };
    const { witnesses } = verifyCheckpoint(cosigned, { origin: logInfo.origin, logKeys: [logKey], witnesses: [witnessKey] });
    if (!witnesses.includes(witness.name)) throw new TypeError('The witness cosignature does not verify (a misconfigured witness key)');
    report.witness = { name: witness.name, verifierKey: formatVerifierKey(witnessKey) };
    checks.push(pass('cosignature', `cosigned as ${witness.name}`));
    const state: HeldCheckpoint = { size: to, root: toBase64(checkpoint.root), note: cosigned };
    const pinned: MirrorPin = pin ?? { ...logInfo, source: base };
    await store.batch([
      ...prepared.operations,
      ...operations,
      { type: 'put', key: MIRROR_KEYS.checkpoint, value: JSON.stringify(state) },
      { type: 'put', key: MIRROR_KEYS.pin, value: JSON.stringify(pinned) },
    ]);
    prepared.commit();
    return done('consistent');
  } finally {
    prepared.abandon();
  }
}

/** The mirror's witness key: created on first use, named `dpp-witness/<16 hex digits of its public key>`. */
export async function witnessSigner(node: Pick<Node, 'agent' | 'store'>): Promise<NoteSigner & { record: WitnessRecord }> {
  let record = await getJson<WitnessRecord>(node.store, MIRROR_KEYS.witness);
  if (!record) {
    const { kid, publicKeyHex } = await node.agent.keyManagerCreate({ kms: 'local', type: 'Ed25519' });
    const name = `dpp-witness/${publicKeyHex.slice(0, 16)}`;
    const verifierKey = formatVerifierKey({ name, publicKey: new Uint8Array(Buffer.from(publicKeyHex, 'hex')), type: 'cosignature' });
    record = { kid, name, verifierKey };
    await node.store.batch([{ type: 'put', key: MIRROR_KEYS.witness, value: JSON.stringify(record) }]);
  }
  return { ...(await noteSignerOf(node.agent, record.kid, record.name)), record };
}

/** A data folder that holds a ledger (a server's) is not a mirror's. */
async function refuseLedgerFolder(store: Store, dir: string): Promise<void> {
  if ((await store.get('log/state')) !== undefined || (await store.get('log-key')) !== undefined) {
    throw usage(`${dir} holds a ledger; a mirror needs its own data folder`);
  }
}

const VERDICT: Record<MirrorVerdict, string> = {
  consistent: '✓ CONSISTENT',
  rewritten: '✗ REWRITTEN',
  'rolled-back': '✗ ROLLED BACK',
  'split-view': '✗ SPLIT VIEW',
  'not-verified': '✗ NOT VERIFIED',
};

export function humanMirrorReport(report: MirrorReport): string {
  const symbol = { pass: '✓', fail: '✗', warn: '!' } as const;
  const lines = [VERDICT[report.verdict], `  source ${report.source}${report.log ? ` (log ${report.log.origin})` : ''}`];
  for (const check of report.checks) lines.push(`  ${symbol[check.status]} ${check.id.padEnd(11)} ${check.code ? `[${check.code}] ` : ''}${check.message}`);
  const cp = report.checkpoint;
  lines.push(`  entries fetched ${report.entriesFetched}, credentials fetched ${report.credentialsFetched}, size ${cp?.size ?? '-'}, root ${cp?.root ?? '-'}`);
  if (report.previous) lines.push(`  held before: size ${report.previous.size}, root ${report.previous.root}`);
  if (report.witness) lines.push(`  witness ${report.witness.verifierKey}`);
  if (report.evidence) {
    lines.push(`  evidence (${report.evidence.kind}), kept in the data folder:`, '    held checkpoint:');
    lines.push(...report.evidence.held.trimEnd().split('\n').map((l) => `      ${l}`), '    served checkpoint:');
    lines.push(...report.evidence.served.trimEnd().split('\n').map((l) => `      ${l}`));
  }
  return lines.join('\n');
}

/** `dpp mirror <base-url> --data DIR [--json]`, and `dpp mirror --data DIR --show-key`. */
export async function mirrorCommand(
  baseUrl: string | undefined,
  options: { data: string; json: boolean; showKey: boolean },
  out: (s: string) => void,
): Promise<number> {
  if (options.showKey === (baseUrl !== undefined)) throw usage('dpp mirror takes a base URL, or --show-key');
  const source = baseUrl === undefined ? undefined : normaliseBaseUrl(baseUrl);
  const node = await openNode(options.data).catch((err: unknown) => {
    if (isDppError(err)) throw err;
    // Most often another process (a running `dpp serve --mirror`) holds the folder's lock.
    throw new InputError('INVALID_INPUT', `Cannot open ${options.data}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  });
  try {
    await refuseLedgerFolder(node.store, options.data);
    if (source === undefined) {
      const { record } = await witnessSigner(node);
      const pin = await getJson<MirrorPin>(node.store, MIRROR_KEYS.pin);
      out(options.json ? JSON.stringify({ witness: { name: record.name, verifierKey: record.verifierKey }, ...(pin ? { log: pin } : {}) }, null, 2) : record.verifierKey);
      return 0;
    }
    const report = await runMirror({
      store: node.store,
      baseUrl: source,
      // The same network as every other command: http(s) only, no redirects, a time and a size limit.
      fetch: networkFetch(),
      now: Date.now,
      witness: () => witnessSigner(node),
    });
    if (!report.witness) {
      const record = await getJson<WitnessRecord>(node.store, MIRROR_KEYS.witness);
      if (record) report.witness = { name: record.name, verifierKey: record.verifierKey };
    }
    out(options.json ? JSON.stringify(report, null, 2) : humanMirrorReport(report));
    return report.verified ? 0 : 1;
  } finally {
    await node.close();
  }
}
