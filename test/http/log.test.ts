// The log and the ledger over HTTP: signed checkpoints, tlog-tiles, proofs, the write path, bundles, export.
// The server is seeded with the demo unit's whole life (through the signed write API), and a trusted
// registrar has licensed a manufacturer for the same GTIN, who appends where a test needs to write.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UNIT } from '../../src/cli/demo.js';
import { leafHash, parseCheckpoint, parseEntryBundle, parseVerifierKey, verifyCheckpoint, verifyInclusion } from '../../src/log/index.js';
import { ed25519PublicKeyFromMultibase } from '../../src/did/multibase.js';
import { chained } from '../../agents/manufacturer.js';
import type { Json } from '../../agents/client.js';
import { PASSPORT, WARRANTY, startLifecycleWorld, unitLink, type LifecycleWorld } from '../lifecycle-world.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const unitPath = new URL(DEMO_UNIT).pathname;
let world: LifecycleWorld;
let origin: string;

interface Event {
  id: string;
  unit: string;
  type: string;
  sequence: number;
  leafIndex: number;
  digestMultibase: string;
}

beforeAll(async () => {
  world = await startLifecycleWorld({ demo: true });
  origin = world.origin;
}, 60_000);

afterAll(() => world?.close());

const get = (path: string) => fetch(origin + path);
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const decode = (entry: Uint8Array) => JSON.parse(new TextDecoder().decode(entry)) as { unit: string; sequence: number; type: string; credential: string; issuer: string; digestMultibase: string };
const eventsOf = async (subject: string) => (await world.get<{ unit: string; events: Event[] }>(`/ledger/events?subject=${encodeURIComponent(subject)}`));

describe('checkpoint and tiles', () => {
  it('publishes a checkpoint signed by the log key that its did.json lists', async () => {
    const note = await (await get('/log/checkpoint')).text();
    const key = await (await get('/log/key')).json();
    const verifier = parseVerifierKey(key.verifierKey);
    const { checkpoint } = verifyCheckpoint(note, { origin: key.origin, logKeys: [verifier] });
    // The checkpoint covers the demo unit's whole chain.
    const { events } = await eventsOf(DEMO_UNIT);
    expect(events.length).toBeGreaterThan(0);
    expect(checkpoint.size).toBeGreaterThan(Math.max(...events.map((e) => e.leafIndex)));
    const did = await (await get('/.well-known/did.json')).json();
    const method = did.verificationMethod.find((m: { id: string }) => m.id === `${did.id}#log`);
    expect(Buffer.from(ed25519PublicKeyFromMultibase(method.publicKeyMultibase)!)).toEqual(Buffer.from(verifier.publicKey));
    expect(did.assertionMethod).not.toContain(method.id);
  });

  it('serves hash tiles and entry bundles that agree with the checkpoint, and proofs as JSON', async () => {
    const { size, root } = parseCheckpoint(await (await get('/log/checkpoint')).text());
    expect(size).toBeLessThan(256); // one partial tile holds the whole log
    const entries = parseEntryBundle(new Uint8Array(await (await get(`/log/tile/entries/000.p/${size}`)).arrayBuffer()));
    expect(entries).toHaveLength(size);
    const tile = new Uint8Array(await (await get(`/log/tile/0/000.p/${size}`)).arrayBuffer());
    expect(tile.length).toBe(32 * size);
    entries.forEach((entry, i) => expect(Buffer.from(tile.subarray(32 * i, 32 * i + 32))).toEqual(Buffer.from(leafHash(entry))));

    // The log entries of the demo unit are exactly the events its chain lists, in the same order.
    const { unit, events } = await eventsOf(DEMO_UNIT);
    expect(unit).toBe('(01)09506000134352(21)HP-000123');
    const logged = entries.map((entry, leafIndex) => ({ leafIndex, ...decode(entry) })).filter((e) => e.unit === unit);
    expect(logged.map((e) => e.leafIndex)).toEqual(events.map((e) => e.leafIndex));
    for (const event of events) {
      expect(decode(entries[event.leafIndex]!)).toMatchObject({ unit, sequence: event.sequence, type: event.type, credential: event.id, digestMultibase: event.digestMultibase });
    }
    // Its first event opens the chain with the manufacturer's KeyCredential; the passport follows it.
    const [first] = logged;
    expect(first).toMatchObject({ sequence: 0, type: 'KeyCredential' });
    const passport = logged.find((e) => e.type === 'DigitalProductPassport')!;
    expect(passport).toMatchObject({ sequence: 1, issuer: first!.issuer });
    for (const index of [first!.leafIndex, passport.leafIndex]) {
      const { proof } = await (await get(`/log/proof/inclusion?index=${index}&size=${size}`)).json();
      expect(() => verifyInclusion(index, size, leafHash(entries[index]!), proof.map(b64), root)).not.toThrow();
    }
  });

  it('answers malformed and out-of-range requests with 400 and a stable code', async () => {
    const size = await world.logSize();
    const cases: [string, string][] = [
      ['/log/proof/inclusion?index=abc', 'LOG_INDEX_OUT_OF_RANGE'],
      [`/log/proof/inclusion?index=${size}`, 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/proof/inclusion?index=-1', 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/proof/consistency?from=2&to=1', 'LOG_INDEX_OUT_OF_RANGE'],
      [`/log/proof/consistency?from=1&to=${size + 1}`, 'LOG_INDEX_OUT_OF_RANGE'],
      ['/log/tile/0/x', 'LOG_TILE_INVALID'],
      ['/log/tile/0/0001', 'LOG_TILE_INVALID'],
      ['/log/tile/0/000.p/0', 'LOG_TILE_INVALID'],
    ];
    for (const [path, code] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, code: (await res.json()).code }).toEqual({ path, status: 400, code });
    }
    // A well-formed tile the tree does not have yet is a 404, as a static host would answer.
    expect(size).toBeLessThan(5 * 256);
    const missing = await get('/log/tile/0/005');
    expect({ status: missing.status, code: (await missing.json()).code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('the write path', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${origin}/ledger/credentials`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('needs a signed request, acknowledges a retry, refuses a fork with 409 and the head and a forgery with 422, and writes nothing on error', async () => {
    const manufacturer = world.manufacturer;
    const acme = manufacturer.actor;
    const send = async (credentials: unknown[]) => acme.client.send<{ acknowledgements: (Event & { duplicate: boolean })[]; checkpoint: string }>('POST', '/ledger/credentials', { credentials }, await acme.signer());
    const unit = unitLink('LOG-1');
    const minted = await manufacturer.mint({ digitalLink: unit, passport: PASSPORT, warranty: WARRANTY });
    const { events } = await eventsOf(unit);
    expect(events.map((e) => e.id)).toEqual(minted.map((m) => m.id));
    const [, passport, warranty] = minted;
    const before = await (await get('/log/checkpoint')).text();

    // Unsigned, or with a bearer token (the old way): refused before anything is read.
    for (const headers of [{}, { authorization: 'Bearer lifecycle-token-0123456789' }] as Record<string, string>[]) {
      const unsigned = await post({ credentials: [passport!.dataIntegrity] }, headers);
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ statusCode: 401, code: 'REQUEST_SIGNATURE_MISSING' });
    }
    await expect(send([])).rejects.toMatchObject({ code: 'INVALID_INPUT', evidence: { status: 400 } });

    // A retry by its issuer of what is recorded is acknowledged as a duplicate, at the same place.
    const retried = await send([passport]);
    const passportEvent = events.find((e) => e.type === 'DigitalProductPassport')!;
    expect(retried.acknowledgements).toEqual([{ ...passportEvent, duplicate: true }]);
    expect((await send(minted)).acknowledgements.map((a) => [a.id, a.sequence, a.duplicate])).toEqual(events.map((e) => [e.id, e.sequence, true]));

    // A second event on the passport (the head is the warranty) would fork the chain: 409, naming the head.
    const fork = await acme.credential('WarrantyCredential', unit, { ...WARRANTY }, { previous: chained(passport!) });
    const head = events.at(-1)!;
    expect(head.id).toBe(warranty!.id);
    await expect(send([fork])).rejects.toMatchObject({
      code: 'CHAIN_CONFLICT',
      evidence: { status: 409, head: { id: head.id, sequence: head.sequence, digestMultibase: head.digestMultibase } },
    });

    // A forged credential (a claim changed after signing) is 422, and its batch is written not at all.
    const next = unitLink('LOG-2');
    const [nextKey, nextPassport] = await manufacturer.prepareUnit({ digitalLink: next, passport: PASSPORT });
    const forgedPassport = { ...nextPassport!.dataIntegrity, credentialSubject: { ...(nextPassport!.dataIntegrity.credentialSubject as Json), name: 'Forged heat pump' } };
    await expect(send([nextKey, forgedPassport])).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_VERIFIED', evidence: { status: 422, credential: nextPassport!.id } });
    // So is a signed credential copied under another id.
    await expect(send([{ ...nextKey!.dataIntegrity, id: 'urn:uuid:forged' }])).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_VERIFIED', evidence: { status: 422, credential: 'urn:uuid:forged' } });
    expect((await eventsOf(next)).events).toEqual([]);
    expect(await world.get('/credentials/urn%3Auuid%3Aforged')).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });

    expect(await (await get('/log/checkpoint')).text()).toBe(before);
    // The refused batch left nothing in the way: the genuine one is appended.
    expect((await send([nextKey, nextPassport])).acknowledgements.map((a) => [a.sequence, a.duplicate])).toEqual([[0, false], [1, false]]);
  });
});

describe('passport bundle', () => {
  it('holds the chains, a proof for each credential against one checkpoint, and the DID documents; dpp export writes it', async () => {
    const linkset = await (await fetch(`${origin}${unitPath}?linkType=dpp:bundle`, { redirect: 'manual' })).headers.get('location');
    expect(linkset).toBe(`${origin}/bundle${unitPath}`);
    const bundle = await (await get(`/bundle${unitPath}`)).json();
    const { size, root } = parseCheckpoint(bundle.checkpoint);
    // The unit's own chain first, as the ledger lists it; then the levels above it (batch, GTIN).
    const { unit, events } = await eventsOf(DEMO_UNIT);
    expect(bundle.chains[0].unit).toBe(unit);
    expect(bundle.chains[0].events.map((e: { credential: { id: string } }) => e.credential.id)).toEqual(events.filter((e) => e.leafIndex < size).map((e) => e.id));
    expect(bundle.chains.length).toBeGreaterThan(1);
    const issuers = new Set<string>([bundle.log.did]);
    for (const chain of bundle.chains) {
      expect(unitPath.startsWith(chain.path)).toBe(true);
      expect(chain.events.map((e: { sequence: number }) => e.sequence)).toEqual(chain.events.map((_: unknown, i: number) => i));
      for (const event of chain.events) {
        expect(decode(b64(event.entry))).toMatchObject({ unit: chain.unit, sequence: event.sequence, credential: event.credential.id });
        expect(() => verifyInclusion(event.leafIndex, size, leafHash(b64(event.entry)), event.inclusionProof.map(b64), root)).not.toThrow();
        issuers.add(typeof event.credential.issuer === 'string' ? event.credential.issuer : event.credential.issuer.id);
      }
    }
    // The credentials authority rests on (licences, accreditations), with their proofs too.
    for (const event of bundle.references) {
      expect(() => verifyInclusion(event.leafIndex, size, leafHash(b64(event.entry)), event.inclusionProof.map(b64), root)).not.toThrow();
      issuers.add(typeof event.credential.issuer === 'string' ? event.credential.issuer : event.credential.issuer.id);
    }
    // One DID document per issuer in the bundle, and the log's.
    expect(Object.keys(bundle.didDocuments).sort()).toEqual([...issuers].sort());
    for (const [did, document] of Object.entries(bundle.didDocuments)) expect((document as { id: string }).id).toBe(did);
    expect(issuers.size).toBeGreaterThan(2);

    const out = join(world.dir, 'bundle.json');
    // The server runs in this process: the command must not block its event loop.
    const dpp = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args]).then(() => 0, (err: { code: number }) => err.code);
    expect(await dpp(['export', origin + unitPath, '--out', out])).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).chains).toEqual(bundle.chains);
    expect(await dpp(['export', `${origin}/01/09506000134352/21/NOPE`])).toBe(2);
  });
});
