// Signed requests: every refusal by its code, replays across restarts, and the nonce and challenge stores on memory and LevelDB.
import { describe, expect, it } from 'vitest';
import {
  createChallengeStore,
  createNonceStore,
  requestBodyDigest,
  signRequest,
  verifyRequestSignature,
  type VerifyRequestOptions,
} from '../../src/vc/request-signature.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../../src/did/did-key.js';
import { buildDidWebDocument } from '../../src/did/did-web.js';
import { ed25519PublicKeyToMultibase } from '../../src/did/multibase.js';
import { createDidResolver } from '../../src/did/resolver.js';
import type { DidDocument } from '../../src/did/did-document.js';
import { signerFromSeed, type Signer } from '../../src/vc/signer.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import { NOW } from '../helpers.js';
import { storeImplementations } from '../stores.js';

const implementations: [string, () => Promise<Store>][] = storeImplementations().map(([name, open]) => [name, async () => (await open()).store]);

function didKeyParty(seedByte: number): { did: string; signer: Signer; seed: Uint8Array } {
  const pair = ed25519FromSeed(new Uint8Array(32).fill(seedByte));
  const did = didKeyFromPublicKey(pair.publicKey);
  return { did, signer: signerFromSeed(didKeyVerificationMethod(did), pair.secretKey), seed: pair.secretKey };
}

/** did:web organisations answered locally, as the server answers its own and hosted parties' documents. */
const WEB_DID = 'did:web:repairer.example';
const webKey = ed25519FromSeed(new Uint8Array(32).fill(7));
const assertOnlyKey = ed25519FromSeed(new Uint8Array(32).fill(8));
const published = buildDidWebDocument(WEB_DID, [{ fragment: 'key-1', publicKeyMultibase: ed25519PublicKeyToMultibase(webKey.publicKey) }]);
const webDocument: DidDocument = {
  ...published,
  verificationMethod: [
    ...published.verificationMethod!,
    { id: `${WEB_DID}#assert-only`, type: 'Multikey', controller: WEB_DID, publicKeyMultibase: ed25519PublicKeyToMultibase(assertOnlyKey.publicKey) },
  ],
  authentication: [`${WEB_DID}#key-1`],
  assertionMethod: [`${WEB_DID}#key-1`, `${WEB_DID}#assert-only`],
};
const resolver = createDidResolver({ local: (did) => (did === WEB_DID ? webDocument : undefined) });

const alice = didKeyParty(1);
const mallory = didKeyParty(2);
let counter = 0;
const freshNonce = () => `nonce-${String(++counter).padStart(12, '0')}`;
const clock = () => NOW;

function setup(store: Store = createMemoryStore()) {
  const nonces = createNonceStore({ store, now: clock });
  const verify = (jws: string, overrides: Partial<VerifyRequestOptions> = {}) =>
    verifyRequestSignature(jws, { method: 'POST', path: '/ledger/credentials', body: '{"a":1}', resolver, now: NOW, nonces, ...overrides });
  return { store, nonces, verify };
}

const sign = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ method: 'POST', path: '/ledger/credentials', body: '{"a":1}', signer: alice.signer, now: NOW, nonce: freshNonce(), ...overrides });

/** A JWS with any header and payload, signed by `seed` over exactly what it says. */
async function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer = alice.signer): Promise<string> {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = await signer.sign({ data: new TextEncoder().encode(input) });
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  htm: 'POST',
  htp: '/ledger/credentials',
  bd: requestBodyDigest('{"a":1}'),
  nonce: freshNonce(),
  iat: Math.floor(NOW.getTime() / 1000),
  ...overrides,
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; evidence: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; evidence: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('signRequest', () => {
  it('produces the documented header and payload', async () => {
    const jws = await sign({ method: 'post', path: '/a?b=1', body: new Uint8Array([1, 2, 3]), nonce: 'abcdefghijklmnop' });
    const [h, p] = jws.split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: alice.signer.id, typ: 'dpp-request+jws' });
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toEqual({
      htm: 'POST',
      htp: '/a?b=1',
      bd: requestBodyDigest(new Uint8Array([1, 2, 3])),
      nonce: 'abcdefghijklmnop',
      iat: NOW.getTime() / 1000,
    });
    // The digest of no body is SHA-256 of no bytes.
    expect(requestBodyDigest(undefined)).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
    expect(requestBodyDigest('')).toBe(requestBodyDigest(undefined));
  });

  it('refuses misuse with TypeError', async () => {
    await expect(sign({ nonce: 'short' })).rejects.toThrow(TypeError);
    await expect(sign({ nonce: 'has/slash/in/it/123' })).rejects.toThrow(TypeError);
    await expect(sign({ path: 'no-slash' })).rejects.toThrow(TypeError);
    await expect(sign({ now: new Date('nope') })).rejects.toThrow(TypeError);
    await expect(sign({ signer: { ...alice.signer, id: 'not-a-did' } })).rejects.toThrow(TypeError);
  });
});

describe('verifyRequestSignature', () => {
  it('accepts a did:key request and names the actor', async () => {
    const { verify } = setup();
    await expect(verify(await sign())).resolves.toEqual({ did: alice.did, kid: alice.signer.id });
  });

  it('accepts a did:web request signed by an authentication key', async () => {
    const { verify } = setup();
    const signer = signerFromSeed(`${WEB_DID}#key-1`, webKey.secretKey);
    await expect(verify(await sign({ signer }))).resolves.toEqual({ did: WEB_DID, kid: `${WEB_DID}#key-1` });
  });

  it('refuses a tampered body, another path and another method, saying which', async () => {
    const { verify } = setup();
    const body = await refusal(verify(await sign(), { body: '{"a":2}' }));
    expect(body.code).toBe('REQUEST_SIGNATURE_INVALID');
    expect(body.evidence).toMatchObject({ reason: 'bd', signed: requestBodyDigest('{"a":1}'), received: requestBodyDigest('{"a":2}') });
    const bytes = await refusal(verify(await sign({ body: undefined })));
    expect(bytes.evidence).toMatchObject({ reason: 'bd' });
    const path = await refusal(verify(await sign(), { path: '/ledger/credentials?x=1' }));
    expect(path).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID', evidence: { reason: 'htp', signed: '/ledger/credentials', received: '/ledger/credentials?x=1' } });
    const method = await refusal(verify(await sign(), { method: 'PUT' }));
    expect(method).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID', evidence: { reason: 'htm', signed: 'POST', received: 'PUT' } });
  });

  it('refuses requests signed too far in the past or the future, and accepts the edge of the window', async () => {
    const { verify } = setup();
    const past = await refusal(verify(await sign({ now: new Date(NOW.getTime() - 301_000) })));
    expect(past).toMatchObject({ code: 'REQUEST_STALE', evidence: { maxSkewSeconds: 300 } });
    const future = await refusal(verify(await sign({ now: new Date(NOW.getTime() + 301_000) })));
    expect(future.code).toBe('REQUEST_STALE');
    await expect(verify(await sign({ now: new Date(NOW.getTime() - 300_000) }))).resolves.toMatchObject({ did: alice.did });
    await expect(verify(await sign({ now: new Date(NOW.getTime() + 300_000) }))).resolves.toMatchObject({ did: alice.did });
    const narrow = await refusal(verify(await sign({ now: new Date(NOW.getTime() - 61_000) }), { maxSkewSeconds: 60 }));
    expect(narrow.code).toBe('REQUEST_STALE');
  });

  it('refuses a replay, also through a new nonce store on the same Store (a restart)', async () => {
    const { store, verify } = setup();
    const jws = await sign();
    await verify(jws);
    expect(await refusal(verify(jws))).toMatchObject({ code: 'REQUEST_REPLAYED', evidence: { did: alice.did } });
    const restarted = setup(store);
    expect((await refusal(restarted.verify(jws))).code).toBe('REQUEST_REPLAYED');
    // Nonces are per DID: another party may happen to pick the same one.
    const nonce = freshNonce();
    await verify(await sign({ nonce }));
    await expect(verify(await sign({ nonce, signer: mallory.signer }))).resolves.toMatchObject({ did: mallory.did });
  });

  it('records the nonce only once everything else passed', async () => {
    const { verify } = setup();
    const nonce = freshNonce();
    expect((await refusal(verify(await sign({ nonce }), { body: 'other' }))).code).toBe('REQUEST_SIGNATURE_INVALID');
    expect((await refusal(verify(await sign({ nonce, now: new Date(NOW.getTime() - 3_600_000) })))).code).toBe('REQUEST_STALE');
    await expect(verify(await sign({ nonce }))).resolves.toMatchObject({ did: alice.did });
  });

  it("refuses a kid of another DID: claiming alice's key with mallory's signature, or a key alice's document does not list", async () => {
    const { verify } = setup();
    const claimed = await refusal(verify(await sign({ signer: { ...mallory.signer, id: alice.signer.id } })));
    expect(claimed).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID', evidence: { reason: 'signature' } });
    const foreign = `${alice.did}#${mallory.did.slice('did:key:'.length)}`;
    const unlisted = await refusal(verify(await sign({ signer: { ...mallory.signer, id: foreign } })));
    expect(unlisted).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID', evidence: { reason: 'authentication' } });
    const unknownWeb = await refusal(verify(await sign({ signer: { ...mallory.signer, id: 'did:web:elsewhere.example#key-1' } })));
    expect(unknownWeb).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID', evidence: { reason: 'kid', cause: 'DID_METHOD_UNSUPPORTED' } });
  });

  it('refuses a key listed only under assertionMethod, not authentication', async () => {
    const { verify } = setup();
    const signer = signerFromSeed(`${WEB_DID}#assert-only`, assertOnlyKey.secretKey);
    expect(await refusal(verify(await sign({ signer })))).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID', evidence: { reason: 'authentication' } });
  });

  it('refuses malformed signatures', async () => {
    const { verify } = setup();
    const header = { alg: 'EdDSA', kid: alice.signer.id, typ: 'dpp-request+jws' };
    const good = await sign();
    const [h, p, s] = good.split('.');
    const cases: [string, string][] = [
      ['', 'malformed'],
      ['not a jws', 'malformed'],
      [`${h}.${p}`, 'malformed'],
      [`${h}.${p}.${s}.x`, 'malformed'],
      [`${Buffer.from('not json').toString('base64url')}.${p}.${s}`, 'malformed'],
      [`${Buffer.from('[1]').toString('base64url')}.${p}.${s}`, 'malformed'],
      [`${h}.${p}.${s!.slice(0, -4)}AAAA`, 'signature'],
      [await forge({ ...header, typ: 'JWT' }, claims()), 'typ'],
      [await forge({ ...header, kid: 'did:key:abc' }, claims()), 'kid'],
      [await forge({ ...header, kid: alice.did }, claims()), 'kid'],
      [await forge({ alg: 'EdDSA', typ: 'dpp-request+jws' }, claims()), 'kid'],
      [await forge({ ...header, crit: ['exp'] }, claims()), 'crit'],
      [await forge(header, claims({ iat: '1780315200' })), 'malformed'],
      [await forge(header, claims({ iat: 1780315200.5 })), 'malformed'],
      [await forge(header, claims({ nonce: 'short' })), 'malformed'],
      [await forge(header, claims({ bd: 'abc' })), 'malformed'],
      [await forge(header, claims({ htp: 'ledger' })), 'malformed'],
      [await forge(header, { htm: 'POST' }), 'malformed'],
    ];
    for (const [jws, reason] of cases) {
      const err = await refusal(verify(jws));
      expect({ jws, code: err.code, reason: err.evidence?.reason }).toEqual({ jws, code: 'REQUEST_SIGNATURE_INVALID', reason });
    }
    expect((await refusal(verify(undefined as unknown as string))).code).toBe('REQUEST_SIGNATURE_INVALID');
  });

  it('accepts alg EdDSA only', async () => {
    const { verify } = setup();
    for (const alg of ['Ed25519', 'ES256', 'none', 'HS256', 'eddsa']) {
      const err = await refusal(verify(await forge({ alg, kid: alice.signer.id, typ: 'dpp-request+jws' }, claims())));
      expect({ alg, code: err.code, reason: err.evidence.reason }).toEqual({ alg, code: 'REQUEST_SIGNATURE_INVALID', reason: 'alg' });
    }
    // The unsecured form, with an empty signature, is not even well-formed.
    const unsecured = `${Buffer.from(JSON.stringify({ alg: 'none', kid: alice.signer.id, typ: 'dpp-request+jws' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    expect((await refusal(verify(unsecured))).evidence.reason).toBe('malformed');
  });

  it('never answers with internals: evidence is short and serialisable', async () => {
    const { verify } = setup();
    const err = await refusal(verify(await forge({ alg: 'EdDSA', kid: `did:web:${'a'.repeat(5000)}#k`, typ: 'dpp-request+jws' }, claims())));
    expect(JSON.stringify(err.evidence).length).toBeLessThan(400);
    expect(JSON.stringify(err)).not.toContain('    at ');
  });

  it('refuses misuse with TypeError', async () => {
    const { nonces } = setup();
    const jws = await sign();
    await expect(verifyRequestSignature(jws, { method: 'POST', path: '/', resolver, now: NOW } as unknown as VerifyRequestOptions)).rejects.toThrow(TypeError);
    await expect(verifyRequestSignature(jws, { method: 'POST', path: '/', resolver, nonces, now: NOW, maxSkewSeconds: 0 })).rejects.toThrow(TypeError);
  });
});

describe.each(implementations)('nonce store: %s', (_name, open) => {
  it('lets exactly one of 50 concurrent uses of one nonce win', async () => {
    const store = await open();
    const nonces = createNonceStore({ store, now: clock });
    const expires = new Date(NOW.getTime() + 600_000);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => nonces.use(alice.did, 'same-nonce-0123456789', expires)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
    expect(new Set(codes)).toEqual(new Set(['REQUEST_REPLAYED']));
    await store.close();
  });

  it('forgets a nonce once its request could no longer be accepted, and sweeps expired ones now and then', async () => {
    const store = await open();
    let now = NOW;
    const nonces = createNonceStore({ store, now: () => now });
    await nonces.use(alice.did, 'first-nonce-0123456789', new Date(NOW.getTime() + 600_000));
    await nonces.use(alice.did, 'short-lived-0123456789', new Date(NOW.getTime() + 10_000));
    const keys = async () => {
      const out: string[] = [];
      for await (const [key] of store.entries('nonce/')) out.push(key);
      return out;
    };
    expect(await keys()).toHaveLength(4);
    now = new Date(NOW.getTime() + 20_000);
    // Expired: usable again (a replay of its request would be stale anyway); the sweep is not due yet.
    await nonces.use(alice.did, 'short-lived-0123456789', new Date(now.getTime() + 10_000));
    await expect(nonces.use(alice.did, 'first-nonce-0123456789', new Date(now.getTime() + 600_000))).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' });
    expect(await keys()).toHaveLength(4);
    now = new Date(NOW.getTime() + 120_000);
    await nonces.use(mallory.did, 'other-nonce-0123456789', new Date(now.getTime() + 600_000));
    const left = await keys();
    expect(left).toHaveLength(4);
    expect(left.some((k) => k.includes('short-lived'))).toBe(false);
    await store.close();
  });
});

describe.each(implementations)('challenge store: %s', (_name, open) => {
  let seed = 0;
  const random = (n: number) => new Uint8Array(n).fill(++seed);

  it('issues 128-bit single-use challenges bound to a purpose', async () => {
    const store = await open();
    let now = NOW;
    const challenges = createChallengeStore({ store, now: () => now, random });
    const issued = await challenges.issue('register:https://id.example/01/1');
    expect(issued.challenge).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(issued.expires).toBe(new Date(NOW.getTime() + 300_000).toISOString());
    const code = async (p: Promise<void>) => ((await refusal(p)) as { code: string; evidence: { reason: string } });
    expect(await code(challenges.consume(issued.challenge, 'transfer:https://id.example/01/1'))).toMatchObject({ code: 'CHALLENGE_INVALID', evidence: { reason: 'purpose' } });
    await challenges.consume(issued.challenge, 'register:https://id.example/01/1');
    expect(await code(challenges.consume(issued.challenge, 'register:https://id.example/01/1'))).toMatchObject({ code: 'CHALLENGE_INVALID', evidence: { reason: 'consumed' } });
    // A restart does not make it usable again.
    const restarted = createChallengeStore({ store, now: () => now, random });
    expect((await code(restarted.consume(issued.challenge, 'register:https://id.example/01/1'))).code).toBe('CHALLENGE_INVALID');
    expect(await code(challenges.consume('A'.repeat(22), 'register'))).toMatchObject({ code: 'CHALLENGE_INVALID', evidence: { reason: 'unknown' } });
    expect((await code(challenges.consume(42 as unknown as string, 'register'))).code).toBe('CHALLENGE_INVALID');

    const brief = await challenges.issue('report', 10);
    now = new Date(NOW.getTime() + 11_000);
    expect(await code(challenges.consume(brief.challenge, 'report'))).toMatchObject({ code: 'CHALLENGE_INVALID', evidence: { reason: 'expired' } });
    await store.close();
  });

  it('lets exactly one of 20 concurrent consumes of one challenge succeed', async () => {
    const store = await open();
    const challenges = createChallengeStore({ store, now: clock, random });
    const { challenge } = await challenges.issue('transfer');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => challenges.consume(challenge, 'transfer')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await store.close();
  });

  it('refuses misuse with TypeError', async () => {
    const store = await open();
    expect(() => createChallengeStore({ store, now: clock } as never)).toThrow(TypeError);
    const challenges = createChallengeStore({ store, now: clock, random: () => new Uint8Array(4) });
    await expect(challenges.issue('x')).rejects.toThrow(TypeError);
    const fixed = createChallengeStore({ store, now: clock, random: (n) => new Uint8Array(n) });
    await expect(fixed.issue('')).rejects.toThrow(TypeError);
    await fixed.issue('x');
    await expect(fixed.issue('x')).rejects.toThrow(TypeError);
    await store.close();
  });
});
