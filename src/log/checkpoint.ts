// Checkpoints as C2SP signed notes: the checkpoint body, Ed25519 note signatures, tlog-cosignature/v1 witness
// cosignatures, and verifier keys (vkeys).
// @see https://c2sp.org/tlog-checkpoint
// @see https://c2sp.org/signed-note
// @see https://c2sp.org/tlog-cosignature
import { LogError } from '../errors.js';
import { hexEncode } from '../platform/bytes.js';
import { ed25519Verify } from '../did/ed25519.js';
import { HASH_SIZE, fromBase64, sha256, toBase64 } from './hash.js';
import { isSize } from './proof.js';

/** A tree head: the log's origin line, its size and its root hash, plus optional extension lines. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Opaque extension lines after the root (NOT RECOMMENDED by the spec; kept byte-exact). */
  extensions?: string[];
}

/** A checkpoint as parsed, with the exact note text it came from. */
export interface ParsedCheckpoint extends Checkpoint {
  extensions: string[];
  /** The note text (body), newline-terminated, exactly as signed. */
  body: string;
}

/**
 * Signs with an Ed25519 key held elsewhere (the composition root backs it with a Veramo key; tests with node:crypto).
 * `sign` returns the 64-byte RFC 8032 signature of exactly the bytes given.
 */
export interface NoteSigner {
  /** The key name: non-empty, no spaces, no `+`; for a log, its origin. */
  name: string;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/**
 * The signature types we produce and check: `ed25519` (type 0x01, a plain note signature, the log's) and
 * `cosignature` (type 0x04, a timestamped tlog-cosignature/v1, a witness's).
 */
export type NoteKeyType = 'ed25519' | 'cosignature';

/** A public key a note may be signed by. */
export interface NoteVerifier {
  name: string;
  publicKey: Uint8Array;
  /** Default `ed25519`. */
  type?: NoteKeyType;
}

/** One signature line of a note and what became of it. */
export interface NoteSignatureResult {
  name: string;
  /** The 4-byte key ID, 8 lowercase hex digits. */
  keyId: string;
  /** `unknown`: no verifier has this name and key ID (ignored, as the spec says). */
  status: 'verified' | 'failed' | 'unknown';
  type?: NoteKeyType;
  /** For a cosignature: the POSIX time it states. */
  timestamp?: number;
}

export interface VerifiedNote {
  /** The note text, newline-terminated. */
  text: string;
  signatures: NoteSignatureResult[];
  /** The names of the keys whose signatures verified. */
  verified: string[];
}

const TYPE_BYTE: Record<NoteKeyType, number> = { ed25519: 0x01, cosignature: 0x04 };
const SIGNATURE_LENGTH: Record<NoteKeyType, number> = { ed25519: 4 + 64, cosignature: 4 + 8 + 64 };
const COSIGNATURE_HEADER = 'cosignature/v1\n';
const MAX_SIGNATURES = 100;
const EM_DASH = '\u2014';
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const utf8 = new TextEncoder();

const invalid = (message: string, evidence: Record<string, unknown> = {}) => new LogError('CHECKPOINT_INVALID', message, { evidence });

function isKeyName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !/[\s+]/u.test(name) && !CONTROL.test(name);
}

function checkPublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new TypeError('An Ed25519 public key is 32 bytes');
}

/**
 * The key ID: the first four bytes of SHA-256(key name || 0x0A || type || public key).
 * @see https://c2sp.org/signed-note#signatures
 */
export function noteKeyId(name: string, publicKey: Uint8Array, type: NoteKeyType = 'ed25519'): Uint8Array {
  const nameBytes = utf8.encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  input.set(nameBytes, 0);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = TYPE_BYTE[type];
  input.set(publicKey, nameBytes.length + 2);
  return sha256(input).slice(0, 4);
}

// --- checkpoints ----------------------------------------------------------------------------------------------

/**
 * The checkpoint note text: `origin\nsize\nbase64(root)\n` and any extension lines.
 * @see https://c2sp.org/tlog-checkpoint#note-text
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions = [] } = checkpoint;
  if (typeof origin !== 'string' || origin.length === 0 || origin.includes('\n') || CONTROL.test(origin)) throw new TypeError('A checkpoint origin is one non-empty line');
  if (!isSize(size)) throw new TypeError('A checkpoint size is a non-negative safe integer');
  if (!(root instanceof Uint8Array) || root.length !== HASH_SIZE) throw new TypeError('A checkpoint root is 32 bytes');
  for (const line of extensions) {
    if (typeof line !== 'string' || line.length === 0 || line.includes('\n') || CONTROL.test(line)) throw new TypeError('An extension line is one non-empty line');
  }
  return [origin, String(size), toBase64(root), ...extensions].join('\n') + '\n';
}

/**
 * Parses a checkpoint: either its note text alone or a whole signed note (signatures are not checked here; use
 * verifyCheckpoint). Throws LogError `CHECKPOINT_INVALID` with the reason for anything but the exact format.
 */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  if (typeof text !== 'string') throw invalid('A checkpoint is text');
  const body = text.includes('\n\n') ? parseNote(text).text : text;
  if (!body.endsWith('\n')) throw invalid('The checkpoint does not end with a newline');
  if (CONTROL.test(body)) throw invalid('The checkpoint contains a control character');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw invalid('A checkpoint has at least three lines: origin, size, root hash', { lines: lines.length });
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw invalid('The origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) throw invalid('The size line is not a decimal tree size without leading zeros', { size: sizeLine.slice(0, 40) });
  const root = fromBase64(rootLine);
  if (!root || root.length !== HASH_SIZE) throw invalid('The root hash line is not the base64 of 32 bytes', { root: rootLine.slice(0, 80) });
  if (extensions.some((line) => line.length === 0)) throw invalid('An extension line is empty');
  return { origin, size: Number(sizeLine), root, extensions, body };
}

// --- signed notes ---------------------------------------------------------------------------------------------

interface NoteSignatureLine {
  name: string;
  keyId: Uint8Array;
  /** The signature after the key ID. */
  signature: Uint8Array;
}

/**
 * Splits a signed note into its text and signature lines, by the spec's rules: the text ends at the last blank
 * line; each signature line is `— <name> <base64(key ID || signature)>`. Throws LogError `CHECKPOINT_INVALID`.
 * @see https://c2sp.org/signed-note#format
 */
export function parseNote(note: string): { text: string; signatures: NoteSignatureLine[] } {
  if (typeof note !== 'string') throw invalid('A signed note is text');
  if (CONTROL.test(note)) throw invalid('The note contains a control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw invalid('The note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw invalid('The signature lines do not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw invalid(`The note has more than ${MAX_SIGNATURES} signatures`, { signatures: lines.length });
  const signatures = lines.map((line, i) => {
    const parts = line.split(' ');
    if (parts.length !== 3 || parts[0] !== EM_DASH) throw invalid('A signature line is "— <key name> <base64 signature>"', { line: i + 1 });
    const [, name, blob] = parts as [string, string, string];
    if (!isKeyName(name)) throw invalid('A key name is non-empty without spaces or "+"', { line: i + 1 });
    const bytes = fromBase64(blob);
    if (!bytes || bytes.length < 5) throw invalid('A signature is the base64 of a 4-byte key ID and the signature', { line: i + 1, name });
    return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

function checkSigner(signer: NoteSigner): void {
  if (!signer || typeof signer.sign !== 'function') throw new TypeError('A note signer has name, publicKey and sign()');
  if (!isKeyName(signer.name)) throw new TypeError('A key name is non-empty, without spaces or "+"');
  checkPublicKey(signer.publicKey);
}

function checkText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n') || CONTROL.test(text)) throw new TypeError('Note text is newline-terminated text without control characters');
}

async function signWith(signer: NoteSigner, message: Uint8Array): Promise<Uint8Array> {
  const signature = await signer.sign(message);
  if (!(signature instanceof Uint8Array) || !ed25519Verify(signer.publicKey, message, signature)) {
    throw new TypeError(`The signature by ${signer.name} does not verify with its public key (a misconfigured signer)`);
  }
  return signature;
}

function signatureLine(name: string, blob: Uint8Array): string {
  return `${EM_DASH} ${name} ${toBase64(blob)}\n`;
}

/**
 * A signed note: the text, a blank line, and the signer's Ed25519 signature line (type 0x01). The signature is
 * checked against the signer's public key before it is returned.
 */
export async function signNote(text: string, signer: NoteSigner): Promise<string> {
  checkText(text);
  checkSigner(signer);
  const signature = await signWith(signer, utf8.encode(text));
  return `${text}\n${signatureLine(signer.name, concat(noteKeyId(signer.name, signer.publicKey), signature))}`;
}

/**
 * Adds a witness cosignature to a signed checkpoint: a tlog-cosignature/v1 Ed25519 line (type 0x04) over
 * `cosignature/v1\ntime <timestamp>\n` and the note text. `timestamp` is POSIX seconds, given by the caller (the
 * log holds no clock). The existing signatures are kept, not checked: verify the checkpoint before cosigning it.
 * @see https://c2sp.org/tlog-cosignature#ed25519-signed-message
 */
export async function cosignNote(note: string, signer: NoteSigner, options: { timestamp: number }): Promise<string> {
  checkSigner(signer);
  const { text } = parseNote(note);
  const timestamp = options?.timestamp;
  if (!isSize(timestamp)) throw new TypeError('A cosignature timestamp is POSIX seconds, a non-negative safe integer');
  const signature = await signWith(signer, cosignedMessage(text, BigInt(timestamp)));
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(timestamp));
  return note + signatureLine(signer.name, concat(noteKeyId(signer.name, signer.publicKey, 'cosignature'), time, signature));
}

function cosignedMessage(text: string, timestamp: bigint): Uint8Array {
  return utf8.encode(`${COSIGNATURE_HEADER}time ${timestamp.toString()}\n${text}`);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Verifies a signed note against known keys, as the spec says: lines whose name and key ID match no verifier are
 * ignored (`unknown`); a line that matches one MUST verify. Returns each line's result and the names that
 * verified; throws LogError `CHECKPOINT_SIGNATURE_INVALID` (the evidence lists every line) when a known key's
 * signature fails or when none verifies, and `CHECKPOINT_INVALID` when the note is malformed.
 */
export function verifyNote(note: string, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const { text, signatures } = parseNote(note);
  const known = verifiers.map((v) => {
    if (!isKeyName(v.name)) throw new TypeError('A verifier key name is non-empty, without spaces or "+"');
    checkPublicKey(v.publicKey);
    const type = v.type ?? 'ed25519';
    if (!(type in TYPE_BYTE)) throw new TypeError(`Unknown note key type ${String(type)}`);
    return { ...v, type, keyId: hexEncode(noteKeyId(v.name, v.publicKey, type)) };
  });
  const textBytes = utf8.encode(text);
  const results = signatures.map((line): NoteSignatureResult => {
    const keyId = hexEncode(line.keyId);
    const verifier = known.find((v) => v.name === line.name && v.keyId === keyId);
    if (!verifier) return { name: line.name, keyId, status: 'unknown' };
    const base = { name: line.name, keyId, type: verifier.type };
    if (line.signature.length + 4 !== SIGNATURE_LENGTH[verifier.type]) return { ...base, status: 'failed' };
    if (verifier.type === 'ed25519') {
      return { ...base, status: ed25519Verify(verifier.publicKey, textBytes, line.signature) ? 'verified' : 'failed' };
    }
    const time = new DataView(line.signature.buffer, line.signature.byteOffset, 8).getBigUint64(0);
    const timestamp = Number(time);
    if (time > 2n ** 63n - 1n) return { ...base, status: 'failed' };
    const ok = ed25519Verify(verifier.publicKey, cosignedMessage(text, time), line.signature.subarray(8));
    return { ...base, status: ok ? 'verified' : 'failed', timestamp };
  });
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    throw new LogError('CHECKPOINT_SIGNATURE_INVALID', `The signature by ${failed.map((f) => f.name).join(', ')} does not verify`, { evidence: { signatures: results } });
  }
  const verified = results.filter((r) => r.status === 'verified').map((r) => r.name);
  if (verified.length === 0) {
    throw new LogError('CHECKPOINT_SIGNATURE_INVALID', 'No signature by a known key', { evidence: { signatures: results, known: known.map((k) => `${k.name}+${k.keyId}`) } });
  }
  return { text, signatures: results, verified };
}

/**
 * Verifies a signed checkpoint: well-formed, from the expected origin, signed by one of the log's keys; witness
 * cosignatures (type 0x04) by the given witnesses are checked too. Returns the checkpoint, the log key name that
 * verified, and the witnesses whose cosignatures verified.
 */
export function verifyCheckpoint(
  note: string,
  options: { origin?: string; logKeys: readonly NoteVerifier[]; witnesses?: readonly NoteVerifier[] },
): { checkpoint: ParsedCheckpoint; log: string; witnesses: string[]; signatures: NoteSignatureResult[] } {
  const checkpoint = parseCheckpoint(parseNote(note).text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw invalid('The checkpoint is from another log', { expectedOrigin: options.origin, origin: checkpoint.origin });
  }
  const logKeys = options.logKeys.map((k) => ({ ...k, type: k.type ?? ('ed25519' as const) }));
  const witnesses = (options.witnesses ?? []).map((k) => ({ ...k, type: k.type ?? ('cosignature' as const) }));
  const result = verifyNote(note, [...logKeys, ...witnesses]);
  const isLogKey = (r: NoteSignatureResult) => logKeys.some((k) => k.name === r.name && hexEncode(noteKeyId(k.name, k.publicKey, k.type)) === r.keyId);
  const log = result.signatures.find((r) => r.status === 'verified' && isLogKey(r));
  if (!log) {
    throw new LogError('CHECKPOINT_SIGNATURE_INVALID', 'The checkpoint carries no verified signature by the log', { evidence: { signatures: result.signatures } });
  }
  const cosigners = result.signatures.filter((r) => r.status === 'verified' && !isLogKey(r)).map((r) => r.name);
  return { checkpoint, log: log.name, witnesses: cosigners, signatures: result.signatures };
}

// --- verifier keys --------------------------------------------------------------------------------------------

/**
 * A verifier key as the Go note package and C2SP spell it: `<name>+<hex key ID>+<base64(type byte || public key)>`.
 * @see https://c2sp.org/signed-note#verifier-keys
 */
export function formatVerifierKey(verifier: NoteVerifier): string {
  if (!isKeyName(verifier.name)) throw new TypeError('A key name is non-empty, without spaces or "+"');
  checkPublicKey(verifier.publicKey);
  const type = verifier.type ?? 'ed25519';
  return `${verifier.name}+${hexEncode(noteKeyId(verifier.name, verifier.publicKey, type))}+${toBase64(concat(Uint8Array.of(TYPE_BYTE[type]), verifier.publicKey))}`;
}

/** Parses a verifier key; throws LogError `LOG_KEY_INVALID` when malformed, of another type, or its ID mismatches. */
export function parseVerifierKey(vkey: string): Required<NoteVerifier> & { keyId: string } {
  const bad = (reason: string) => new LogError('LOG_KEY_INVALID', `Not a verifier key: ${reason}`, { evidence: { vkey: String(vkey).slice(0, 200), reason } });
  if (typeof vkey !== 'string') throw bad('not a string');
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw bad('expected <name>+<key ID>+<key>');
  const name = vkey.slice(0, first);
  const keyId = vkey.slice(first + 1, second);
  const key = fromBase64(vkey.slice(second + 1));
  if (!isKeyName(name)) throw bad('the name is empty or has a space');
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw bad('the key ID is not 8 lowercase hex digits');
  if (!key || key.length === 0) throw bad('the key is not base64');
  const type = (Object.keys(TYPE_BYTE) as NoteKeyType[]).find((t) => TYPE_BYTE[t] === key[0]);
  if (!type) throw bad(`unsupported signature type 0x${(key[0] ?? 0).toString(16).padStart(2, '0')}`);
  const publicKey = key.slice(1);
  if (publicKey.length !== 32) throw bad('an Ed25519 key is 32 bytes');
  if (hexEncode(noteKeyId(name, publicKey, type)) !== keyId) throw bad('the key ID does not match the name and key');
  return { name, publicKey, type, keyId };
}
