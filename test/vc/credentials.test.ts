// Issue and verify through the Veramo agent and the library: both securing mechanisms, and every bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorld, fixture, ORG_DID, NOW, type TestWorld } from '../helpers.js';
import { veramoSigner } from '../../src/vc/veramo-plugin.js';
import { rotateKey } from '../../src/vc/agent.js';
import { signerFromSeed } from '../../src/vc/signer.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../../src/did/did-key.js';
import { createBitstring, setBit, statusEntry, statusListCredential } from '../../src/vc/status-list.js';
import { signDataIntegrity, signPresentationDataIntegrity } from '../../src/vc/data-integrity.js';
import { createDidResolver } from '../../src/did/resolver.js';
import { createDocumentLoader } from '../../src/vc/document-loader.js';
import { isDppError } from '../../src/errors.js';
import type { Signer } from '../../src/vc/signer.js';

let world: TestWorld;
let signer: Signer;

beforeAll(async () => {
  world = await createWorld();
  signer = await veramoSigner({ agent: world.agent } as never, ORG_DID);
});

const failedCodes = (report: { checks: { status: string; code?: string }[] }) => report.checks.filter((c) => c.status === 'fail').map((c) => c.code);

async function issueError(credential: unknown, format: 'data-integrity' | 'vc+jwt' = 'data-integrity'): Promise<string> {
  try {
    await world.issuer.issue(credential, { signer, format });
  } catch (err) {
    if (isDppError(err)) return err.code;
    throw err;
  }
  throw new Error('issued');
}

describe('issue and verify through the Veramo agent', () => {
  it('issues a Data Integrity passport (eddsa-rdfc-2022) that verifies', async () => {
    const vc = await world.agent.createVerifiableCredential({ credential: fixture('passport.json') as never, proofFormat: 'data-integrity' });
    expect((vc.proof as unknown as Record<string, unknown>).cryptosuite).toBe('eddsa-rdfc-2022');
    expect(vc).not.toHaveProperty('issuanceDate');
    const result = await world.agent.verifyCredential({ credential: vc });
    expect(result.verified).toBe(true);
    const report = await world.verifier.verifyCredential(vc);
    expect(report.checks.map((c) => c.id)).toEqual(['data-model', 'context', 'proof', 'issuer', 'validity', 'schema', 'status']);
    expect(report.checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('issues the same credential as vc+jwt whose payload is the credential itself', async () => {
    const enveloped = (await world.agent.createVerifiableCredential({ credential: fixture('passport.json') as never, proofFormat: 'vc+jwt' })) as unknown as Record<string, string>;
    expect(enveloped.type).toBe('EnvelopedVerifiableCredential');
    const jws = enveloped.id!.slice('data:application/vc+jwt,'.length);
    const [header, payload] = jws.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt', kid: signer.id });
    expect(payload).toEqual({ ...fixture('passport.json') });
    expect((await world.verifier.verifyCredential(jws)).verified).toBe(true);
    expect((await world.agent.verifyCredential({ credential: enveloped as never })).verified).toBe(true);
  });

  it('issues for a did:key owner too', async () => {
    const owner = await world.agent.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } });
    const vc = await world.issuer.issue({ ...fixture('material-composition.json'), issuer: owner.did }, { signer: await veramoSigner({ agent: world.agent } as never, owner.did) });
    expect((await world.verifier.verifyCredential(vc)).verified).toBe(true);
  });

  it('does not modify the caller’s credential', async () => {
    const input = fixture('passport.json');
    const copy = structuredClone(input);
    await world.issuer.issue(input, { signer });
    await world.issuer.issue(input, { signer, format: 'vc+jwt' });
    expect(input).toEqual(copy);
  });

  it('keeps old credentials verifying after a key rotation, and signs new ones with the new key', async () => {
    const before = await world.issuer.issue(fixture('passport.json'), { signer });
    await rotateKey(world.agent, world.store, ORG_DID);
    await world.publishDid();
    const fresh = await veramoSigner({ agent: world.agent } as never, ORG_DID);
    expect(fresh.id).not.toBe(signer.id);
    const after = await world.issuer.issue(fixture('passport.json'), { signer: fresh });
    expect((await world.verifier.verifyCredential(before)).verified).toBe(true);
    expect((await world.verifier.verifyCredential(after)).verified).toBe(true);
  });
});

describe('verification failures are reported, not thrown', () => {
  it('a tampered claim fails the proof', async () => {
    const vc = await world.issuer.issue(fixture('passport.json'), { signer });
    const tampered = structuredClone(vc) as any;
    tampered.credentialSubject.firmwareVersion = '9.9.9';
    expect(failedCodes(await world.verifier.verifyCredential(tampered))).toEqual(['PROOF_INVALID', 'ISSUER_MISMATCH']);
    const jws = await world.issuer.issue(fixture('passport.json'), { signer, format: 'vc+jwt' });
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...fixture('passport.json'), validFrom: '2020-01-01T00:00:00Z' })).toString('base64url')}.${s}`;
    expect(failedCodes(await world.verifier.verifyCredential(forged))).toContain('PROOF_INVALID');
  });

  it('no proof', async () => {
    expect(failedCodes(await world.verifier.verifyCredential(fixture('passport.json')))).toContain('PROOF_MISSING');
  });

  it('a proof by the wrong key: signed by a did:key, claiming the manufacturer as issuer', async () => {
    const pair = ed25519FromSeed(new Uint8Array(32).fill(7));
    const did = didKeyFromPublicKey(pair.publicKey);
    const vc = await world.issuer.issue({ ...fixture('passport.json'), issuer: did }, { signer: signerFromSeed(didKeyVerificationMethod(did), pair.secretKey) });
    const lying = { ...vc, issuer: ORG_DID };
    const codes = failedCodes(await world.verifier.verifyCredential(lying));
    expect(codes).toContain('PROOF_INVALID');
    await expect(world.issuer.issue({ ...fixture('passport.json') }, { signer: signerFromSeed(didKeyVerificationMethod(did), pair.secretKey) })).rejects.toMatchObject({ code: 'ISSUER_MISMATCH' });
    // Signed over the lie itself (bypassing our issuer): the signature holds, the issuer binding does not.
    const documentLoader = createDocumentLoader({ contexts: world.contexts, dereferenceDid: (u) => createDidResolver().dereference(u) });
    const forged = await signDataIntegrity(fixture('passport.json'), { signer: signerFromSeed(didKeyVerificationMethod(did), pair.secretKey), documentLoader, created: NOW });
    expect(failedCodes(await world.verifier.verifyCredential(forged))).toEqual(['ISSUER_MISMATCH']);
  });

  it('not yet valid, and expired', async () => {
    const future = await world.issuer.issue({ ...fixture('passport.json'), validFrom: '2030-01-01T00:00:00Z' }, { signer });
    expect(failedCodes(await world.verifier.verifyCredential(future))).toEqual(['NOT_YET_VALID']);
    // An issuer's clock a little ahead of ours is allowed for; two minutes ahead is not.
    const ahead = (ms: number) => world.issuer.issue({ ...fixture('passport.json'), validFrom: new Date(NOW.getTime() + ms).toISOString() }, { signer });
    expect(failedCodes(await world.verifier.verifyCredential(await ahead(30_000)))).toEqual([]);
    expect(failedCodes(await world.verifier.verifyCredential(await ahead(120_000)))).toEqual(['NOT_YET_VALID']);
    const past = await world.issuer.issue({ ...fixture('passport.json'), validUntil: '2026-03-01T00:00:00Z' }, { signer });
    expect(failedCodes(await world.verifier.verifyCredential(past))).toEqual(['EXPIRED']);
  });

  it('an unsupported cryptosuite or JWS alg', async () => {
    const vc = (await world.issuer.issue(fixture('passport.json'), { signer })) as any;
    expect(failedCodes(await world.verifier.verifyCredential({ ...vc, proof: { ...vc.proof, cryptosuite: 'ecdsa-rdfc-2019' } }))).toContain('CRYPTOSUITE_UNSUPPORTED');
    const jws = await world.issuer.issue(fixture('passport.json'), { signer, format: 'vc+jwt' });
    const [, p, s] = jws.split('.');
    const hs = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'vc+jwt', kid: signer.id })).toString('base64url');
    expect(failedCodes(await world.verifier.verifyCredential(`${hs}.${p}.${s}`))).toContain('ALG_UNSUPPORTED');
    const none = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: signer.id })).toString('base64url');
    expect(failedCodes(await world.verifier.verifyCredential(`${none}.${p}.${s}`))).toContain('MEDIA_TYPE_INVALID');
  });

  it('an unknown context URL is refused at issue and at verify, and never fetched', async () => {
    const credential = { ...fixture('passport.json'), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/ctx'] };
    expect(await issueError(credential)).toBe('CONTEXT_NOT_ALLOWED');
    const vc = (await world.issuer.issue(fixture('passport.json'), { signer })) as any;
    const report = await world.verifier.verifyCredential({ ...vc, '@context': credential['@context'] });
    expect(report.checks.find((c) => c.id === 'context')).toMatchObject({ status: 'fail', code: 'CONTEXT_NOT_ALLOWED' });
  });

  it('an undefined term is refused in both forms', async () => {
    const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: ORG_DID, credentialSubject: { id: 'did:example:1', colour: 'red' } };
    expect(await issueError(credential)).toBe('JSONLD_INVALID');
    expect(await issueError(credential, 'vc+jwt')).toBe('JSONLD_INVALID');
  });

  it('wrong types and schema violations', async () => {
    expect(await issueError({ ...fixture('passport.json'), issuer: 42 })).toBe('DATA_MODEL_INVALID');
    expect(await issueError({ ...fixture('passport.json'), validFrom: 'yesterday' })).toBe('DATA_MODEL_INVALID');
    expect(await issueError('not an object')).toBe('INVALID_INPUT');
    const badGtin = { ...fixture('passport.json'), credentialSubject: { ...(fixture('passport.json').credentialSubject as object), gtin: '123' } };
    expect(await issueError(badGtin)).toBe('SCHEMA_INVALID');
    const { credentialSchema: _s, ...noSchema } = fixture('passport.json');
    expect(await issueError(noSchema)).toBe('SCHEMA_INVALID');
  });
});

describe('status: Bitstring Status List', () => {
  it('a revoked credential is not verified; a suspended one neither; a clear one is', async () => {
    const listId = 'https://manufacturer.example/status/1';
    const vc = await world.issuer.issue({ ...fixture('passport.json'), credentialStatus: statusEntry(listId, 'revocation', 42) }, { signer });
    const bits = createBitstring();
    const publish = async () =>
      world.statusLists.set(listId, await world.issuer.issue(statusListCredential({ id: listId, issuer: ORG_DID, purpose: 'revocation', bitstring: bits, validFrom: NOW.toISOString() }), { signer }));
    await publish();
    expect((await world.verifier.verifyCredential(vc)).verified).toBe(true);
    setBit(bits, 42, true);
    await publish();
    const report = await world.verifier.verifyCredential(vc);
    expect(report.verified).toBe(false);
    expect(failedCodes(report)).toEqual(['STATUS_REVOKED']);
    expect((await world.agent.verifyCredential({ credential: vc as never })).verified).toBe(false);
  });

  it('a status list that cannot be fetched or was not signed by the issuer fails the status check', async () => {
    const vc = await world.issuer.issue({ ...fixture('passport.json'), credentialStatus: statusEntry('https://manufacturer.example/status/missing', 'suspension', 1) }, { signer });
    expect(failedCodes(await world.verifier.verifyCredential(vc))).toEqual(['STATUS_UNAVAILABLE']);
    const unsigned = statusListCredential({ id: 'https://manufacturer.example/status/2', issuer: ORG_DID, purpose: 'suspension', bitstring: createBitstring(), validFrom: NOW.toISOString() });
    world.statusLists.set('https://manufacturer.example/status/2', unsigned);
    const vc2 = await world.issuer.issue({ ...fixture('passport.json'), credentialStatus: statusEntry('https://manufacturer.example/status/2', 'suspension', 1) }, { signer });
    expect(failedCodes(await world.verifier.verifyCredential(vc2))).toEqual(['STATUS_LIST_INVALID']);
  });
});

describe('status lists and schemas that try to slip through', () => {
  it('a GZIP bomb as encodedList fails the status check instead of filling memory', async () => {
    const { gzipSync } = await import('node:zlib');
    const listId = 'https://manufacturer.example/status/bomb';
    const bomb = statusListCredential({ id: listId, issuer: ORG_DID, purpose: 'revocation', bitstring: createBitstring(), validFrom: NOW.toISOString() });
    (bomb.credentialSubject as Record<string, unknown>).encodedList = 'u' + gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url');
    world.statusLists.set(listId, await world.issuer.issue(bomb, { signer }));
    const vc = await world.issuer.issue({ ...fixture('passport.json'), credentialStatus: statusEntry(listId, 'revocation', 1) }, { signer });
    expect(failedCodes(await world.verifier.verifyCredential(vc))).toEqual(['STATUS_LIST_INVALID']);
  });

  it('identity fields must agree with the Digital Link, and check digits must hold', async () => {
    const subject = fixture('passport.json').credentialSubject as Record<string, unknown>;
    expect(await issueError({ ...fixture('passport.json'), credentialSubject: { ...subject, itemNumber: 'HP-999' } })).toBe('CLAIMS_INCONSISTENT');
    expect(await issueError({ ...fixture('passport.json'), credentialSubject: { ...subject, gtin: '09506000134369' } })).toBe('CLAIMS_INCONSISTENT');
    const composition = fixture('material-composition.json');
    const materials = (composition.credentialSubject as { materialProvenance: Record<string, unknown>[] }).materialProvenance;
    const badCas = { ...composition, credentialSubject: { ...(composition.credentialSubject as object), materialProvenance: [{ ...materials[6], casNumber: '74-98-7' }] } };
    expect(await issueError(badCas)).toBe('CLAIMS_INCONSISTENT');
    // Signed anyway (outside our issuer), the verifier says so.
    const documentLoader = createDocumentLoader({ contexts: world.contexts, dereferenceDid: (u) => createDidResolver().dereference(u) });
    const lying = await signDataIntegrity({ ...fixture('passport.json'), credentialSubject: { ...subject, itemNumber: 'HP-999' } }, { signer, documentLoader, created: NOW });
    expect(failedCodes(await world.verifier.verifyCredential(lying))).toEqual(['CLAIMS_INCONSISTENT']);
  });

  it('our credential types must carry their schema as a JsonSchema', async () => {
    const credentialSchema = { id: 'https://dppledger.org/schemas/DigitalProductPassport/v1', type: 'JsonSchemaCredential' };
    expect(await issueError({ ...fixture('passport.json'), credentialSchema })).toBe('SCHEMA_INVALID');
  });
});

describe('presentations', () => {
  it('verifies the challenge and domain, and the holder binding', async () => {
    const pair = ed25519FromSeed(new Uint8Array(32).fill(9));
    const holder = didKeyFromPublicKey(pair.publicKey);
    const vc = await world.issuer.issue(fixture('passport.json'), { signer });
    const loader = createDocumentLoader({ contexts: world.contexts, dereferenceDid: async (u) => (await import('../../src/did/resolver.js')).createDidResolver().dereference(u) });
    const vp = await signPresentationDataIntegrity(
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder, verifiableCredential: [vc] },
      { signer: signerFromSeed(didKeyVerificationMethod(holder), pair.secretKey), documentLoader: loader, created: NOW, challenge: 'c-123', domain: 'dpp.example' },
    );
    expect((await world.verifier.verifyPresentation(vp, { challenge: 'c-123', domain: 'dpp.example' })).verified).toBe(true);
    expect(failedCodes(await world.verifier.verifyPresentation(vp, { challenge: 'other', domain: 'dpp.example' }))).toEqual(['CHALLENGE_MISMATCH']);
    expect(failedCodes(await world.verifier.verifyPresentation(vp, { challenge: 'c-123', domain: 'evil.example' }))).toEqual(['DOMAIN_MISMATCH']);
    expect(failedCodes(await world.verifier.verifyPresentation({ ...vp, holder: ORG_DID }, { challenge: 'c-123', domain: 'dpp.example' }))).toContain('PROOF_INVALID');
    // No challenge to check against is a failure, not an exception.
    expect(failedCodes(await world.verifier.verifyPresentation(vp))).toEqual(['CHALLENGE_MISMATCH']);
  });
});
