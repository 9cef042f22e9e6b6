// Checkpoints and signed notes: the C2SP example byte for byte, the Go note package's published key and note,
// signature verification (good, wrong key, wrong name, tampered), witness cosignatures, and verifier keys.
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cosignNote, formatCheckpoint, formatVerifierKey, noteKeyId, parseCheckpoint, parseNote, parseVerifierKey, signNote, verifyCheckpoint, verifyNote,
} from '../../src/log/checkpoint.js';
import { logErrorOf, seedSigner } from './reference.js';

// c2sp.org/tlog-checkpoint's example.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_ROOT = new Uint8Array(Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'));

// golang.org/x/mod/sumdb/note's example key and note (Ed25519 is deterministic, so signing reproduces it exactly).
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const LOG = seedSigner('log.dpp.example', new Uint8Array(32).fill(7));
const OTHER = seedSigner('log.dpp.example', new Uint8Array(32).fill(8));
const WITNESS = seedSigner('witness.example/w1', new Uint8Array(32).fill(9));
const ROOT = new Uint8Array(32).fill(0xab);

describe('checkpoint format', () => {
  it('formats the spec example byte for byte and parses it back', () => {
    expect(formatCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163, root: SPEC_ROOT })).toBe(SPEC_BODY);
    const parsed = parseCheckpoint(SPEC_BODY);
    expect(parsed).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163, extensions: [], body: SPEC_BODY });
    expect(parsed.root).toEqual(SPEC_ROOT);
    const withExtensions = formatCheckpoint({ origin: 'o', size: 0, root: ROOT, extensions: ['a b', 'c'] });
    expect(withExtensions).toBe(`o\n0\n${Buffer.from(ROOT).toString('base64')}\na b\nc\n`);
    expect(parseCheckpoint(withExtensions).extensions).toEqual(['a b', 'c']);
  });

  it('refuses anything but the exact format', async () => {
    const bad = [
      'example.com\n12\n', // two lines
      'example.com\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', // no final newline
      '\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', // empty origin
      'o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', // leading zero
      'o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
      'o\n1e3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
      'o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', // beyond 2^53
      'o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n', // unpadded
      'o\n12\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n', // base64url
      'o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n', // empty extension
      'o\n12\nAAAA\n', // not 32 bytes
      'o\t\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', // control character
    ];
    for (const text of bad) expect((await logErrorOf(() => parseCheckpoint(text))).code, JSON.stringify(text)).toBe('CHECKPOINT_INVALID');
    expect(() => formatCheckpoint({ origin: '', size: 1, root: ROOT })).toThrow(TypeError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, root: ROOT })).toThrow(TypeError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, root: ROOT.subarray(1) })).toThrow(TypeError);
  });
});

describe('signed notes', () => {
  it('reproduces the Go note package example: key ID, verifier key and signature', async () => {
    const signer = seedSigner('PeterNeumann', GO_SEED);
    expect(formatVerifierKey(signer)).toBe(GO_VKEY);
    expect(Buffer.from(noteKeyId('PeterNeumann', signer.publicKey)).toString('hex')).toBe('c74f20a3');
    expect(await signNote(GO_TEXT, signer)).toBe(GO_NOTE);
    const verifier = parseVerifierKey(GO_VKEY);
    expect(verifier).toMatchObject({ name: 'PeterNeumann', type: 'ed25519', keyId: 'c74f20a3' });
    expect(verifyNote(GO_NOTE, [verifier])).toMatchObject({ text: GO_TEXT, verified: ['PeterNeumann'] });
  });

  it('verifies a good signature and ignores unknown ones', async () => {
    const note = await signNote(formatCheckpoint({ origin: LOG.name, size: 5, root: ROOT }), LOG);
    const result = verifyNote(note, [LOG]);
    expect(result.verified).toEqual([LOG.name]);
    const both = await signNote(formatCheckpoint({ origin: LOG.name, size: 5, root: ROOT }), WITNESS).then((n) => n + note.split('\n\n')[1]);
    expect(verifyNote(both, [LOG]).signatures.map((s) => s.status)).toEqual(['unknown', 'verified']);
  });

  it('rejects a wrong key, a wrong name and a tampered body', async () => {
    const body = formatCheckpoint({ origin: LOG.name, size: 5, root: ROOT });
    const note = await signNote(body, LOG);
    // Same name, another key: the key ID differs, so the line is unknown and nothing verifies.
    const wrongKey = await logErrorOf(() => verifyNote(note, [OTHER]));
    expect(wrongKey.code).toBe('CHECKPOINT_SIGNATURE_INVALID');
    expect(wrongKey.evidence).toMatchObject({ signatures: [{ name: LOG.name, status: 'unknown' }] });
    const wrongName = await logErrorOf(() => verifyNote(note, [{ name: 'other.example', publicKey: LOG.publicKey }]));
    expect(wrongName.code).toBe('CHECKPOINT_SIGNATURE_INVALID');
    const tampered = note.replace('\n5\n', '\n6\n');
    const err = await logErrorOf(() => verifyNote(tampered, [LOG]));
    expect(err.code).toBe('CHECKPOINT_SIGNATURE_INVALID');
    expect(err.evidence).toMatchObject({ signatures: [{ name: LOG.name, status: 'failed' }] });
    // A known key's signature that fails rejects the note even when another known signature verifies.
    const mixed = note + (await signNote(body.replace('\n5\n', '\n6\n'), WITNESS)).split('\n\n')[1];
    expect((await logErrorOf(() => verifyNote(mixed, [LOG, { name: WITNESS.name, publicKey: WITNESS.publicKey }]))).code).toBe('CHECKPOINT_SIGNATURE_INVALID');
  });

  it('refuses malformed notes and misconfigured signers', async () => {
    const note = await signNote('text\n', LOG);
    for (const bad of [
      'text\n', // no signatures
      'text\n\n', // empty signature block
      note.slice(0, -1), // no final newline
      note.replace('— ', '- '),
      note.replace('— ', '—'),
      note.replace(LOG.name, 'a+b'),
      note.replace(/ [^ ]+\n$/, ' AAAA\n'), // shorter than a key ID and one byte
      note.replace(/ [^ ]+\n$/, ' !!!!\n'),
      note.replace('text', 'te\u0007xt'),
    ]) {
      expect((await logErrorOf(() => verifyNote(bad, [LOG]))).code, JSON.stringify(bad)).toBe('CHECKPOINT_INVALID');
    }
    await expect(signNote('no newline', LOG)).rejects.toThrow(TypeError);
    await expect(signNote('x\n', { ...LOG, name: 'with space' })).rejects.toThrow(TypeError);
    await expect(signNote('x\n', { ...LOG, publicKey: OTHER.publicKey })).rejects.toThrow(/does not verify/);
  });
});

describe('witness cosignatures (tlog-cosignature/v1, Ed25519, type 0x04)', () => {
  it('appends a timestamped cosignature over the spec message, and verifyCheckpoint reports the witness', async () => {
    const note = await signNote(formatCheckpoint({ origin: LOG.name, size: 42, root: ROOT }), LOG);
    const cosigned = await cosignNote(note, WITNESS, { timestamp: 1679315147 });
    expect(cosigned.startsWith(note)).toBe(true);
    const line = cosigned.slice(note.length);
    const blob = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    expect(blob.length).toBe(4 + 8 + 64);
    expect(blob.subarray(0, 4)).toEqual(Buffer.from(noteKeyId(WITNESS.name, WITNESS.publicKey, 'cosignature')));
    expect(blob.readBigUInt64BE(4)).toBe(1679315147n);
    // An independent check of the signed message: header line, time line, then the checkpoint body.
    const message = `cosignature/v1\ntime 1679315147\n${LOG.name}\n42\n${Buffer.from(ROOT).toString('base64')}\n`;
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), WITNESS.publicKey]);
    expect(verify(null, Buffer.from(message), createPublicKey({ key: spki, format: 'der', type: 'spki' }), blob.subarray(12))).toBe(true);

    const witnessKey = { name: WITNESS.name, publicKey: WITNESS.publicKey };
    const result = verifyCheckpoint(cosigned, { origin: LOG.name, logKeys: [LOG], witnesses: [witnessKey] });
    expect(result).toMatchObject({ log: LOG.name, witnesses: [WITNESS.name], checkpoint: { size: 42, origin: LOG.name } });
    expect(result.signatures[1]).toMatchObject({ status: 'verified', type: 'cosignature', timestamp: 1679315147 });
    const witnessVkey = formatVerifierKey({ ...witnessKey, type: 'cosignature' });
    expect(witnessVkey).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+/);
    expect(Buffer.from(witnessVkey.split('+')[2]!, 'base64')[0]).toBe(0x04);
    expect(parseVerifierKey(formatVerifierKey({ ...witnessKey, type: 'cosignature' })).type).toBe('cosignature');

    // A cosignature whose timestamp was changed no longer verifies.
    const forged = Buffer.from(blob);
    forged.writeBigUInt64BE(1679315148n, 4);
    const tampered = note + line.replace(blob.toString('base64'), forged.toString('base64'));
    expect((await logErrorOf(() => verifyCheckpoint(tampered, { logKeys: [LOG], witnesses: [witnessKey] }))).code).toBe('CHECKPOINT_SIGNATURE_INVALID');
  });

  it('verifyCheckpoint wants the log signature and the right origin', async () => {
    const body = formatCheckpoint({ origin: LOG.name, size: 42, root: ROOT });
    const byWitnessOnly = await cosignNote(await signNote(body, OTHER), WITNESS, { timestamp: 1 });
    const witnesses = [{ name: WITNESS.name, publicKey: WITNESS.publicKey }];
    const err = await logErrorOf(() => verifyCheckpoint(byWitnessOnly, { logKeys: [LOG], witnesses }));
    expect(err.code).toBe('CHECKPOINT_SIGNATURE_INVALID');
    const note = await signNote(body, LOG);
    const origin = await logErrorOf(() => verifyCheckpoint(note, { origin: 'another.example', logKeys: [LOG] }));
    expect(origin.code).toBe('CHECKPOINT_INVALID');
    expect(origin.evidence).toEqual({ expectedOrigin: 'another.example', origin: LOG.name });
    expect(parseNote(note).signatures).toHaveLength(1);
  });
});

describe('verifier keys', () => {
  it('refuses malformed, mistyped and mismatched keys', async () => {
    const good = formatVerifierKey(LOG);
    expect(parseVerifierKey(good)).toMatchObject({ name: LOG.name, publicKey: LOG.publicKey });
    const [name, id, key] = [good.slice(0, good.indexOf('+')), good.split('+')[1]!, good.slice(good.indexOf('+', good.indexOf('+') + 1) + 1)];
    for (const bad of [
      '',
      name,
      `${name}+${id}`,
      `${name}+${id.toUpperCase()}+${key}`,
      `${name}+${id.slice(1)}+${key}`,
      `${name}+00000000+${key}`,
      `other+${id}+${key}`,
      `${name}+${id}+${key.slice(0, -4)}`,
      `${name}+${id}+E${key.slice(1)}`, // type byte 0x10
      `${name}+${id}+${Buffer.concat([Buffer.of(0x02), LOG.publicKey]).toString('base64')}`,
      ' ' + good,
    ]) {
      expect((await logErrorOf(() => parseVerifierKey(bad))).code, bad).toBe('LOG_KEY_INVALID');
    }
  });
});
