// Subjects by level, the links derived from them, and choosing one link as the resolver standard says.
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createSubjectRegistry, levelsOf } from '../../src/ledger/subjects.js';
import { chooseLink, linkset, linksOf, type SubjectLinks } from '../../src/ledger/links.js';
import { expandLinkType, LINK_TYPES } from '../../src/ledger/link-types.js';
import { parseDigitalLink } from '../../src/gs1/index.js';
import { recordSubject } from '../helpers.js';

const ORIGIN = 'https://dpp.example';
const LINKSET_SCHEMA = new URL('../../../shared/conformance/gs1-linkset/gs1-linkset-schema.json', import.meta.url);

describe('levels', () => {
  it('names a serialised unit without its lot, then its batch, then its product', () => {
    const levels = levelsOf(parseDigitalLink('https://id.gs1.org/01/09506000134352/10/B1/21/S1'));
    expect(levels.map((l) => [l.level, l.key])).toEqual([
      ['item', '(01)09506000134352(21)S1'],
      ['batch', '(01)09506000134352(10)B1'],
      ['product', '(01)09506000134352'],
    ]);
  });

  it('resolves a unit asked for without its lot to all three levels, anchored where they were recorded', async () => {
    const store = createMemoryStore();
    const subjects = createSubjectRegistry(store);
    const record = (uri: string, id: string, type: string) => recordSubject(store, subjects, uri, { id, type, name: `thing ${id}` });
    await record('https://id.gs1.org/01/09506000134352/10/B1/21/S1', 'urn:1', 'DigitalProductPassport');
    await record('https://id.gs1.org/01/09506000134352/10/B1', 'urn:2', 'MaterialCompositionCredential');
    await record('https://id.gs1.org/01/09506000134352', 'urn:3', 'MaterialCompositionCredential');
    const records = await subjects.resolve(parseDigitalLink('https://x.example/01/09506000134352/21/S1'));
    expect(records.map((r) => r.path)).toEqual(['/01/09506000134352/10/B1/21/S1', '/01/09506000134352/10/B1', '/01/09506000134352']);
    const body = linkset(records.map((r) => linksOf(r, ORIGIN)));
    expect(body.linkset.map((l) => l.anchor)).toEqual(records.map((r) => ORIGIN + r.path));
    expect(body.linkset[0]![LINK_TYPES.dpp]).toHaveLength(1);
    expect(body.linkset[0]![LINK_TYPES.untpDpp]).toEqual(body.linkset[0]![LINK_TYPES.dpp]);
    if (existsSync(LINKSET_SCHEMA)) {
      const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(LINKSET_SCHEMA, 'utf8')));
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    }
    // The most specific level with the link type wins: the batch's composition, not the product's.
    const choice = chooseLink(body.linkset.length ? records.map((r) => linksOf(r, ORIGIN)) : [], LINK_TYPES.sustainabilityInfo, { languages: [], mediaTypes: [] });
    expect(choice).toMatchObject({ kind: 'one', link: { href: `${ORIGIN}/credentials/urn%3A2` } });
  });
});

describe('choosing a link', () => {
  const level = (links: { href: string; hreflang?: string[]; context?: string[]; type?: string }[]): SubjectLinks => ({
    anchor: ORIGIN,
    itemDescription: 'x',
    links: new Map([[LINK_TYPES.pip, links.map((l) => ({ title: l.href, ...l }))]]),
  });
  const levels = [level([
    { href: 'https://a/en', hreflang: ['en'], type: 'text/html' },
    { href: 'https://a/de', hreflang: ['de'], type: 'text/html' },
    { href: 'https://a/de-ch', hreflang: ['de'], context: ['CH'], type: 'text/html' },
    { href: 'https://a/en.json', hreflang: ['en'], type: 'application/json' },
  ])];

  it('by Accept-Language, then context, then media type', () => {
    expect(chooseLink(levels, LINK_TYPES.pip, { languages: ['de-ch', 'de'], context: 'CH', mediaTypes: [] })).toMatchObject({ kind: 'one', link: { href: 'https://a/de-ch' } });
    expect(chooseLink(levels, LINK_TYPES.pip, { languages: ['fr', 'en'], mediaTypes: ['application/json'] })).toMatchObject({ kind: 'one', link: { href: 'https://a/en.json' } });
    expect(chooseLink(levels, LINK_TYPES.pip, { languages: ['en'], mediaTypes: ['text/html'] })).toMatchObject({ kind: 'one', link: { href: 'https://a/en' } });
  });

  it('leaves real ties to the caller (300), and reports none', () => {
    const tie = chooseLink(levels, LINK_TYPES.pip, { languages: ['de'], mediaTypes: [] });
    expect(tie).toMatchObject({ kind: 'many' });
    expect(chooseLink(levels, LINK_TYPES.dpp, { languages: [], mediaTypes: [] })).toEqual({ kind: 'none' });
  });

  it('expands link types: CURIEs of known namespaces and full URIs', () => {
    expect(expandLinkType('gs1:dpp')).toBe('https://gs1.org/voc/dpp');
    expect(expandLinkType('http://gs1.org/voc/pip')).toBe('https://gs1.org/voc/pip');
    expect(expandLinkType('untp:dpp')).toBe(LINK_TYPES.untpDpp);
    expect(() => expandLinkType('nope:x')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
