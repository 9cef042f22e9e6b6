// Status lists per issuer, one suite on every Store: random allocation, the server's own lists signed on
// demand, prepared writes, and the rules for lists that external issuers upload.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDidResolver } from '../../src/did/resolver.js';
import { isDppError } from '../../src/errors.js';
import type { Store } from '../../src/storage/store.js';
import { createCredentialServices, type CredentialServices } from '../../src/vc/services.js';
import type { JsonObject } from '../../src/vc/credential.js';
import {
  MIN_STATUS_LIST_BITS, createBitstring, decodeBitstring, encodeBitstring, getStatus, setStatus, statusListCredential, type StatusPurpose,
} from '../../src/vc/status-list.js';
import { createStatusLists, issuerKey, RECALL_STATUS, RECALL_STATUS_MESSAGES, type StatusLists, type StatusListsDeps } from '../../src/ledger/status-lists.js';
import { storeImplementations, type OpenedStore } from '../stores.js';
import { didKeyIssuer } from '../helpers.js';

const ORIGIN = 'https://dpp.example';
const START = new Date('2026-06-01T12:00:00Z');
const HOUR = 60 * 60 * 1000;

const party = didKeyIssuer;

const server = party(0x31);
const maker = party(0x41);
const stranger = party(0x51);

/** A store, and the same data opened again (as after a restart). */
type Opened = OpenedStore;
const implementations = storeImplementations();

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isDppError(err)) return err.code;
    throw err;
  }
  throw new Error('did not throw');
}

describe.each(implementations)('status lists on the %s store', (_name, open) => {
  let opened: Opened;
  let clock: { now: Date };
  let services: CredentialServices;
  let signs: number;
  let lists: StatusLists;

  const deps = (store: Store, extra: Partial<StatusListsDeps> = {}): StatusListsDeps => ({
    store,
    origin: ORIGIN,
    ownDid: server.did,
    random: (n) => new Uint8Array(randomBytes(n)),
    now: () => clock.now,
    sign: async (credential) => {
      signs++;
      return services.issuer.issue(credential, { signer: server.signer });
    },
    verifyCredential: (credential) => services.verifier.verifyCredential(credential),
    ...extra,
  });

  beforeEach(async () => {
    opened = await open();
    clock = { now: START };
    signs = 0;
    services = createCredentialServices({ resolver: createDidResolver(), now: () => clock.now, fetchStatusList: async (url) => lists.read(url) });
    lists = createStatusLists(deps(opened.store));
  });

  afterEach(async () => {
    await opened.store.close();
  });

  const indexOf = (entry: JsonObject) => Number(entry.statusListIndex);

  describe('allocation', () => {
    it('hands out random, distinct indexes within the list, persisted, as entries of the spec\'s shape', async () => {
      const singles: JsonObject[] = [];
      for (let i = 0; i < 500; i++) singles.push(...(await lists.allocate(maker.did, 'revocation')));
      const batches: JsonObject[] = [];
      for (let i = 0; i < 15; i++) batches.push(...(await lists.allocate(maker.did, 'revocation', 100)));
      const all = [...singles, ...batches];
      expect(all).toHaveLength(2000);
      const url = `${ORIGIN}/status/${issuerKey(maker.did)}/revocation-1`;
      expect(issuerKey(maker.did)).toMatch(/^[0-9a-f]{20}$/);
      for (const entry of all) {
        expect(entry).toEqual({ id: `${url}#${entry.statusListIndex}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: entry.statusListIndex, statusListCredential: url });
        expect(indexOf(entry)).toBeGreaterThanOrEqual(0);
        expect(indexOf(entry)).toBeLessThan(MIN_STATUS_LIST_BITS);
      }
      expect(new Set(all.map(indexOf)).size).toBe(2000);
      // Nothing about issue order: about half of consecutive allocations go down, and they spread over the list.
      const downs = singles.slice(1).filter((e, i) => indexOf(e) < indexOf(singles[i]!)).length;
      expect(downs).toBeGreaterThan(180);
      expect(downs).toBeLessThan(320);
      const indexes = all.map(indexOf);
      expect(Math.min(...indexes)).toBeLessThan(MIN_STATUS_LIST_BITS / 8);
      expect(Math.max(...indexes)).toBeGreaterThan((MIN_STATUS_LIST_BITS * 7) / 8);

      // After a restart the same indexes are still taken: a source whose draws count 0, 1, 2, … gets the first free ones.
      let counter = 0;
      const counting = (n: number) => {
        const bytes = new Uint8Array(n);
        for (let at = 0; at + 4 <= n; at += 4) new DataView(bytes.buffer).setUint32(at, counter++);
        return bytes;
      };
      const again = createStatusLists(deps(await opened.reopen(), { random: counting }));
      const taken = new Set(indexes);
      const expected = Array.from({ length: 2100 }, (_, i) => i).filter((i) => !taken.has(i)).slice(0, 100);
      expect((await again.allocate(maker.did, 'revocation', 100)).map(indexOf)).toEqual(expected);
    });

    it('never hands out one index twice to concurrent allocations', async () => {
      const results = await Promise.all(Array.from({ length: 100 }, () => lists.allocate(maker.did, 'suspension')));
      const indexes = results.flat().map(indexOf);
      expect(indexes).toHaveLength(100);
      expect(new Set(indexes).size).toBe(100);
      const mixed = await Promise.all([lists.allocate(maker.did, 'suspension', 50), lists.allocate(maker.did, 'suspension', 50), lists.allocate(server.did, 'suspension', 50)]);
      expect(new Set([...results.flat(), ...mixed[0], ...mixed[1]].map((e) => e.id)).size).toBe(200);
      expect(new Set(mixed[2].map(indexOf)).size).toBe(50);
    });

    it('fills small lists exactly under concurrency: 100 allocations over 64-entry lists are 32, 32, 32 and 4', async () => {
      const small = createStatusLists(deps(opened.store, { listEntries: 64 }));
      const entries = (await Promise.all(Array.from({ length: 100 }, () => small.allocate(maker.did, 'revocation')))).flat();
      expect(new Set(entries.map((e) => e.id)).size).toBe(100);
      const perList = new Map<string, number>();
      for (const e of entries) perList.set(String(e.statusListCredential).split('/').at(-1)!, (perList.get(String(e.statusListCredential).split('/').at(-1)!) ?? 0) + 1);
      expect(Object.fromEntries(perList)).toEqual({ 'revocation-1': 32, 'revocation-2': 32, 'revocation-3': 32, 'revocation-4': 4 });
      const restarted = createStatusLists(deps(await opened.reopen(), { listEntries: 64 }));
      const more = await restarted.allocate(maker.did, 'revocation', 28);
      expect(new Set(more.map((e) => String(e.statusListCredential).split('/').at(-1)))).toEqual(new Set(['revocation-4']));
      expect(new Set([...entries, ...more].map((e) => e.id)).size).toBe(128);
    });

    it('starts a new list when one is half allocated, also after a restart', async () => {
      const small = createStatusLists(deps(opened.store, { listEntries: 64 }));
      const first = await small.allocate(maker.did, 'revocation', 30);
      expect(new Set(first.map((e) => e.statusListCredential))).toEqual(new Set([`${ORIGIN}/status/${issuerKey(maker.did)}/revocation-1`]));
      const next = await small.allocate(maker.did, 'revocation', 5);
      expect(next.map((e) => String(e.statusListCredential).split('/').at(-1))).toEqual(['revocation-1', 'revocation-1', 'revocation-2', 'revocation-2', 'revocation-2']);
      const restarted = createStatusLists(deps(await opened.reopen(), { listEntries: 64 }));
      const later = await restarted.allocate(maker.did, 'revocation', 29);
      expect(new Set(later.map((e) => String(e.statusListCredential).split('/').at(-1)))).toEqual(new Set(['revocation-2']));
      expect((await restarted.allocate(maker.did, 'revocation'))[0]!.statusListCredential).toMatch(/revocation-3$/);
      const all = [...first, ...next, ...later].map((e) => e.id);
      expect(new Set(all).size).toBe(all.length);
      expect((await restarted.listsOf(maker.did)).map((l) => [l.purpose, l.sequence, l.entries, l.version])).toEqual([
        ['revocation', 1, 64, 0],
        ['revocation', 2, 64, 0],
        ['revocation', 3, 64, 0],
      ]);
      expect(await restarted.listsOf(stranger.did)).toEqual([]);
    });

    it('message entries have two bits and a message per value; bad requests are refused', async () => {
      const [entry] = await lists.allocate(maker.did, 'message');
      expect(entry).toMatchObject({ statusPurpose: 'message', statusSize: 2 });
      expect(entry!.statusMessage).toEqual(RECALL_STATUS_MESSAGES.map((message, value) => ({ status: `0x${value}`, message })));
      expect(await code(lists.allocate(maker.did, 'refresh' as StatusPurpose))).toBe('INVALID_INPUT');
      expect(await code(lists.allocate(maker.did, 'revocation', 0))).toBe('INVALID_INPUT');
      expect(await code(lists.allocate(maker.did, 'revocation', 10_001))).toBe('INVALID_INPUT');
      expect(await code(lists.allocate('not a did', 'revocation'))).toBe('INVALID_INPUT');
    });
  });

  describe('the server\'s own lists', () => {
    it('set → read shows it, signed by the server, valid for at most 24 h; a credential with that entry is revoked', async () => {
      const [entry] = await lists.allocate(server.did, 'revocation');
      const url = String(entry!.statusListCredential);
      const before = await lists.read(url);
      expect(before).toMatchObject({ id: url, issuer: server.did, type: ['VerifiableCredential', 'BitstringStatusListCredential'], validFrom: '2026-06-01T11:59:00Z' });
      expect(Date.parse(String(before!.validUntil)) - Date.parse(String(before!.validFrom))).toBeLessThanOrEqual(24 * HOUR);
      expect((await services.verifier.verifyCredential(before)).verified).toBe(true);

      const vc = await services.issuer.issue({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: 'urn:uuid:0b8d6f62-3c55-4f0e-8a55-5b2d3cfa9a01',
        type: ['VerifiableCredential'],
        issuer: server.did,
        credentialStatus: entry,
        credentialSubject: { id: 'did:example:owner' },
      }, { signer: server.signer });
      expect((await services.verifier.verifyCredential(vc)).verified).toBe(true);

      await lists.set(url, indexOf(entry!), 1);
      const after = await lists.read(url);
      expect(getStatus(decodeBitstring(String((after!.credentialSubject as JsonObject).encodedList)), indexOf(entry!))).toBe(1);
      expect((await services.verifier.verifyCredential(after)).verified).toBe(true);
      const report = await services.verifier.verifyCredential(vc);
      expect(report.verified).toBe(false);
      expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.code)).toEqual(['STATUS_REVOKED']);
      expect(await lists.version(url)).toBe(1);

      // Persisted: after a restart the list still shows it.
      const restarted = createStatusLists(deps(await opened.reopen()));
      const reread = await restarted.read(url);
      expect(getStatus(decodeBitstring(String((reread!.credentialSubject as JsonObject).encodedList)), indexOf(entry!))).toBe(1);
      expect(await restarted.version(url)).toBe(1);
    });

    it('is signed once and cached until it changes or half its validity has passed', async () => {
      const [entry] = await lists.allocate(server.did, 'message');
      const url = String(entry!.statusListCredential);
      const [a, b] = await Promise.all([lists.read(url), lists.read(url)]);
      expect(signs).toBe(1);
      expect(await lists.read(url)).toEqual(a);
      expect(b).toEqual(a);
      expect(signs).toBe(1);

      await lists.set(url, indexOf(entry!), RECALL_STATUS.open);
      const changed = await lists.read(url);
      expect(signs).toBe(2);
      expect(getStatus(decodeBitstring(String((changed!.credentialSubject as JsonObject).encodedList)), indexOf(entry!), 2)).toBe(RECALL_STATUS.open);
      expect(decodeBitstring(String((changed!.credentialSubject as JsonObject).encodedList))).toHaveLength((MIN_STATUS_LIST_BITS * 2) / 8);

      clock = { now: new Date(START.getTime() + 11 * HOUR) };
      expect(await lists.read(url)).toEqual(changed);
      clock = { now: new Date(START.getTime() + 13 * HOUR) };
      const resigned = await lists.read(url);
      expect(signs).toBe(3);
      expect(resigned!.validFrom).toBe('2026-06-02T00:59:00Z');
      expect(resigned!.validUntil).toBe('2026-06-03T00:59:00Z');
      expect((await services.verifier.verifyCredential(resigned)).verified).toBe(true);
      // A caller changing what it was given changes nothing here.
      (resigned!.credentialSubject as JsonObject).encodedList = 'tampered';
      expect((await lists.read(url))!.credentialSubject).not.toMatchObject({ encodedList: 'tampered' });
    });

    it('a prepared set changes nothing until its batch is written and committed', async () => {
      const [entry] = await lists.allocate(server.did, 'suspension');
      const url = String(entry!.statusListCredential);
      const index = indexOf(entry!);
      const valueOf = async (l: StatusLists) => getStatus(decodeBitstring(String(((await l.read(url))!.credentialSubject as JsonObject).encodedList)), index);

      const abandoned = await lists.prepareSet(url, index, 1);
      expect(abandoned.operations.length).toBeGreaterThan(0);
      expect(await valueOf(lists)).toBe(0);
      expect(await lists.version(url)).toBe(0);
      expect(await valueOf(createStatusLists(deps(opened.store)))).toBe(0);

      const prepared = await lists.prepareSet(url, index, 1);
      await opened.store.batch(prepared.operations);
      prepared.commit();
      expect(await valueOf(lists)).toBe(1);
      const version = await lists.version(url);
      expect(version).toBeGreaterThan(0);
      const cleared = await lists.prepareSet(url, index, 0);
      await opened.store.batch(cleared.operations);
      cleared.commit();
      cleared.commit();
      expect(await valueOf(lists)).toBe(0);
      expect(await lists.version(url)).toBeGreaterThan(version);
      expect(await valueOf(createStatusLists(deps(await opened.reopen())))).toBe(0);
    });

    it('refuses entries never allocated, values that do not fit, unknown lists and others\' lists', async () => {
      const [entry] = await lists.allocate(server.did, 'revocation');
      const url = String(entry!.statusListCredential);
      const free = (indexOf(entry!) + 1) % MIN_STATUS_LIST_BITS;
      expect(await code(lists.prepareSet(url, free, 1))).toBe('INVALID_INPUT');
      expect(await code(lists.prepareSet(url, indexOf(entry!), 2))).toBe('INVALID_INPUT');
      expect(await code(lists.prepareSet(url, MIN_STATUS_LIST_BITS, 1))).toBe('INVALID_INPUT');
      expect(await code(lists.prepareSet(`${ORIGIN}/status/${issuerKey(server.did)}/revocation-2`, 0, 1))).toBe('NOT_FOUND');
      expect(await code(lists.prepareSet('https://elsewhere.example/status/1', 0, 1))).toBe('NOT_FOUND');
      const [theirs] = await lists.allocate(maker.did, 'revocation');
      expect(await code(lists.prepareSet(String(theirs!.statusListCredential), indexOf(theirs!), 1))).toBe('POLICY_DENIED');
      expect(await code(lists.publish(url, {}, { actor: server.did }))).toBe('POLICY_DENIED');
      expect(await lists.read(`${ORIGIN}/status/${issuerKey(server.did)}/revocation-9`)).toBeUndefined();
    });
  });

  describe('external issuers\' lists', () => {
    const upload = (signer: ReturnType<typeof party>, url: string, purpose: StatusPurpose, bits: Uint8Array, change?: (c: JsonObject) => void) => {
      const unsigned = statusListCredential({ id: url, issuer: signer.did, purpose, bitstring: bits, validFrom: '2026-06-01T00:00:00Z' });
      change?.(unsigned);
      return services.issuer.issue(unsigned, { signer: signer.signer });
    };

    it('are read as their issuer last uploaded them, version by version', async () => {
      const [entry] = await lists.allocate(maker.did, 'message');
      const url = String(entry!.statusListCredential);
      expect(await lists.read(url)).toBeUndefined();
      expect(await lists.version(url)).toBe(0);

      const bits = createBitstring(MIN_STATUS_LIST_BITS * 2);
      const v1 = await upload(maker, url, 'message', bits);
      expect(await lists.publish(url, v1, { actor: maker.did, baseVersion: 0 })).toBe(1);
      expect(await lists.read(url)).toEqual(v1);

      setStatus(bits, indexOf(entry!), 2, RECALL_STATUS.open);
      const v2 = await upload(maker, url, 'message', bits);
      expect(await code(lists.publish(url, v2, { actor: maker.did, baseVersion: 0 }))).toBe('STATUS_LIST_CONFLICT');
      expect(await lists.read(url)).toEqual(v1);
      expect(await lists.publish(url, v2, { actor: maker.did, baseVersion: 1 })).toBe(2);
      expect(await lists.publish(url, v2, { actor: maker.did })).toBe(3);
      expect(await lists.version(url)).toBe(3);
      expect(await lists.read(url)).toEqual(v2);
      expect(await lists.listsOf(maker.did)).toEqual([{ url, issuer: maker.did, purpose: 'message', sequence: 1, entries: MIN_STATUS_LIST_BITS, statusSize: 2, own: false, version: 3 }]);

      // The holder's credential shows the recall through the uploaded list.
      const vc = await services.issuer.issue({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: 'urn:uuid:d7c1b7b3-52a4-4b8e-9c77-3a8e0c1f4d21',
        type: ['VerifiableCredential'],
        issuer: maker.did,
        credentialStatus: entry,
        credentialSubject: { id: 'did:example:unit' },
      }, { signer: maker.signer });
      const report = await services.verifier.verifyCredential(vc);
      expect(report.verified).toBe(true);
      expect(report.checks.find((c) => c.id === 'status')).toMatchObject({ status: 'warn', code: 'STATUS_MESSAGE', message: 'recall_open' });

      const restarted = createStatusLists(deps(await opened.reopen()));
      expect(await restarted.version(url)).toBe(3);
      expect(await restarted.read(url)).toEqual(v2);
    });

    it('refuses uploads by anyone but the list\'s issuer, and lists that are not that list', async () => {
      const [entry] = await lists.allocate(maker.did, 'revocation');
      const url = String(entry!.statusListCredential);
      const bits = createBitstring();
      expect(await code(lists.publish(url, await upload(stranger, url, 'revocation', bits), { actor: stranger.did }))).toBe('POLICY_DENIED');
      expect(await code(lists.publish(url, await upload(stranger, url, 'revocation', bits), { actor: maker.did }))).toBe('POLICY_DENIED');
      const unsigned = statusListCredential({ id: url, issuer: maker.did, purpose: 'revocation', bitstring: bits, validFrom: '2026-06-01T00:00:00Z' });
      expect(await code(lists.publish(url, unsigned, { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      const tampered = await upload(maker, url, 'revocation', bits);
      (tampered.credentialSubject as JsonObject).encodedList = encodeBitstring(createBitstring(MIN_STATUS_LIST_BITS * 2));
      expect(await code(lists.publish(url, tampered, { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      expect(await code(lists.publish(url, await upload(maker, `${url}0`, 'revocation', bits), { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      expect(await code(lists.publish(url, await upload(maker, url, 'suspension', bits), { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      const [message] = await lists.allocate(maker.did, 'message');
      const messageUrl = String(message!.statusListCredential);
      // 131,072 bits are only 65,536 two-bit entries.
      expect(await code(lists.publish(messageUrl, await upload(maker, messageUrl, 'message', bits), { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      const notAList = await services.issuer.issue({ '@context': ['https://www.w3.org/ns/credentials/v2'], id: url, type: ['VerifiableCredential'], issuer: maker.did, credentialSubject: { id: 'did:example:x' } }, { signer: maker.signer });
      expect(await code(lists.publish(url, notAList, { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      expect(await code(lists.publish(url, 'a vc+jwt', { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      const expired = await upload(maker, url, 'revocation', bits, (c) => void (c.validUntil = '2026-06-01T06:00:00Z'));
      expect(await code(lists.publish(url, expired, { actor: maker.did }))).toBe('STATUS_LIST_INVALID');
      expect(await code(lists.publish(url, await upload(maker, url, 'revocation', bits), { actor: maker.did, baseVersion: -1 }))).toBe('INVALID_INPUT');
      expect(await code(lists.publish(`${ORIGIN}/status/${issuerKey(maker.did)}/revocation-7`, {}, { actor: maker.did }))).toBe('NOT_FOUND');
      expect(await lists.version(url)).toBe(0);
      expect(await lists.read(url)).toBeUndefined();
    });

    it('serialises concurrent uploads on one version: one wins, the rest conflict', async () => {
      const [entry] = await lists.allocate(maker.did, 'suspension');
      const url = String(entry!.statusListCredential);
      const credential = await upload(maker, url, 'suspension', createBitstring());
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => lists.publish(url, credential, { actor: maker.did, baseVersion: 0 })));
      expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([1]);
      expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code: string }).code)).toEqual(Array(4).fill('STATUS_LIST_CONFLICT'));
    });
  });

  it('checks its options', () => {
    expect(() => createStatusLists(deps(opened.store, { origin: 'dpp.example' }))).toThrow(TypeError);
    expect(() => createStatusLists(deps(opened.store, { listEntries: 100 }))).toThrow(TypeError);
    expect(() => createStatusLists(deps(opened.store, { listValidityMs: 25 * HOUR }))).toThrow(TypeError);
    expect(() => createStatusLists({ ...deps(opened.store), sign: undefined as never })).toThrow(TypeError);
  });
});
