// Fuzz, parser half: mangled Digital Links either parse or throw our DigitalLinkError, never anything else; and
// whatever parses formats to a URI that parses to the same data. Seeded and reproducible (seed 20261124).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigitalLinkError, ERROR_CODES } from '../../src/errors.js';
import { PATH_SEQUENCES } from '../../src/gs1/ai.js';
import { compressDigitalLink, formatDigitalLink, parseDigitalLink, toElementString, type DigitalLink } from '../../src/gs1/index.js';
import { exampleValue } from './examples.js';

const DL_CODES = ERROR_CODES.filter((c) => c.startsWith('DL_'));
const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'.split('');

const stem = fc.constantFrom('https://id.gs1.org', 'http://example.com', 'HTTPS://a.example:8443/resolver', 'https://[2001:db8::1]/x/y', 'https://dpp.example/01/faux');
const cset82String = (max: number) => fc.array(fc.constantFrom(...CSET82), { minLength: 1, maxLength: max }).map((a) => a.join(''));
/** Free-text qualifiers get random CSET 82 values; the others a valid example of their format. */
const valueOf = (ai: string) => (['10', '21', '22', '254', '235'].includes(ai) ? cset82String(ai === '235' ? 28 : 20) : fc.constant(exampleValue(ai)));
const ATTRIBUTES = ['17', '11', '13', '15', '16', '3103', '3922', '3932', '98', '99', '91', '422', '7003', '8008', '4321', '01', '10', '8030', '7240'];

const validDigitalLink: fc.Arbitrary<string> = fc
  .record({
    stem,
    path: fc.constantFrom(...PATH_SEQUENCES).chain((sequence) => fc.tuple(...sequence.split(' ').map((ai) => valueOf(ai).map((value) => ({ ai, value }))))),
    attributes: fc.uniqueArray(fc.constantFrom(...ATTRIBUTES), { maxLength: 4 }).chain((ais) => fc.tuple(...ais.map((ai) => valueOf(ai).map((value) => ({ ai, value }))))),
    params: fc.dictionary(fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_ -]{0,8}$/), fc.constantFrom('linkType', 'context', '__proto__')), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
  })
  .map(({ stem, path: [primaryKey, ...qualifiers], attributes, params }) => {
    try {
      return formatDigitalLink({ stem, primaryKey: primaryKey!, qualifiers, attributes, params });
    } catch {
      return formatDigitalLink({ stem, primaryKey: primaryKey!, qualifiers, attributes: [], params });
    }
  });

/** Sometimes the compressed form, to exercise the decompressor. */
const seed: fc.Arbitrary<string> = fc.tuple(validDigitalLink, fc.nat(9)).map(([uri, n]) => (n < 2 ? compressDigitalLink(uri, { optimise: n === 1 }) : uri));

const position = fc.double({ min: 0, max: 1, noNaN: true });
const at = (s: string, p: number) => Math.floor(p * (s.length + 1));
const noise = fc.oneof(
  fc.constantFrom('/', '?', '&', '=', '#', '%', '+', ' ', '0', '1', '9', 'A', 'z', '-', '_', '.', '(', ')', '\\', '\0', '\u00e9', '\u{1F600}', '\u202e', '\ud800'),
  fc.string({ maxLength: 4 }),
  fc.stringMatching(/^%[0-9A-Fa-fG-Zg-z]{0,2}$/),
  fc.constantFrom('/01/', '/21/', '/10/', '/235/', '/8004/', '?10=', '&17=', '&linkType=', '%00', '%2F', '%C3%A9', '%FF', '//', '/01/09506000134352'),
);

type Mutation = (s: string) => string;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(position, noise).map(([p, text]): Mutation => (s) => s.slice(0, at(s, p)) + text + s.slice(at(s, p))),
  fc.tuple(position, fc.nat(6)).map(([p, n]): Mutation => (s) => s.slice(0, at(s, p)) + s.slice(at(s, p) + 1 + n)),
  fc.tuple(position, noise).map(([p, text]): Mutation => (s) => s.slice(0, at(s, p)) + text + s.slice(at(s, p) + 1)),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): Mutation => (s) => {
    const parts = s.split('/');
    if (parts.length < 5) return s;
    const a = 3 + (i % (parts.length - 3));
    const b = 3 + (j % (parts.length - 3));
    [parts[a], parts[b]] = [parts[b]!, parts[a]!];
    return parts.join('/');
  }),
  fc.nat().map((i): Mutation => (s) => {
    const parts = s.split(/(?=[/&?])/);
    const k = i % parts.length;
    return [...parts.slice(0, k + 1), parts[k]!, ...parts.slice(k + 1)].join('');
  }),
  fc.tuple(fc.oneof(fc.stringMatching(/^\d{1,5}$/), fc.string({ maxLength: 6 })), fc.string({ maxLength: 10 })).map(([name, value]): Mutation => (s) => `${s}${s.includes('?') ? '&' : '?'}${name}=${value}`),
  fc.tuple(position, fc.string({ unit: 'grapheme', maxLength: 3 })).map(([p, text]): Mutation => (s) => s.slice(0, at(s, p)) + text + s.slice(at(s, p))),
  position.map((p): Mutation => (s) => s.slice(0, at(s, p))),
  position.map((p): Mutation => (s) => s.toUpperCase().slice(0, at(s, p)) + s.slice(at(s, p))),
);

const mangled = fc.tuple(seed, fc.array(mutation, { maxLength: 4 })).map(([uri, mutations]) => mutations.reduce((s, m) => m(s), uri));

describe('parser fuzz', () => {
  it('parses or throws a DigitalLinkError; what parses round-trips through formatDigitalLink', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mangled, (uri) => {
        let dl: DigitalLink;
        try {
          dl = parseDigitalLink(uri);
        } catch (err) {
          if (!(err instanceof DigitalLinkError)) throw new Error(`${JSON.stringify(uri)} threw ${String(err)}`);
          expect(DL_CODES).toContain(err.code);
          expect(() => JSON.stringify(err)).not.toThrow();
          return;
        }
        accepted++;
        const formatted = formatDigitalLink(dl);
        const again = parseDigitalLink(formatted);
        expect(toElementString(again)).toBe(toElementString(dl));
        expect(again.params).toEqual(dl.params);
        expect(formatDigitalLink(again)).toBe(formatted);
      }),
      { seed: 20261124, numRuns: 10000 },
    );
    // The generator must keep producing valid links too, or the round trip proves little.
    expect(accepted).toBeGreaterThan(1000);
  }, 30_000);
});
