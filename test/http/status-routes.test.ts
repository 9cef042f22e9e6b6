// Status lists over real HTTP on loopback: allocation and uploads by their issuer, reads by anyone, and a
// verifier that fetches the list itself seeing a revocation after the upload.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDidResolver } from '../../src/did/resolver.js';
import { AuthError } from '../../src/errors.js';
import { errorHandler, statusOf } from '../../src/http/errors.js';
import { statusRoutes } from '../../src/http/status-routes.js';
import { createStatusLists, type StatusLists } from '../../src/ledger/status-lists.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createCredentialServices, type CredentialServices } from '../../src/vc/services.js';
import type { Signer } from '../../src/vc/signer.js';
import type { JsonObject } from '../../src/vc/credential.js';
import { MIN_STATUS_LIST_BITS, createBitstring, decodeBitstring, getStatus, setStatus, statusListCredential, type StatusPurpose } from '../../src/vc/status-list.js';
import { didKeyIssuer } from '../helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');

const party = didKeyIssuer;

const server = party(0x32);
const maker = party(0x42);
const stranger = party(0x52);

/** Stands in for the signed-request middleware: the caller's DID comes in a header. */
const requireActor: RequestHandler = (req, res, next) => {
  const actor = req.get('x-test-actor');
  if (!actor) return next(new AuthError('UNAUTHORIZED', 'No actor'));
  res.locals.actor = actor;
  next();
};

let http: Server;
let origin: string;
let lists: StatusLists;
let services: CredentialServices;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  const app = express();
  http = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  origin = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  // The verifier fetches status lists over HTTP, as any verifier would.
  services = createCredentialServices({
    resolver: createDidResolver(),
    now: () => NOW,
    fetchStatusList: async (url) => {
      const response = await fetch(url, { headers: { accept: 'application/vc, application/json' } });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.json();
    },
  });
  lists = createStatusLists({
    store: createMemoryStore(),
    origin,
    ownDid: server.did,
    random: (n) => new Uint8Array(randomBytes(n)),
    now: () => NOW,
    sign: (credential) => services.issuer.issue(credential, { signer: server.signer }),
    verifyCredential: (credential) => services.verifier.verifyCredential(credential),
  });
  app.use(statusRoutes({ lists, requireActor, json: express.json() }));
  app.use(errorHandler((entry) => logged.push(entry)));
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  expect(logged).toEqual([]);
});

const send = (method: string, path: string, body: unknown, actor?: string, raw = false) =>
  fetch(origin + path, {
    method,
    headers: { 'content-type': 'application/json', ...(actor ? { 'x-test-actor': actor } : {}) },
    body: raw ? String(body) : JSON.stringify(body),
  });
/** A revalidation as a cache makes it (fetch would add `Cache-Control: no-cache`, which asks for a full response). */
const revalidate = (url: string, etag: string) => fetch(url, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
const pathOf = (url: unknown) => new URL(String(url)).pathname;
const signedList = (issuer: { did: string; signer: Signer }, url: string, purpose: StatusPurpose, bits: Uint8Array) =>
  services.issuer.issue(statusListCredential({ id: url, issuer: issuer.did, purpose, bitstring: bits, validFrom: '2026-06-01T00:00:00Z' }), { signer: issuer.signer });

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ statusCode: status, code });
}

describe('an external issuer\'s lists over HTTP', () => {
  let entry: JsonObject;
  let url: string;
  let credential: JsonObject;

  it('allocates entries to the signed-in issuer', async () => {
    await expectError(await send('POST', '/status/allocate', { purpose: 'revocation', count: 2 }), 401, 'UNAUTHORIZED');
    const response = await send('POST', '/status/allocate', { purpose: 'revocation', count: 2 }, maker.did);
    expect(response.status).toBe(201);
    const { entries } = (await response.json()) as { entries: JsonObject[] };
    expect(entries).toHaveLength(2);
    entry = entries[0]!;
    url = String(entry.statusListCredential);
    expect(url).toMatch(new RegExp(`^${origin}/status/[0-9a-f]{20}/revocation-1$`));
    expect(entries[1]!.statusListIndex).not.toBe(entry.statusListIndex);
    const [message] = ((await (await send('POST', '/status/allocate', { purpose: 'message' }, maker.did)).json()) as { entries: JsonObject[] }).entries;
    expect(message).toMatchObject({ statusPurpose: 'message', statusSize: 2 });
  });

  it('a list not uploaded yet is a 404; an upload makes it readable by anyone, with its version as ETag', async () => {
    await expectError(await fetch(url), 404, 'NOT_FOUND');
    credential = await services.issuer.issue({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'urn:uuid:5e0f3c1a-9a0b-4a43-8d1e-6f1f7b2c9d10',
      type: ['VerifiableCredential'],
      issuer: maker.did,
      credentialStatus: entry,
      credentialSubject: { id: 'did:example:unit' },
    }, { signer: maker.signer });
    expect((await services.verifier.verifyCredential(credential)).checks.find((c) => c.id === 'status')).toMatchObject({ status: 'fail', code: 'STATUS_UNAVAILABLE' });

    const put = await send('PUT', pathOf(url), { credential: await signedList(maker, url, 'revocation', createBitstring()), baseVersion: 0 }, maker.did);
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ version: 1 });
    expect(put.headers.get('etag')).toBe('"1"');

    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toMatch(/^application\/vc\b/);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.headers.get('access-control-allow-origin')).toBe('*');
    expect(got.headers.get('access-control-expose-headers')).toMatch(/ETag/i);
    expect(await got.json()).toMatchObject({ id: url, issuer: maker.did });
    expect((await revalidate(url, '"1"')).status).toBe(304);
    expect((await services.verifier.verifyCredential(credential)).verified).toBe(true);
  });

  it('after a PUT that sets its bit, a verifier fetching the list finds the credential revoked', async () => {
    const bits = createBitstring();
    setStatus(bits, Number(entry.statusListIndex), 1, 1);
    const put = await send('PUT', pathOf(url), { credential: await signedList(maker, url, 'revocation', bits), baseVersion: 1 }, maker.did);
    expect(await put.json()).toEqual({ version: 2 });
    const report = await services.verifier.verifyCredential(credential);
    expect(report.verified).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.code)).toEqual(['STATUS_REVOKED']);
    expect((await revalidate(url, '"1"')).headers.get('etag')).toBe('"2"');
  });

  it('refuses a stale baseVersion, another actor, and a list that is not this one', async () => {
    const list = await signedList(maker, url, 'revocation', createBitstring());
    await expectError(await send('PUT', pathOf(url), { credential: list, baseVersion: 1 }, maker.did), 409, 'STATUS_LIST_CONFLICT');
    await expectError(await send('PUT', pathOf(url), { credential: await signedList(stranger, url, 'revocation', createBitstring()), baseVersion: 2 }, stranger.did), 403, 'POLICY_DENIED');
    await expectError(await send('PUT', pathOf(url), { credential: await signedList(maker, url, 'suspension', createBitstring()), baseVersion: 2 }, maker.did), statusOf('STATUS_LIST_INVALID'), 'STATUS_LIST_INVALID');
    await expectError(await send('PUT', pathOf(url), { credential: list, baseVersion: 2 }), 401, 'UNAUTHORIZED');
    await expectError(await send('PUT', '/status/0123456789abcdef0123/revocation-1', { credential: list }, maker.did), 404, 'NOT_FOUND');
    expect(await lists.version(url)).toBe(2);
  });

  it('refuses bad bodies with INVALID_INPUT and changes nothing', async () => {
    const list = await signedList(maker, url, 'revocation', createBitstring());
    const path = pathOf(url);
    for (const body of [[], { baseVersion: 2 }, { credential: 'jwt', baseVersion: 2 }, { credential: list, baseVersion: '2' }, { credential: list, baseVersion: -1 }, { credential: list, baseversion: 2 }]) {
      await expectError(await send('PUT', path, body, maker.did), 400, 'INVALID_INPUT');
    }
    // Not JSON, or JSON that is not an object or array: the body parser's own refusal.
    for (const raw of ['{"credential":', '"text"', 'null']) await expectError(await send('PUT', path, raw, maker.did, true), 400, 'INVALID_JSON');
    for (const body of [{}, { purpose: 'refresh' }, { purpose: 'revocation', count: 0 }, { purpose: 'revocation', count: 10_001 }, { purpose: 'revocation', count: 1.5 }, { purpose: 'revocation', count: '2' }, { purpose: 'revocation', extra: 1 }, [{ purpose: 'revocation' }]]) {
      await expectError(await send('POST', '/status/allocate', body, maker.did), 400, 'INVALID_INPUT');
    }
    expect(await lists.version(url)).toBe(2);
    expect((await lists.listsOf(maker.did)).map((l) => l.purpose)).toEqual(['message', 'revocation']);
  });
});

describe('the server\'s own lists over HTTP', () => {
  it('are signed on demand, verify, and change ETag when they change', async () => {
    const [entry] = await lists.allocate(server.did, 'suspension');
    const url = String(entry!.statusListCredential);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"0-\d+"$/);
    const list = (await first.json()) as JsonObject;
    expect((await services.verifier.verifyCredential(list)).verified).toBe(true);
    expect((await revalidate(url, etag!)).status).toBe(304);

    await lists.set(url, Number(entry!.statusListIndex), 1);
    const second = await revalidate(url, etag!);
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toMatch(/^"1-\d+"$/);
    const bits = decodeBitstring(String(((await second.json()) as { credentialSubject: JsonObject }).credentialSubject.encodedList));
    expect(bits.length * 8).toBe(MIN_STATUS_LIST_BITS);
    expect(getStatus(bits, Number(entry!.statusListIndex))).toBe(1);
    await expectError(await send('PUT', pathOf(url), { credential: list }, server.did), 403, 'POLICY_DENIED');
  });

  it('answers a CORS preflight for reads, and 404 for lists that do not exist', async () => {
    const preflight = await fetch(`${origin}/status/0123456789abcdef0123/revocation-1`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/If-None-Match/i);
    await expectError(await fetch(`${origin}/status/0123456789abcdef0123/revocation-1`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${origin}/status/nothex/revocation-1`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${origin}/status/0123456789abcdef0123/refresh-1`), 404, 'NOT_FOUND');
  });
});
