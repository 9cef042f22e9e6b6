// Multi-bit status entries (statusSize, statusMessage): bit layout, entries of the spec's shape, and the verifier reading values.
import { beforeAll, describe, expect, it } from 'vitest';
import { createDidResolver } from '../../src/did/resolver.js';
import { createCredentialServices, type CredentialServices } from '../../src/vc/services.js';
import type { Signer } from '../../src/vc/signer.js';
import {
  MIN_STATUS_LIST_BITS, createBitstring, getBit, getStatus, setBit, setStatus, statusEntry, statusListCredential,
} from '../../src/vc/status-list.js';
import { RECALL_STATUS, RECALL_STATUS_MESSAGES } from '../../src/ledger/status-lists.js';
import type { JsonObject } from '../../src/vc/credential.js';
import { didKeyIssuer } from '../helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const LIST = 'https://status.example/lists/message-1';

describe('getStatus and setStatus', () => {
  it('entry i of size s is bits i·s … i·s+s−1, most significant first', () => {
    const bits = createBitstring(MIN_STATUS_LIST_BITS * 2);
    setStatus(bits, 0, 2, 3);
    expect(bits[0]).toBe(0xc0);
    setStatus(bits, 1, 2, 1);
    expect(bits[0]).toBe(0xd0);
    setStatus(bits, 3, 2, 2);
    expect(bits[0]).toBe(0xd2);
    expect([0, 1, 2, 3].map((i) => getStatus(bits, i, 2))).toEqual([3, 1, 0, 2]);
    setStatus(bits, 0, 2, 0);
    expect(bits[0]).toBe(0x12);
    expect(getStatus(bits, 131_071, 2)).toBe(0);
  });

  it('an entry may straddle two bytes', () => {
    const bits = createBitstring();
    setStatus(bits, 2, 3, 0b101); // bits 6, 7, 8
    expect([bits[0], bits[1]]).toEqual([0x02, 0x80]);
    expect(getStatus(bits, 2, 3)).toBe(5);
    expect([getBit(bits, 6), getBit(bits, 7), getBit(bits, 8)]).toEqual([true, false, true]);
  });

  it('size 1 is the single bit', () => {
    const bits = createBitstring();
    setBit(bits, 94_567, true);
    expect(getStatus(bits, 94_567)).toBe(1);
    expect(getStatus(bits, 94_568, 1)).toBe(0);
    setStatus(bits, 94_567, 1, 0);
    expect(getBit(bits, 94_567)).toBe(false);
  });

  it('refuses sizes, indexes and values that do not fit', () => {
    const bits = createBitstring();
    expect(() => getStatus(bits, 0, 0)).toThrow(RangeError);
    expect(() => getStatus(bits, 0, 9)).toThrow(RangeError);
    expect(() => getStatus(bits, 0, 1.5)).toThrow(RangeError);
    expect(() => getStatus(bits, 65_536, 2)).toThrow(RangeError);
    expect(() => getStatus(bits, -1, 2)).toThrow(RangeError);
    expect(() => setStatus(bits, 0, 2, 4)).toThrow(RangeError);
    expect(() => setStatus(bits, 0, 2, -1)).toThrow(RangeError);
    expect(() => setStatus(bits, 65_536, 2, 1)).toThrow(RangeError);
    expect(bits.every((b) => b === 0)).toBe(true);
  });
});

describe('statusEntry with statusSize and statusMessage', () => {
  it('has the spec example\'s shape, one message per value', () => {
    expect(statusEntry(LIST, 'message', 492_847, { size: 2, messages: RECALL_STATUS_MESSAGES })).toEqual({
      id: `${LIST}#492847`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'message',
      statusListIndex: '492847',
      statusSize: 2,
      statusListCredential: LIST,
      statusMessage: [
        { status: '0x0', message: 'none' },
        { status: '0x1', message: 'recall_open' },
        { status: '0x2', message: 'recall_remedied' },
        { status: '0x3', message: 'undefined' },
      ],
    });
  });

  it('a one-bit entry is unchanged, and a wider one needs a message per value', () => {
    expect(statusEntry(LIST, 'revocation', 7)).toEqual({ id: `${LIST}#7`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: LIST });
    expect(() => statusEntry(LIST, 'message', 1, { size: 2 })).toThrow(TypeError);
    expect(() => statusEntry(LIST, 'message', 1, { size: 2, messages: ['a', 'b', 'c'] })).toThrow(TypeError);
    expect(() => statusEntry(LIST, 'message', 1, { size: 9, messages: [] })).toThrow(RangeError);
  });
});

describe('the verifier reads multi-bit message entries', () => {
  let did: string;
  let signer: Signer;
  let services: CredentialServices;
  const lists = new Map<string, unknown>();

  beforeAll(() => {
    ({ did, signer } = didKeyIssuer(0x21));
    services = createCredentialServices({
      resolver: createDidResolver(),
      now: () => NOW,
      fetchStatusList: async (url) => {
        const list = lists.get(url);
        if (!list) throw new Error(`no status list at ${url}`);
        return list;
      },
    });
  });

  const publish = async (bits: Uint8Array, purpose: 'message' | 'revocation' = 'message') =>
    lists.set(LIST, await services.issuer.issue(statusListCredential({ id: LIST, issuer: did, purpose, bitstring: bits, validFrom: '2026-05-01T00:00:00Z' }), { signer }));
  const issueWith = (credentialStatus: JsonObject) =>
    services.issuer.issue({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'urn:uuid:7d7c8a0e-6f0b-4f7e-9a39-0f3e7f1c2b11',
      type: ['VerifiableCredential'],
      issuer: did,
      validFrom: '2026-05-01T00:00:00Z',
      credentialStatus,
      credentialSubject: { id: 'did:example:unit' },
    }, { signer });
  const statusChecks = async (vc: unknown) => (await services.verifier.verifyCredential(vc)).checks.filter((c) => c.id === 'status');

  it('none is a pass, an open recall and a remedied one are warnings with their message', async () => {
    const index = 94_567;
    const vc = await issueWith(statusEntry(LIST, 'message', index, { size: 2, messages: RECALL_STATUS_MESSAGES }));
    const bits = createBitstring(MIN_STATUS_LIST_BITS * 2);
    setStatus(bits, index - 1, 2, 3);
    setStatus(bits, index + 1, 2, 3);
    await publish(bits);
    let report = await services.verifier.verifyCredential(vc);
    expect(report.verified).toBe(true);
    let [check] = report.checks.filter((c) => c.id === 'status');
    expect(check).toMatchObject({ status: 'pass', evidence: { status: '0x0', message: 'none', statusSize: 2 } });

    setStatus(bits, index, 2, RECALL_STATUS.open);
    await publish(bits);
    report = await services.verifier.verifyCredential(vc);
    expect(report.verified).toBe(true);
    [check] = report.checks.filter((c) => c.id === 'status');
    expect(check).toMatchObject({ status: 'warn', code: 'STATUS_MESSAGE', message: 'recall_open', evidence: { status: '0x1', message: 'recall_open' } });

    setStatus(bits, index, 2, RECALL_STATUS.remedied);
    await publish(bits);
    [check] = await statusChecks(vc);
    expect(check).toMatchObject({ status: 'warn', code: 'STATUS_MESSAGE', message: 'recall_remedied', evidence: { status: '0x2' } });
  });

  it('a one-bit message entry without statusMessage says set', async () => {
    const vc = await issueWith(statusEntry(LIST, 'message', 5));
    const bits = createBitstring();
    setBit(bits, 5, true);
    await publish(bits);
    const [check] = await statusChecks(vc);
    expect(check).toMatchObject({ status: 'warn', code: 'STATUS_MESSAGE', message: 'set', evidence: { status: '0x1' } });
  });

  it('a two-bit revocation entry is revoked by any value but 0', async () => {
    const vc = await issueWith(statusEntry(LIST, 'revocation', 9, { size: 2, messages: ['valid', 'revoked', 'undefined', 'undefined'] }));
    const bits = createBitstring(MIN_STATUS_LIST_BITS * 2);
    await publish(bits, 'revocation');
    expect((await services.verifier.verifyCredential(vc)).verified).toBe(true);
    setStatus(bits, 9, 2, 1);
    await publish(bits, 'revocation');
    const report = await services.verifier.verifyCredential(vc);
    expect(report.verified).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.code)).toEqual(['STATUS_REVOKED']);
  });

  it('refuses a bad statusSize or statusMessage without fetching the list', async () => {
    const entry = statusEntry(LIST, 'message', 3, { size: 2, messages: RECALL_STATUS_MESSAGES });
    const cases: JsonObject[] = [
      { ...entry, statusSize: 0 },
      { ...entry, statusSize: 9 },
      { ...entry, statusSize: 1.5 },
      { ...entry, statusSize: '2' },
      { ...entry, statusSize: -1 },
      { ...entry, statusMessage: undefined },
      { ...entry, statusMessage: (entry.statusMessage as unknown[]).slice(0, 3) },
      { ...entry, statusMessage: [{ status: '0x0', message: 'a' }, { status: '0x0', message: 'b' }, { status: '0x2', message: 'c' }, { status: '0x3', message: 'd' }] },
      { ...entry, statusMessage: [{ status: '0', message: 'a' }, { status: '0x1', message: 'b' }, { status: '0x2', message: 'c' }, { status: '0x3', message: 'd' }] },
      { ...entry, statusListIndex: 3 },
      { ...entry, statusListIndex: '-3' },
    ];
    let fetched = 0;
    const strict = createCredentialServices({ resolver: createDidResolver(), now: () => NOW, fetchStatusList: async () => void fetched++ });
    for (const credentialStatus of cases) {
      const checks = await strict.verifier.checkStatus({ issuer: did, credentialStatus });
      expect(checks, JSON.stringify(credentialStatus)).toEqual([expect.objectContaining({ status: 'fail', code: 'STATUS_LIST_INVALID' })]);
    }
    expect(fetched).toBe(0);
  });

  it('refuses an index beyond the list and a list with fewer than 131,072 entries of that size', async () => {
    const beyond = await issueWith(statusEntry(LIST, 'message', MIN_STATUS_LIST_BITS, { size: 2, messages: RECALL_STATUS_MESSAGES }));
    await publish(createBitstring(MIN_STATUS_LIST_BITS * 2));
    expect(await statusChecks(beyond)).toEqual([expect.objectContaining({ status: 'fail', code: 'STATUS_LIST_INVALID', evidence: expect.objectContaining({ entries: MIN_STATUS_LIST_BITS }) })]);

    const short = await issueWith(statusEntry(LIST, 'message', 1, { size: 2, messages: RECALL_STATUS_MESSAGES }));
    await publish(createBitstring(MIN_STATUS_LIST_BITS)); // 65,536 two-bit entries
    expect(await statusChecks(short)).toEqual([expect.objectContaining({ status: 'fail', code: 'STATUS_LIST_INVALID', evidence: expect.objectContaining({ entries: 65_536 }) })]);
  });
});
