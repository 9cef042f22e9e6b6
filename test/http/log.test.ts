// The log and the ledger over HTTP: signed checkpoints, tlog-tiles, proofs, the write path, bundles, export.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.js';
import { leafHash, parseCheckpoint, parseEntryBundle, parseVerifierKey, verifyCheckpoint, verifyInclusion } from '../../src/log/index.js';
import { ed25519PublicKeyFromMultibase } from '../../src/did/multibase.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const TOKEN = 'log-test-token-0123456789';
let dir: string;
let origin: string;
let unitPath: string;
let running: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-log-'));
  const lines: string[] = [];
  running = await serve({ port: 0, host: '127.0.0.1', data: dir, token: TOKEN, demo: true }, (l) => lines.push(l));
  origin = `http://127.0.0.1:${(running.server.address() as { port: number }).port}`;
  unitPath = new URL(/Digital Link: (\S+)/.exec(lines.join('\n'))![1]!).pathname;
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(origin + path);
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

describe('checkpoint and tiles', () => {
  it('publishes a checkpoint signed by the log key that its did.json lists', async () => {
    const note = await (await get('/log/checkpoint')).text();
    const key = await (await get('/log/key')).json();
    const verifier = parseVerifierKey(key.verifierKey);
    const { checkpoint } = verifyCheckpoint(note, { origin: key.origin, logKeys: [verifier] });
    expect(checkpoint.size).toBe(2);
    const did = await (await get('/.well-known/did.json')).json();
    const method = did.verificationMethod.find((m: { id: string }) => m.id === `${did.id}#log`);
    expect(Buffer.from(ed25519PublicKeyFromMultibase(method.publicKeyMultibase)!)).toEqual(Buffer.from(verifier.publicKey));
    expect(did.assertionMethod).not.toContain(method.id);
  });

  it('serves hash tiles and entry bundles that agree with the checkpoint, and proofs as JSON', async () => {
    const { size, root } = parseCheckpoint(await (await get('/log/checkpoint')).text());
    const entries = parseEntryBundle(new Uint8Array(await (await get(`/log/tile/entries/000.p/${size}`)).arrayBuffer()));
    const tile = new Uint8Array(await (await get(`/log/tile/0/000.p/${size}`)).arrayBuffer());
    expect(tile.length).toBe(32 * size);
    entries.forEach((entry, i) => expect(Buffer.from(tile.subarray(32 * i, 32 * i + 32))).toEqual(Buffer.from(leafHash(entry))));
    const { proof } = await (await get(`/log/proof/inclusion?index=1&size=${size}`)).json();
    expect(() => verifyInclusion(1, size, leafHash(entries[1]!), proof.map(b64), root)).not.toThrow();
    expect(JSON.parse(new TextDecoder().decode(entries[0]))).toMatchObject({ unit: '(01)09506000134352(21)HP-000123', sequence: 0, type: 'DigitalProductPassport' });
  });

  it('answers malformed and out-of-range requests with 400 and a stable code', async () => {
    const cases: [string, string][] = [
      ['/log/proof/inclusion?index=abc', 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/proof/inclusion?index=99', 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/proof/inclusion?index=-1', 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/proof/consistency?from=2&to=1', 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/proof/consistency?from=1&to=99', 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/tile/0/x', 'LOG_TILE_INVALID'],
      ['/log/tile/0/0001', 'LOG_TILE_INVALID'],
      ['/log/tile/0/000.p/0', 'LOG_TILE_INVALID'],
    ];
    for (const [path, code] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, code: (await res.json()).code }).toEqual({ path, status: 400, code });
    }
    // A well-formed tile the tree does not have yet is a 404, as a static host would answer.
    const missing = await get('/log/tile/0/005');
    expect({ status: missing.status, code: (await missing.json()).code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('the write path', () => {
  const post = (body: unknown, token = TOKEN) =>
    fetch(`${origin}/ledger/credentials`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it('needs the token, refuses a fork with 409 and the head, and writes nothing on error', async () => {
    expect((await post({ credentials: [] }, 'wrong-token-0123456789')).status).toBe(401);
    expect((await post({ credentials: [] })).status).toBe(400);
    const { chains } = await (await get(`/bundle${unitPath}`)).json();
    const [passport] = chains[0].events.map((e: { credential: object }) => e.credential);
    const before = await (await get('/log/checkpoint')).text();
    const res = await post({ credentials: [passport] });
    expect(res.status).toBe(201);
    expect((await res.json()).acknowledgements[0]).toMatchObject({ duplicate: true, sequence: 0 });
    const forged = await post({ credentials: [{ ...passport, id: 'urn:uuid:forged' }] });
    expect(forged.status).toBe(422);
    expect(await forged.json()).toMatchObject({ code: 'CREDENTIAL_NOT_VERIFIED' });
    expect(await (await get('/log/checkpoint')).text()).toBe(before);
  });
});

describe('passport bundle', () => {
  it('holds the chain, a proof for each credential against one checkpoint, and the DID documents; dpp export writes it', async () => {
    const linkset = await (await fetch(`${origin}${unitPath}?linkType=dpp:bundle`, { redirect: 'manual' })).headers.get('location');
    expect(linkset).toBe(`${origin}/bundle${unitPath}`);
    const bundle = await (await get(`/bundle${unitPath}`)).json();
    const { size, root } = parseCheckpoint(bundle.checkpoint);
    expect(bundle.chains[0].events.map((e: { sequence: number }) => e.sequence)).toEqual([0, 1]);
    for (const event of bundle.chains[0].events) {
      expect(() => verifyInclusion(event.leafIndex, size, leafHash(b64(event.entry)), event.inclusionProof.map(b64), root)).not.toThrow();
    }
    expect(Object.keys(bundle.didDocuments)).toEqual([bundle.log.did]);
    const out = join(dir, 'bundle.json');
    // The server runs in this process: the command must not block its event loop.
    const dpp = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args]).then(() => 0, (err: { code: number }) => err.code);
    expect(await dpp(['export', origin + unitPath, '--out', out])).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).chains).toEqual(bundle.chains);
    expect(await dpp(['export', `${origin}/01/09506000134352/21/NOPE`])).toBe(2);
  });
});
