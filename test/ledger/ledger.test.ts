// The ledger's write path: chains that never fork, appends that are all or nothing, entries the log proves.
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorld, fixture, ORG_DID, type TestWorld } from '../helpers.js';
import { veramoSigner } from '../../src/vc/veramo-plugin.js';
import { createLedger, logEntry, type Ledger } from '../../src/ledger/ledger.js';
import { createSubjectRegistry } from '../../src/ledger/subjects.js';
import { createCredentialRepository } from '../../src/storage/credential-repository.js';
import { createMerkleLog, formatCheckpoint, leafHash, parseCheckpoint, signNote, verifyInclusion, type MerkleLog } from '../../src/log/index.js';
import { digestMultibase } from '../../src/vc/jcs.js';
import { ed25519FromSeed, ed25519Signer } from '../../src/did/ed25519.js';
import type { Signer } from '../../src/vc/signer.js';
import type { JsonObject } from '../../src/vc/credential.js';

let world: TestWorld;
let ledger: Ledger;
let log: MerkleLog;
let signer: Signer;
let serial = 0;

const logKey = ed25519FromSeed(new Uint8Array(32).fill(4));
const noteSigner = { name: 'dpp.example/log', publicKey: logKey.publicKey, sign: ed25519Signer(logKey.secretKey) };

beforeEach(async () => {
  world = await createWorld();
  signer = await veramoSigner({ agent: world.agent } as never, ORG_DID);
  log = createMerkleLog({ store: world.store });
  await log.open();
  ledger = await createLedger({
    store: world.store,
    log,
    subjects: createSubjectRegistry(world.store),
    credentials: createCredentialRepository(world.store),
    verifier: world.verifier,
    signCheckpoint: (size, root) => signNote(formatCheckpoint({ origin: noteSigner.name, size, root }), noteSigner),
  });
});

/** A signed event credential about unit `serialNo`, naming `previous` when given. */
async function event(serialNo: string, previous?: JsonObject, extra: JsonObject = {}): Promise<{ id: string; dataIntegrity: JsonObject }> {
  const base = fixture(previous ? 'material-composition.json' : 'passport.json');
  const { previousEvent: _drop, ...rest } = base;
  const subject = { ...(base.credentialSubject as JsonObject), id: `https://id.gs1.org/01/09506000134352/10/B2026-11/21/${serialNo}`, itemNumber: serialNo };
  const credential = { ...rest, ...extra, id: `urn:uuid:00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`, credentialSubject: subject, ...(previous ? { previousEvent: { id: previous.id, digestMultibase: digestMultibase(previous) } } : {}) };
  const dataIntegrity = await world.issuer.issue(credential, { signer });
  return { id: String(dataIntegrity.id), dataIntegrity };
}

function withoutProof(credential: JsonObject): JsonObject {
  const { proof: _proof, ...rest } = credential;
  return rest;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('event chains', () => {
  it('appends a chain, every event naming its predecessor, and the log proves each entry', async () => {
    const first = await event('S1');
    const second = await event('S1', first.dataIntegrity);
    const acks = await ledger.append([first, second]);
    expect(acks.map((a) => [a.sequence, a.leafIndex, a.duplicate])).toEqual([[0, 0, false], [1, 1, false]]);
    expect(await ledger.head(acks[0]!.unit)).toMatchObject({ id: second.id, sequence: 1 });
    const checkpoint = parseCheckpoint(await ledger.checkpoint());
    expect(checkpoint.size).toBe(2);
    for (const ack of acks) {
      const proof = await log.inclusionProof(ack.leafIndex, checkpoint.size);
      const entry = logEntry(ack, ORG_DID);
      expect(() => verifyInclusion(ack.leafIndex, checkpoint.size, leafHash(entry), proof, checkpoint.root)).not.toThrow();
    }
    expect((await ledger.events(acks[0]!.unit)).map((e) => e.id)).toEqual([first.id, second.id]);
  });

  it('refuses a fork with 409 CHAIN_CONFLICT naming the current head, and writes nothing', async () => {
    const first = await event('S2');
    const second = await event('S2', first.dataIntegrity);
    await ledger.append([first, second]);
    const fork = await event('S2', first.dataIntegrity);
    const before = log.size;
    const err = await ledger.append([fork]).catch((e) => e);
    expect(err).toMatchObject({ code: 'CHAIN_CONFLICT', evidence: { head: { id: second.id, sequence: 1 } } });
    expect(log.size).toBe(before);
    expect(await codeOf(ledger.append([await event('S2')]))).toBe('CHAIN_CONFLICT');
  });

  it('refuses a predecessor that does not exist, or with the wrong digest', async () => {
    const stranger = await event('S3');
    expect(await codeOf(ledger.append([await event('S4', stranger.dataIntegrity)]))).toBe('CHAIN_HEAD_UNKNOWN');
    const first = await event('S5');
    await ledger.append([first]);
    const wrong = await event('S5', { ...first.dataIntegrity, name: 'not what was stored' });
    expect(await codeOf(ledger.append([wrong]))).toBe('CHAIN_DIGEST_MISMATCH');
  });

  it('is idempotent for the same credential, and refuses another credential with a taken id', async () => {
    const first = await event('S6');
    const [ack] = await ledger.append([first]);
    const [again] = await ledger.append([first]);
    expect(again).toMatchObject({ ...ack, duplicate: true });
    const { proof: _proof, ...unsigned } = first.dataIntegrity;
    const impostor = await world.issuer.issue({ ...unsigned, name: 'another credential, same id' }, { signer });
    expect(await codeOf(ledger.append([{ id: first.id, dataIntegrity: impostor }]))).toBe('CREDENTIAL_ID_TAKEN');
  });

  it('takes the same credential twice in one batch once, and refuses two credentials with one id in a batch', async () => {
    const first = await event('S11');
    const acks = await ledger.append([first, first]);
    expect(acks.map((a) => a.duplicate)).toEqual([false, true]);
    const a = await event('S12');
    const b = await event('S13');
    const before = log.size;
    expect(await codeOf(ledger.append([a, { id: a.id, dataIntegrity: await world.issuer.issue({ ...withoutProof(b.dataIntegrity), id: a.id }, { signer }) }]))).toBe('CREDENTIAL_ID_TAKEN');
    expect(log.size).toBe(before);
  });

  it('acknowledges a retry without verifying it again (the answer does not depend on the clock)', async () => {
    const first = await event('S14', undefined, { validUntil: '2026-07-01T00:00:00Z' });
    const [ack] = await ledger.append([first]);
    world.clock.now = new Date('2027-01-01T00:00:00Z');
    expect((await ledger.append([first]))[0]).toMatchObject({ ...ack, duplicate: true });
    expect(await codeOf(ledger.append([await event('S15', undefined, { validUntil: '2026-07-01T00:00:00Z' })]))).toBe('CREDENTIAL_NOT_VERIFIED');
  });

  it('refuses a vc+jwt form that secures another credential', async () => {
    const first = await event('S16');
    const other = await event('S17');
    const jwt = await world.issuer.issue(withoutProof(other.dataIntegrity), { signer, format: 'vc+jwt' });
    expect(await codeOf(ledger.append([{ ...first, jwt }]))).toBe('CREDENTIAL_NOT_VERIFIED');
    const own = await world.issuer.issue(withoutProof(first.dataIntegrity), { signer, format: 'vc+jwt' });
    expect((await ledger.append([{ ...first, jwt: own }]))[0]!.duplicate).toBe(false);
  });

  it('appends all or nothing: one bad credential and none of the batch is written', async () => {
    const good = await event('S8');
    const tampered = await event('S9');
    (tampered.dataIntegrity.credentialSubject as JsonObject).firmwareVersion = '0.0.0';
    const before = log.size;
    expect(await codeOf(ledger.append([good, tampered]))).toBe('CREDENTIAL_NOT_VERIFIED');
    expect(log.size).toBe(before);
    expect(await ledger.event(good.id)).toBeUndefined();
  });

  it('gives two concurrent writers on one unit exactly one winner; the other learns the new head', async () => {
    const first = await event('S10');
    await ledger.append([first]);
    const a = await event('S10', first.dataIntegrity);
    const b = await event('S10', first.dataIntegrity);
    const results = await Promise.allSettled([ledger.append([a]), ledger.append([b])]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ id: string }[]>).value[0]!.id;
    expect(lost[0]!.reason).toMatchObject({ code: 'CHAIN_CONFLICT', evidence: { head: { id: winner } } });
  });
});
