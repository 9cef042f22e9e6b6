// The VC-API and published documents over real HTTP on loopback, through the server's own start-up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.js';
import { fixture } from '../helpers.js';
import { signPresentationDataIntegrity } from '../../src/vc/data-integrity.js';
import { signerFromSeed } from '../../src/vc/signer.js';
import { ed25519FromSeed } from '../../src/did/ed25519.js';
import { didKeyFromPublicKey, didKeyVerificationMethod } from '../../src/did/did-key.js';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';
import { createDidResolver } from '../../src/did/resolver.js';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let base: string;
let did: string;
let running: Awaited<ReturnType<typeof serve>>;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-http-'));
  running = await serve({ port: 0, host: '127.0.0.1', data: dir, token: TOKEN, demo: true }, (l) => lines.push(l));
  const address = running.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  did = /as (did:web:\S+)/.exec(lines[0]!)![1]!;
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const auth = { authorization: `Bearer ${TOKEN}` };
const passport = () => ({ ...fixture('passport.json'), issuer: did, credentialSubject: { ...(fixture('passport.json').credentialSubject as object), relatedParty: [{ role: 'manufacturer', party: { id: did, name: 'M' } }] } });

describe('published documents', () => {
  it('serves its did:web document with Multikey methods', async () => {
    const res = await fetch(`${base}/.well-known/did.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.id).toBe(did);
    expect(doc.verificationMethod[0]).toMatchObject({ type: 'Multikey', controller: did });
  });

  it('publishes our own context and schemas at the URLs that name them', async () => {
    const ctx = await (await fetch(`${base}/contexts/dpp/v1`)).json();
    expect(ctx).toEqual(JSON.parse(readFileSync(new URL('../../contexts/dpp-v1.jsonld', import.meta.url), 'utf8')));
    const schema = await (await fetch(`${base}/schemas/DigitalProductPassport/v1`)).json();
    expect(schema.$id).toBe('https://dppledger.org/schemas/DigitalProductPassport/v1');
  });

  it('serves the demo credential by id as JSON-LD or vc+jwt', async () => {
    const url = /passport credential:\s+(\S+)/.exec(lines.join('\n'))![1]!;
    const ld = await fetch(url);
    expect(ld.headers.get('content-type')).toMatch(/application\/vc/);
    expect((await ld.json()).proof.cryptosuite).toBe('eddsa-rdfc-2022');
    expect(ld.headers.get('vary')).toBe('Accept');
    expect(ld.headers.get('access-control-allow-origin')).toBe('*');
    const jwt = await fetch(url, { headers: { accept: 'application/vc+jwt' } });
    expect(jwt.headers.get('content-type')).toMatch(/application\/vc\+jwt/);
    expect((await jwt.text()).split('.')).toHaveLength(3);
    expect((await fetch(`${base}/credentials/urn%3Auuid%3Anope`)).status).toBe(404);
  });
});

describe('POST /credentials/issue and /credentials/verify', () => {
  it('needs the bearer token', async () => {
    const res = await post('/credentials/issue', { credential: passport() });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it('issues both forms (201) and verifies them (200)', async () => {
    for (const options of [undefined, { proofFormat: 'vc+jwt' }]) {
      const issued = await post('/credentials/issue', { credential: passport(), ...(options ? { options } : {}) }, auth);
      expect(issued.status).toBe(201);
      const { verifiableCredential } = await issued.json();
      const verified = await post('/credentials/verify', { verifiableCredential });
      expect(verified.status).toBe(200);
      expect(await verified.json()).toMatchObject({ verified: true });
    }
  });

  it('reports a tampered credential as not verified, with the code', async () => {
    const { verifiableCredential } = await (await post('/credentials/issue', { credential: passport() }, auth)).json();
    verifiableCredential.credentialSubject.firmwareVersion = '0.0.1';
    const report = await (await post('/credentials/verify', { verifiableCredential })).json();
    expect(report.verified).toBe(false);
    expect(report.checks.find((c: { id: string }) => c.id === 'proof')).toMatchObject({ status: 'fail', code: 'PROOF_INVALID' });
  });

  it('answers bad input with 4xx and a stable code, and goes on serving', async () => {
    const cases: [unknown, number, string][] = [
      ['{not json', 400, 'INVALID_JSON'],
      [{ credential: 'x' }, 400, 'INVALID_INPUT'],
      [{ credential: { ...passport(), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/v1'] } }, 422, 'CONTEXT_NOT_ALLOWED'],
      [{ credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: did, credentialSubject: { colour: 'red' } } }, 422, 'JSONLD_INVALID'],
      [{ credential: { ...passport(), issuer: 'did:web:someone.else' } }, 422, 'ISSUER_MISMATCH'],
      [{ credential: { ...passport(), type: 'DigitalProductPassport' } }, 422, 'DATA_MODEL_INVALID'],
      [{ credential: { ...passport(), validFrom: 'soon' } }, 422, 'DATA_MODEL_INVALID'],
      [{ credential: passport(), options: { proofFormat: 'ldp_vc' } }, 400, 'INVALID_INPUT'],
      [{ credential: { ...passport(), padding: 'x'.repeat(1024 * 1024) } }, 413, 'BODY_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post('/credentials/issue', body, auth);
      expect({ status: res.status, code: (await res.json()).code }).toEqual({ status, code });
    }
    expect((await post('/credentials/verify', { nothing: true })).status).toBe(400);
    const notCredential = await post('/credentials/verify', { verifiableCredential: { hello: 'world' } });
    expect(notCredential.status).toBe(422);
    expect(await notCredential.json()).toMatchObject({ code: 'DATA_MODEL_INVALID', verified: false });
    const unknown = await fetch(`${base}/nowhere`);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect((await fetch(`${base}/.well-known/did.json`)).status).toBe(200);
  });
});

describe('POST /presentations/verify', () => {
  it('checks the challenge and domain', async () => {
    const pair = ed25519FromSeed(new Uint8Array(32).fill(3));
    const holder = didKeyFromPublicKey(pair.publicKey);
    const loader = createDocumentLoader({ contexts: loadBundledContexts(), dereferenceDid: createDidResolver().dereference });
    const vp = await signPresentationDataIntegrity(
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder },
      { signer: signerFromSeed(didKeyVerificationMethod(holder), pair.secretKey), documentLoader: loader, created: new Date(), challenge: 'abc', domain: 'dpp.example' },
    );
    const ok = await (await post('/presentations/verify', { verifiablePresentation: vp, options: { challenge: 'abc', domain: 'dpp.example' } })).json();
    expect(ok.verified).toBe(true);
    const replay = await (await post('/presentations/verify', { verifiablePresentation: vp, options: { challenge: 'xyz', domain: 'dpp.example' } })).json();
    expect(replay.verified).toBe(false);
    expect(replay.checks.find((c: { id: string }) => c.id === 'proof').code).toBe('CHALLENGE_MISMATCH');
  });
});

describe('HTTPS', () => {
  it('serves over TLS with a self-signed certificate', async () => {
    const tlsDir = mkdtempSync(join(tmpdir(), 'dpp-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
      const secure = await serve({ port: 0, host: '127.0.0.1', data: join(tlsDir, 'data'), token: TOKEN, tlsCert: join(tlsDir, 'cert.pem'), tlsKey: join(tlsDir, 'key.pem') }, () => {});
      const { port } = secure.server.address() as { port: number };
      const body = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/.well-known/did.json', rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      expect(JSON.parse(body).id).toBe(`did:web:127.0.0.1%3A${port}`);
      await secure.close();
    } finally {
      rmSync(tlsDir, { recursive: true, force: true });
    }
  });
});
