// The GS1-Conformant resolver over real HTTP on loopback, against the seeded demo unit.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.js';
import { decodeQrPng } from '../helpers.js';
import { compressDigitalLink } from '../../src/gs1/index.js';

const LINKSET_SCHEMA = new URL('../../../shared/conformance/gs1-linkset/gs1-linkset-schema.json', import.meta.url);
let dir: string;
let origin: string;
let unitPath: string;
let running: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-resolver-'));
  const lines: string[] = [];
  running = await serve({ port: 0, host: '127.0.0.1', data: dir, token: 'resolver-test-token-0123', demo: true }, (l) => lines.push(l));
  origin = `http://127.0.0.1:${(running.server.address() as { port: number }).port}`;
  unitPath = new URL(/Digital Link: (\S+)/.exec(lines.join('\n'))![1]!).pathname;
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetch(origin + path, { method, headers, redirect: 'manual' });

describe('redirects', () => {
  it('307s to the passport page by default, with the linkset Link header, CORS and Vary', async () => {
    const res = await get(unitPath);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`${origin}/passport${unitPath}`);
    expect(res.headers.get('link')).toBe(`<${origin}${unitPath}?linkType=linkset>; rel="linkset"; type="application/linkset+json"`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('vary')).toMatch(/Accept-Language/);
    const page = await fetch(res.headers.get('location')!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('AeroTherm 9');
  });

  it('307s to the passport credential for gs1:dpp, its full URI and the untp:dpp alias; the credential negotiates its form', async () => {
    const targets = new Set<string>();
    for (const linkType of ['gs1:dpp', 'https://gs1.org/voc/dpp', 'untp:dpp']) {
      const res = await get(`${unitPath}?linkType=${encodeURIComponent(linkType)}`);
      expect(res.status, linkType).toBe(307);
      targets.add(res.headers.get('location')!);
    }
    expect(targets.size).toBe(1);
    const [target] = [...targets];
    expect((await (await fetch(target!)).json()).type).toContain('DigitalProductPassport');
    expect((await (await fetch(target!, { headers: { accept: 'application/vc+jwt' } })).text()).split('.')).toHaveLength(3);
  });

  it('follows every link type it publishes to something that answers 200', async () => {
    const { linkset } = await (await get(`${unitPath}?linkType=linkset`)).json();
    for (const [rel, links] of Object.entries(linkset[0]).filter(([k]) => k.startsWith('https://'))) {
      for (const link of links as { href: string }[]) expect((await fetch(link.href)).status, `${rel} → ${link.href}`).toBe(200);
    }
    // The demo's batch is under an open recall: the unit's recall status lists the batch's notices.
    const batchPath = unitPath.replace(/\/21\/[^/]+$/, '');
    const { events: batchEvents } = await (await get(`/ledger/events?subject=${encodeURIComponent(origin + batchPath)}`)).json();
    const noticeIds = batchEvents.filter((e: { type: string }) => e.type === 'RecallNoticeCredential').map((e: { id: string }) => e.id);
    expect(noticeIds.length).toBeGreaterThan(0);
    const recall = await (await fetch((await get(`${unitPath}?linkType=gs1:recallStatus`)).headers.get('location')!)).json();
    expect(recall).toMatchObject({ subject: origin + unitPath, recalled: true });
    expect(recall.notices.map((n: { id: string }) => n.id)).toEqual(noticeIds);
    for (const notice of recall.notices as { id: string; href: string }[]) {
      const credential = await (await fetch(notice.href)).json();
      expect(credential).toMatchObject({ id: notice.id, credentialSubject: { id: expect.stringContaining('/10/B2026-11') } });
      expect(credential.type).toContain('RecallNoticeCredential');
    }
    const parts = await (await fetch((await get(`${unitPath}?linkType=gs1:purchaseSuppliesOrAccessories`)).headers.get('location')!)).json();
    expect(parts.spareParts.map((p: { gtin: string }) => p.gtin)).toEqual(['09506000134369', '09506000134376']);
    const claims = await (await fetch((await get(`${unitPath}?linkType=gs1:certificationInfo`)).headers.get('location')!)).json();
    expect(claims.claims[0]).toMatchObject({ conformance: true, assertedBy: expect.stringMatching(/^did:web:/) });
    const rels = Object.keys(linkset[0]).filter((k) => k.startsWith('https://'));
    for (const type of ['dpp', 'pip', 'defaultLink', 'sustainabilityInfo', 'certificationInfo', 'serviceInfo', 'registerProduct', 'recallStatus', 'reportFound', 'purchaseSuppliesOrAccessories']) {
      expect(rels).toContain(`https://gs1.org/voc/${type}`);
    }
    expect(rels).toEqual(expect.arrayContaining(['https://test.uncefact.org/vocabulary/linkTypes/dpp', 'https://dppledger.org/voc/eventChain']));
  });

  it('passes the query through, less linkType', async () => {
    const res = await get(`${unitPath}?linkType=gs1:dpp&17=271231&campaign=spring`);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('17')).toBe('271231');
    expect(location.searchParams.get('campaign')).toBe('spring');
    expect(location.searchParams.has('linkType')).toBe(false);
  });

  it('answers 404 with a JSON error for a link type the unit lacks, and for an unknown unit', async () => {
    const missing = await get(`${unitPath}?linkType=gs1:masterData`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(missing.headers.get('link')).toContain('rel="linkset"');
    const unknown = await get('/01/09506000134369/21/NOPE');
    expect(unknown.status).toBe(404);
  });

  it('resolves a compressed Digital Link, exposing the uncompressed one as owl:sameAs', async () => {
    const compressed = new URL(compressDigitalLink(origin + unitPath)).pathname;
    expect(compressed).not.toContain('/01/');
    const res = await get(compressed);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`${origin}/passport${unitPath}`);
    expect(res.headers.get('link')).toContain(`<${origin}${unitPath}>; rel="owl:sameAs"`);
  });

  it('tolerates a trailing slash; HEAD and OPTIONS work', async () => {
    expect((await get(unitPath + '/')).status).toBe(307);
    const head = await get(unitPath, {}, 'HEAD');
    expect(head.status).toBe(307);
    expect(await head.text()).toBe('');
    const options = await get(unitPath, {}, 'OPTIONS');
    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-methods')).toContain('GET');
  });
});

describe('the linkset', () => {
  it('is served for linkType=linkset, linkType=all and Accept: application/linkset+json, and validates against the GS1 schema', async () => {
    const bodies = [];
    for (const res of [await get(`${unitPath}?linkType=linkset`), await get(`${unitPath}?linkType=all`), await get(unitPath, { accept: 'application/linkset+json' })]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/linkset\+json/);
      bodies.push(await res.json());
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    const [body] = bodies;
    expect(body.linkset[0].anchor).toBe(origin + unitPath);
    for (const links of Object.entries(body.linkset[0]).filter(([k]) => k !== 'anchor' && k !== 'itemDescription').map(([, v]) => v as { title: string }[])) {
      for (const link of links) expect(link.title).toBeTruthy();
    }
    if (existsSync(LINKSET_SCHEMA)) {
      const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(LINKSET_SCHEMA, 'utf8')));
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

describe('bad input', () => {
  it('is 400 with the offending part for a syntactically invalid Digital Link, never 200', async () => {
    const res = await get('/01/09506000134353/21/HP-000123');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'DL_CHECK_DIGIT' });
    expect((await get('/01/9506000134352')).status).toBe(400);
    expect((await get(`${unitPath}?linkType=${encodeURIComponent('not a link type')}`)).status).toBe(400);
  });

  it('never answers 5xx to 10,000 mangled Digital Links (seeded)', { timeout: 120_000 }, async () => {
    const segment = fc.oneof(fc.constantFrom('01', '10', '21', '22', '235', '414', '254', '00', '8006', '17', '3103', '99'), fc.string({ maxLength: 20 }), fc.stringMatching(/^[0-9]{1,18}$/));
    const path = fc.array(segment, { minLength: 1, maxLength: 8 }).map((parts) => '/' + parts.map((p) => encodeURIComponent(p)).join('/'));
    const query = fc.option(fc.array(fc.tuple(fc.constantFrom('linkType', 'context', '17', '10', '21', 'x', '3103'), fc.string({ maxLength: 12 })), { maxLength: 3 }), { nil: undefined });
    const samples = fc.sample(fc.tuple(path, query), { seed: 20261124, numRuns: 10_000 });
    const statuses = new Map<number, number>();
    for (let i = 0; i < samples.length; i += 50) {
      const batch = samples.slice(i, i + 50).map(async ([p, q]) => {
        const qs = q?.length ? '?' + q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '';
        const res = await get(p + qs);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${res.status} for ${p}${qs}`);
      });
      await Promise.all(batch);
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});

describe('resolver description and QR codes', () => {
  it('describes itself at /.well-known/gs1resolver', async () => {
    const description = await (await get('/.well-known/gs1resolver')).json();
    expect(description.resolverRoot).toBe(origin);
    expect(description.supportedPrimaryKeys).toEqual(expect.arrayContaining(['01', '8006', '8010', '414', '417', '8004', '00', '8013']));
    expect(description.supportedLinkType.map((t: { prefix: string }) => t.prefix)).toEqual(['gs1:', 'untp:', 'dpp:']);
  });

  it('serves a PNG QR code that an independent decoder reads back as the Digital Link', async () => {
    const res = await get(`/qr${unitPath}?format=png`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(decodeQrPng(Buffer.from(await res.arrayBuffer()))).toBe(origin + unitPath);
    const svg = await (await get(`/qr${unitPath}`)).text();
    expect(svg).toMatch(/^<svg/);
  });
});
