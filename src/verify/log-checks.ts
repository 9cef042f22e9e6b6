// The log side of a passport: the log's key (from its DID, pinned on first sight), the signed checkpoint, each
// credential's inclusion, consistency with the checkpoints seen before and a witness's, and, through the log's
// own entries, whether the chains as served stop short of the log (truncation).
import { DppError, isDppError } from '../errors.js';
import type { DidDocument } from '../did/did-document.js';
import { ed25519PublicKeyFromMultibase } from '../did/multibase.js';
// The log's pure modules, not its barrel: the barrel brings the log on a Store (and node:zlib) with it.
import { bytesEqual, leafHash, rootOf, toBase64 } from '../log/hash.js';
import { checkConsistency, checkInclusion, inclusionPlan } from '../log/proof.js';
import { parseVerifierKey, verifyCheckpoint, type NoteVerifier, type ParsedCheckpoint } from '../log/checkpoint.js';
import { TILE_WIDTH, entriesPath, parseEntryBundle } from '../log/tiles.js';
import { base64Decode } from '../platform/bytes.js';
import { isObject } from '../vc/credential.js';
import { fail, pass, warn, type Check } from '../vc/report.js';
import type { SeenCheckpoint } from './checkpoints.js';
import { fetchBytes, fetchJson, fetchText, type FetchLike } from './fetch.js';

/** How far past a chain's last event the verifier reads the log looking for later events of it. */
export const MAX_SCANNED_ENTRIES = 65_536;

/** A log as served over HTTP (the origin's, or a mirror's): C2SP tlog-tiles and JSON proofs. */
export interface LogReader {
  readonly source: string;
  checkpoint(): Promise<string>;
  consistency(from: number, to: number): Promise<Uint8Array[]>;
  inclusion(index: number, size: number): Promise<Uint8Array[]>;
  /** Entries [from, to) of the tree of `to` entries. */
  entries(from: number, to: number): Promise<Uint8Array[]>;
}

function proofOf(answer: unknown, url: string): Uint8Array[] {
  if (!isObject(answer) || !Array.isArray(answer.proof) || !answer.proof.every((p) => typeof p === 'string')) {
    throw new DppError('INVALID_INPUT', `${url} did not answer {proof: [base64…]}`, { evidence: { url } });
  }
  return (answer.proof as string[]).map((p) => base64Decode(p));
}

export function httpLogReader(fetch: FetchLike, base: string): LogReader {
  const root = base.replace(/\/+$/, '');
  return {
    source: root,
    checkpoint: () => fetchText(fetch, `${root}/log/checkpoint`),
    async consistency(from, to) {
      const url = `${root}/log/proof/consistency?from=${from}&to=${to}`;
      return proofOf(await fetchJson(fetch, url), url);
    },
    async inclusion(index, size) {
      const url = `${root}/log/proof/inclusion?index=${index}&size=${size}`;
      return proofOf(await fetchJson(fetch, url), url);
    },
    async entries(from, to) {
      const entries: Uint8Array[] = [];
      for (let bundle = Math.floor(from / TILE_WIDTH); bundle * TILE_WIDTH < to; bundle++) {
        const width = Math.min(TILE_WIDTH, to - bundle * TILE_WIDTH);
        const url = `${root}/log/${entriesPath(bundle, width)}`;
        const parsed = parseEntryBundle((await fetchBytes(fetch, url, 'application/octet-stream')).body);
        if (parsed.length !== width) throw new DppError('LOG_TILE_INVALID', `${url} holds ${parsed.length} entries, not ${width}`, { evidence: { url } });
        entries.push(...parsed.slice(Math.max(0, from - bundle * TILE_WIDTH)));
      }
      return entries;
    },
  };
}

export interface LogInfo {
  origin: string;
  verifierKey: string;
  did: string;
}

/** The log's note key, checked against the key its DID document publishes (`#log`) and the one pinned before. */
export function logKeyCheck(info: unknown, didDocument: DidDocument | undefined, seen: SeenCheckpoint | undefined): { check: Check; key?: NoteVerifier; info?: LogInfo } {
  if (!isObject(info) || typeof info.origin !== 'string' || typeof info.verifierKey !== 'string' || typeof info.did !== 'string') {
    return { check: fail('log-key', 'LOG_KEY_INVALID', 'The passport does not say which log it is in ({origin, verifierKey, did})') };
  }
  const logInfo = { origin: info.origin, verifierKey: info.verifierKey, did: info.did };
  let key: ReturnType<typeof parseVerifierKey>;
  try {
    key = parseVerifierKey(logInfo.verifierKey);
  } catch (err) {
    return { check: fail('log-key', 'LOG_KEY_INVALID', (err as Error).message, { evidence: { verifierKey: logInfo.verifierKey } }) };
  }
  if (key.type !== 'ed25519' || key.name !== logInfo.origin) {
    return { check: fail('log-key', 'LOG_KEY_INVALID', "The log's key is not an Ed25519 note key named by its origin", { evidence: logInfo }) };
  }
  if (seen && seen.verifierKey !== logInfo.verifierKey) {
    return {
      check: fail('log-key', 'LOG_KEY_CHANGED', `The log ${logInfo.origin} now presents another key than the one seen ${seen.seenAt}: another log, or this one reset (if you know it was reset, forget the checkpoint kept for it)`, {
        evidence: { seen: seen.verifierKey, served: logInfo.verifierKey, seenAt: seen.seenAt },
      }),
    };
  }
  const methods = [...(didDocument?.verificationMethod ?? [])] as Record<string, unknown>[];
  const published = methods.find((m) => m.id === `${logInfo.did}#log` || m.id === '#log');
  const publishedKey = typeof published?.publicKeyMultibase === 'string' ? ed25519PublicKeyFromMultibase(published.publicKeyMultibase) : undefined;
  if (!publishedKey || !bytesEqual(publishedKey, key.publicKey)) {
    return { check: fail('log-key', 'LOG_KEY_INVALID', `${logInfo.did} does not publish the log key ${key.keyId} as its #log method`, { evidence: logInfo }) };
  }
  return {
    check: pass('log-key', `Log ${logInfo.origin}, key ${key.keyId}, published by ${logInfo.did}${seen ? ', as seen before' : ''}`),
    key: { name: key.name, publicKey: key.publicKey },
    info: logInfo,
  };
}

/** A signed checkpoint of the log, or the check that says why not. */
export function checkpointCheck(id: string, note: unknown, origin: string, key: NoteVerifier): { check: Check; checkpoint?: ParsedCheckpoint } {
  if (typeof note !== 'string') return { check: fail(id, 'CHECKPOINT_INVALID', 'No checkpoint was served') };
  try {
    const { checkpoint } = verifyCheckpoint(note, { origin, logKeys: [key] });
    return { check: pass(id, `Size ${checkpoint.size}, signed by the log`, { evidence: { size: checkpoint.size, root: toBase64(checkpoint.root) } }), checkpoint };
  } catch (err) {
    const code = isDppError(err) && (err.code === 'CHECKPOINT_SIGNATURE_INVALID' || err.code === 'CHECKPOINT_INVALID') ? err.code : 'CHECKPOINT_INVALID';
    return { check: fail(id, code, `The checkpoint does not verify: ${(err as Error).message}`, { evidence: { note: note.slice(0, 1000) } }) };
  }
}

export interface Tree {
  size: number;
  root: Uint8Array;
}

/**
 * Whether `older` is a prefix of `newer`: equal sizes must have equal roots; otherwise the consistency proof
 * `prove(older.size, newer.size)` must hold. `code` is what an inconsistency is called here.
 */
export async function consistencyCheck(
  id: string,
  code: 'LOG_INCONSISTENT' | 'SPLIT_VIEW',
  what: string,
  older: Tree,
  newer: Tree,
  prove: (from: number, to: number) => Promise<Uint8Array[]>,
): Promise<Check> {
  const evidence = { olderSize: older.size, olderRoot: toBase64(older.root), newerSize: newer.size, newerRoot: toBase64(newer.root) };
  if (older.size === newer.size) {
    return bytesEqual(older.root, newer.root)
      ? pass(id, `The same tree as ${what} (size ${older.size})`)
      : fail(id, code, `Two different trees of size ${older.size}, both signed by the log: ${what} and the one served`, { evidence });
  }
  if (older.size === 0) return pass(id, `${what} was the empty tree`);
  let proof: Uint8Array[];
  try {
    proof = await prove(older.size, newer.size);
  } catch (err) {
    return fail(id, isDppError(err) ? err.code : 'FETCH_FAILED', `No consistency proof from size ${older.size} to ${newer.size}: ${(err as Error).message}`, { evidence });
  }
  const result = checkConsistency(older.size, newer.size, proof, older.root, newer.root);
  if (!result.ok) return fail(id, code, `The tree of size ${newer.size} does not extend ${what} (size ${older.size}): ${result.reason}`, { evidence: { ...evidence, ...result.evidence } });
  return pass(id, `Consistent with ${what} (size ${older.size} → ${newer.size})`, { evidence });
}

/** Whether the log entry `entry` is leaf `index` of `tree`. */
export function inclusionCheck(credential: string, entry: Uint8Array, index: number, proof: readonly Uint8Array[], tree: Tree): Check | undefined {
  const result = checkInclusion(index, tree.size, leafHash(entry), proof, tree.root);
  if (result.ok) return undefined;
  return fail('log', 'NOT_IN_LOG', `${credential} is not in the log as served (leaf ${index} of ${tree.size}): ${result.reason}`, { credential, evidence: result.evidence });
}

/** The last event of each chain as served: its leaf index and log entry. */
export interface ChainEnd {
  key: string;
  leafIndex: number;
  entry: Uint8Array;
}

/**
 * Reads the log after the chains' last events, authenticated against `tree` (each right-hand sibling of the earliest
 * last event's audit path is recomputed from the entries), and fails CHAIN_TRUNCATED for any later event of a chain.
 */
export async function truncationCheck(reader: LogReader, ends: readonly ChainEnd[], tree: Tree): Promise<Check[]> {
  if (ends.length === 0) return [];
  const first = ends.reduce((a, b) => (b.leafIndex < a.leafIndex ? b : a));
  const from = first.leafIndex + 1;
  if (from >= tree.size) return [pass('fresh', `No entry follows the chains' last events in the log (size ${tree.size})`)];
  if (tree.size - from > MAX_SCANNED_ENTRIES) {
    return [warn('fresh', 'FRESHNESS_UNCHECKED', `${tree.size - from} log entries follow ${first.key}'s last event; the verifier reads at most ${MAX_SCANNED_ENTRIES} looking for later ones`, { evidence: { from, size: tree.size } })];
  }
  let proof: Uint8Array[];
  let entries: Uint8Array[];
  try {
    proof = await reader.inclusion(first.leafIndex, tree.size);
    entries = await reader.entries(from, tree.size);
  } catch (err) {
    return [fail('fresh', isDppError(err) ? err.code : 'FETCH_FAILED', `Cannot read the log after the chains' last events: ${(err as Error).message}`)];
  }
  const bad = (why: string) => [fail('fresh', 'LOG_INCONSISTENT', `The log entries after leaf ${first.leafIndex} are not the signed tree's: ${why}`, { evidence: { from, size: tree.size } })];
  if (entries.length !== tree.size - from) return bad(`${entries.length} entries served, not ${tree.size - from}`);
  const included = checkInclusion(first.leafIndex, tree.size, leafHash(first.entry), proof, tree.root);
  if (!included.ok) return bad(included.reason);
  const plan = inclusionPlan(first.leafIndex, tree.size);
  for (const [j, nodes] of plan.entries()) {
    const start = nodes[0]!.index * 2 ** nodes[0]!.level;
    if (start <= first.leafIndex) continue;
    const last = nodes[nodes.length - 1]!;
    const end = (last.index + 1) * 2 ** last.level;
    if (!bytesEqual(rootOf(entries.slice(start - from, end - from).map(leafHash)), proof[j]!)) return bad(`entries ${start}..${end} do not hash to the audit path`);
  }
  const checks: Check[] = [];
  const lastOf = new Map(ends.map((e) => [e.key, e.leafIndex]));
  for (const [i, bytes] of entries.entries()) {
    let entry: unknown;
    try {
      entry = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      continue;
    }
    if (!isObject(entry) || typeof entry.unit !== 'string') continue;
    const last = lastOf.get(entry.unit);
    if (last !== undefined && from + i > last) {
      checks.push(fail('fresh', 'CHAIN_TRUNCATED', `The log holds a later event of ${entry.unit} than the chain as served: ${String(entry.type)} ${String(entry.credential)} (sequence ${String(entry.sequence)}, leaf ${from + i})`, {
        credential: String(entry.credential),
        evidence: { chain: entry.unit, leafIndex: from + i, sequence: entry.sequence, type: entry.type, issuer: entry.issuer },
      }));
    }
  }
  return checks.length ? checks : [pass('fresh', `The ${entries.length} log entries after the chains' last events hold none of theirs`)];
}
