// Signed requests over real HTTP on loopback: the middleware, the body parser's exact bytes, each refusal's status and code, and races.
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, rawJsonBody, requireSignedRequest } from '../../src/http/signed-request.js';
import { errorHandler } from '../../src/http/errors.js';
import { createSignedFetch } from '../../src/client/signed-fetch.js';
import { createChallengeStore, createNonceStore, REQUEST_SIGNATURE_HEADER, signRequest } from '../../src/vc/request-signature.js';
import { createDidResolver } from '../../src/did/resolver.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../../src/did/did-key.js';
import { signerFromSeed } from '../../src/vc/signer.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { NOW } from '../helpers.js';

const pair = ed25519FromSeed(new Uint8Array(32).fill(3));
const did = didKeyFromPublicKey(pair.publicKey);
const signer = signerFromSeed(didKeyVerificationMethod(did), pair.secretKey);
const clock = { now: NOW };
const store = createMemoryStore();
const challenges = createChallengeStore({ store, now: () => clock.now, random: (n) => new Uint8Array(randomBytes(n)) });
const logged: Record<string, unknown>[] = [];
let server: Server;
let base: string;

const signedFetch = createSignedFetch({ now: () => clock.now, random: (n) => new Uint8Array(randomBytes(n)) });
const nonce = () => randomBytes(16).toString('base64url');

beforeAll(async () => {
  const app = express();
  const signed = requireSignedRequest({ resolver: createDidResolver(), nonces: createNonceStore({ store, now: () => clock.now }), now: () => clock.now });
  const body = rawJsonBody({ limit: 1024 });
  app.post('/echo', body, signed, (req, res) => void res.json({ actor: actorOf(res), kid: res.locals.kid, body: req.body }));
  app.delete('/things/:id', signed, (req, res) => void res.json({ actor: actorOf(res), id: req.params.id }));
  app.post('/unguarded', body, (_req, res) => void res.json({ actor: actorOf(res) }));
  app.post('/challenges', async (_req, res) => void res.status(201).json(await challenges.issue('test')));
  app.post('/challenges/consume', body, async (req, res) => {
    await challenges.consume((req.body as { challenge?: string }).challenge ?? '', 'test');
    res.status(204).end();
  });
  app.use(errorHandler((entry) => logged.push(entry)));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** A request with a signature made by hand: to send something other than what was signed. */
async function rawPost(path: string, sent: string, signedFor: { path?: string; body?: string; method?: string; now?: Date } = {}, headers: Record<string, string> = {}) {
  const signature = await signRequest({ method: signedFor.method ?? 'POST', path: signedFor.path ?? path, body: signedFor.body ?? sent, signer, now: signedFor.now ?? clock.now, nonce: nonce() });
  return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', [REQUEST_SIGNATURE_HEADER]: signature, ...headers }, body: sent });
}

async function expectError(response: Response, status: number, code: string) {
  const body = await response.json();
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  expect(body).toMatchObject({ statusCode: status, code });
  expect(JSON.stringify(body)).not.toContain('    at ');
  return body as { evidence?: Record<string, unknown> };
}

describe('requireSignedRequest', () => {
  it('lets a signed request through and names its actor', async () => {
    const res = await signedFetch(`${base}/echo?lang=en`, { method: 'POST', body: { hello: 'wörld', n: [1, 2] }, signer });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ actor: did, kid: signer.id, body: { hello: 'wörld', n: [1, 2] } });
    const del = await signedFetch(`${base}/things/a%20b`, { method: 'DELETE', signer });
    expect(await del.json()).toEqual({ actor: did, id: 'a b' });
  });

  it('digests the exact bytes sent, whitespace and key order included', async () => {
    const text = '{ "b": 1,\n  "a": "é" }';
    const res = await signedFetch(`${base}/echo`, { method: 'POST', body: text, signer });
    expect(res.status).toBe(200);
    expect((await res.json()).body).toEqual({ b: 1, a: 'é' });
    // The same JSON re-serialised is other bytes.
    await expectError(await rawPost('/echo', JSON.stringify({ b: 1, a: 'é' }), { body: text }), 401, 'REQUEST_SIGNATURE_INVALID');
  });

  it('refuses an unsigned request: 401 REQUEST_SIGNATURE_MISSING', async () => {
    await expectError(await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 401, 'REQUEST_SIGNATURE_MISSING');
    await expectError(await fetch(`${base}/things/1`, { method: 'DELETE' }), 401, 'REQUEST_SIGNATURE_MISSING');
  });

  it('refuses a tampered body, another path, another method: 401 REQUEST_SIGNATURE_INVALID', async () => {
    expect((await expectError(await rawPost('/echo', '{"a":2}', { body: '{"a":1}' }), 401, 'REQUEST_SIGNATURE_INVALID')).evidence).toMatchObject({ reason: 'bd' });
    expect((await expectError(await rawPost('/echo?x=2', '{}', { path: '/echo?x=1' }), 401, 'REQUEST_SIGNATURE_INVALID')).evidence).toMatchObject({ reason: 'htp' });
    expect((await expectError(await rawPost('/echo', '{}', { method: 'PUT' }), 401, 'REQUEST_SIGNATURE_INVALID')).evidence).toMatchObject({ reason: 'htm' });
    await expectError(await fetch(`${base}/things/1`, { method: 'DELETE', headers: { [REQUEST_SIGNATURE_HEADER]: 'garbage' } }), 401, 'REQUEST_SIGNATURE_INVALID');
  });

  it('refuses a stale request: 401 REQUEST_STALE', async () => {
    await expectError(await rawPost('/echo', '{}', { now: new Date(clock.now.getTime() - 600_000) }), 401, 'REQUEST_STALE');
    await expectError(await rawPost('/echo', '{}', { now: new Date(clock.now.getTime() + 600_000) }), 401, 'REQUEST_STALE');
  });

  it('refuses a replay: 409 REQUEST_REPLAYED', async () => {
    const signature = await signRequest({ method: 'DELETE', path: '/things/7', signer, now: clock.now, nonce: nonce() });
    const send = () => fetch(`${base}/things/7`, { method: 'DELETE', headers: { [REQUEST_SIGNATURE_HEADER]: signature } });
    expect((await send()).status).toBe(200);
    await expectError(await send(), 409, 'REQUEST_REPLAYED');
  });

  it('keeps the body parser errors: 400 INVALID_JSON, 413 BODY_TOO_LARGE, and refuses a body it cannot digest', async () => {
    await expectError(await rawPost('/echo', '{"a":'), 400, 'INVALID_JSON');
    await expectError(await rawPost('/echo', JSON.stringify({ a: 'x'.repeat(2000) })), 413, 'BODY_TOO_LARGE');
    await expectError(await rawPost('/echo', '{"a":1}', {}, { 'content-type': 'text/plain' }), 400, 'INVALID_INPUT');
  });

  it('lets exactly one of 50 concurrent replays of one signed request through', async () => {
    const sent = JSON.stringify({ race: true });
    const signature = await signRequest({ method: 'POST', path: '/echo', body: sent, signer, now: clock.now, nonce: nonce() });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', [REQUEST_SIGNATURE_HEADER]: signature }, body: sent })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
  });

  it('a route that forgets the middleware fails closed with a bare 500', async () => {
    const res = await signedFetch(`${base}/unguarded`, { method: 'POST', body: {}, signer });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'Internal error' });
  });
});

describe('challenge store over HTTP', () => {
  it('lets exactly one of 20 concurrent consumes of one challenge succeed', async () => {
    const issued = await (await fetch(`${base}/challenges`, { method: 'POST' })).json();
    expect(issued.challenge).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${base}/challenges/consume`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge: issued.challenge }) })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    const refused = responses.find((r) => r.status === 401)!;
    expect((await refused.json()).code).toBe('CHALLENGE_INVALID');
    await Promise.all(responses.map((r) => r.arrayBuffer().catch(() => undefined)));
  });
});
