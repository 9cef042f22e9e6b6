// GS1 Digital Link: each rule of the URI syntax and each DL_* error code with its evidence, formatting, element strings.
import { describe, expect, it } from 'vitest';
import { DigitalLinkError } from '../../src/errors.js';
import {
  PRIMARY_KEYS, aiInfo, canonicalDigitalLink, checkCharacterPair, checkDigit, formatDigitalLink, fromElementString, isValidCheckDigit,
  parseDigitalLink, parseElementString, toElementString, toUnbracketedElementString, type DigitalLink,
} from '../../src/gs1/index.js';

const DEMO = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123';

/** The DigitalLinkError `run` throws (failing the test if it throws nothing or something else). */
function rejection(run: () => unknown): DigitalLinkError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DigitalLinkError);
    return err as DigitalLinkError;
  }
  throw new Error('expected a DigitalLinkError');
}

describe('the demo unit', () => {
  it('parses GTIN 09506000134352 with batch and serial', () => {
    expect(parseDigitalLink(DEMO)).toEqual({
      stem: 'https://id.gs1.org',
      primaryKey: { ai: '01', value: '09506000134352' },
      qualifiers: [{ ai: '10', value: 'B2026-11' }, { ai: '21', value: 'HP-000123' }],
      attributes: [],
      params: {},
    });
  });

  it('formats back to the same URI, on any stem', () => {
    const dl = parseDigitalLink(DEMO);
    expect(formatDigitalLink(dl)).toBe(DEMO);
    expect(formatDigitalLink(dl, { stem: 'https://dpp.example.com/' })).toBe('https://dpp.example.com/01/09506000134352/10/B2026-11/21/HP-000123');
    expect(canonicalDigitalLink('https://brand.example/resolver/01/09506000134352/10/B2026-11/21/HP-000123')).toBe(DEMO);
  });

  it('has the element strings (01)…(10)…(21)…', () => {
    const dl = parseDigitalLink(DEMO);
    expect(toElementString(dl)).toBe('(01)09506000134352(10)B2026-11(21)HP-000123');
    expect(toUnbracketedElementString(dl)).toBe('^0109506000134352' + '10B2026-11^21HP-000123');
    expect(fromElementString('(21)HP-000123(10)B2026-11(01)09506000134352')).toEqual(parseDigitalLink(DEMO));
  });
});

describe('check digits', () => {
  it('computes and verifies GS1 mod-10 check digits', () => {
    expect(checkDigit('0950600013435')).toBe('2');
    expect(checkDigit('952012345678912345'.slice(0, 17))).toBe('5');
    expect(isValidCheckDigit('09506000134352')).toBe(true);
    expect(isValidCheckDigit('09506000134353')).toBe(false);
    expect(isValidCheckDigit('12345')).toBe(false);
    expect(() => checkDigit('12a')).toThrow(TypeError);
  });

  it('computes the alphanumeric check character pair (GMN, AI 8013)', () => {
    expect(checkCharacterPair('1987654Ad4X4bL5ttr2310c')).toBe('2K');
    expect(checkCharacterPair('')).toBe('22');
  });

  it('rejects a wrong check digit with DL_CHECK_DIGIT naming the key', () => {
    const err = rejection(() => parseDigitalLink('https://id.gs1.org/01/09506000134353'));
    expect(err.code).toBe('DL_CHECK_DIGIT');
    expect(err.evidence).toMatchObject({ ai: '01', value: '09506000134353', segment: '09506000134353', position: 22, linter: 'csum' });
  });

  it('checks every key with a check digit: SSCC, GLN, GSRN, GDTI, ITIP', () => {
    for (const uri of ['https://a/00/106141411234567890', 'https://a/414/9520123456789', 'https://a/8018/123456789012345670', 'https://a/253/1231231231233', 'https://a/8006/123123123123340102']) {
      expect(rejection(() => parseDigitalLink(uri)).code, uri).toBe('DL_CHECK_DIGIT');
    }
  });

  it('checks the check character pair of a GMN', () => {
    expect(parseDigitalLink('https://a/8013/1987654Ad4X4bL5ttr2310c2K').primaryKey.value).toBe('1987654Ad4X4bL5ttr2310c2K');
    expect(rejection(() => parseDigitalLink('https://a/8013/1987654Ad4X4bL5ttr2310cXK')).evidence).toMatchObject({ ai: '8013', reason: 'INCORRECT_CHECK_PAIR' });
  });
});

describe('primary keys and key qualifiers', () => {
  it('knows the primary keys of the AI table', () => {
    for (const key of ['00', '01', '253', '255', '401', '402', '414', '417', '8003', '8004', '8006', '8010', '8013', '8017', '8018']) expect(PRIMARY_KEYS).toContain(key);
    expect(PRIMARY_KEYS).not.toContain('21');
    expect(aiInfo('01')).toMatchObject({ title: 'GTIN', format: 'N14,csum,gcppos2', primaryKey: true, qualifierSequences: [['22', '10', '21'], ['235']], predefinedLength: true });
    expect(aiInfo('21')).toMatchObject({ qualifier: true, dataAttribute: false, primaryKey: false, maxLength: 20 });
    expect(aiInfo('17')).toMatchObject({ dataAttribute: true, linters: ['yymmd0'] });
    expect(aiInfo('89')).toBeUndefined();
  });

  it('takes 01 qualifiers 22, 10, 21 in that order, or 235 alone', () => {
    expect(parseDigitalLink('https://a/01/09506000134352/22/V1/10/B1/21/S1').qualifiers.map((q) => q.ai)).toEqual(['22', '10', '21']);
    expect(parseDigitalLink('https://a/01/09506000134352/235/TPX1').qualifiers).toEqual([{ ai: '235', value: 'TPX1' }]);
    const err = rejection(() => parseDigitalLink('https://a/01/09506000134352/21/S1/10/B1'));
    expect(err.code).toBe('DL_INVALID_PATH');
    expect(err.evidence).toMatchObject({ primaryKey: '01', path: ['01', '21', '10'], allowed: ['22,10,21', '235'], ai: '10', segment: 'B1' });
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352/10/B1/235/TPX1')).code).toBe('DL_INVALID_PATH');
  });

  it('takes 414 with 254 or 7040, 8010 with 8011, 8017/8018 with 8019', () => {
    expect(parseDigitalLink('https://a/414/9520123456788/254/32a%2Fb').qualifiers).toEqual([{ ai: '254', value: '32a/b' }]);
    expect(parseDigitalLink('https://a/414/9520123456788/7040/1ABC').qualifiers).toEqual([{ ai: '7040', value: '1ABC' }]);
    expect(rejection(() => parseDigitalLink('https://a/414/9520123456788/254/X/7040/1ABC')).code).toBe('DL_INVALID_PATH');
    expect(parseDigitalLink('https://a/8010/9506ABC/8011/123').qualifiers).toEqual([{ ai: '8011', value: '123' }]);
    expect(parseDigitalLink('https://a/8018/123456789012345675/8019/123').qualifiers).toEqual([{ ai: '8019', value: '123' }]);
  });

  it('rejects qualifiers on a key that takes none', () => {
    expect(rejection(() => parseDigitalLink('https://a/00/106141411234567892/21/X')).code).toBe('DL_INVALID_PATH');
  });

  it('finds the right-most primary key after any path prefix', () => {
    const dl = parseDigitalLink('https://a.example:8443/some/prefix/01/09506000134352/21/X');
    expect(dl.stem).toBe('https://a.example:8443/some/prefix');
    expect(parseDigitalLink('https://a/00/faux/00/006141411234567890').stem).toBe('https://a/00/faux');
  });

  it('rejects a URI without a primary key, with DL_INVALID', () => {
    for (const uri of ['', 'ftp://a/01/09506000134352', 'https://', 'https://a', 'https://a/', 'https://a/b/c', 'https://a/gtin/09506000134352', 'HtTp://a/01/09506000134352', 'https://a/01/09506000134352/']) {
      expect(rejection(() => parseDigitalLink(uri)).code, uri).toBe('DL_INVALID');
    }
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352 ')).evidence).toMatchObject({ position: 27, character: ' ' });
  });
});

describe('values', () => {
  it('rejects GTIN-8, -12 and -13 not padded to 14 digits, naming the padded form', () => {
    for (const gtin of ['95060001', '950600013435', '9506000134352']) {
      const err = rejection(() => parseDigitalLink(`https://id.gs1.org/01/${gtin}`));
      expect(err.code).toBe('DL_KEY_NOT_PADDED');
      expect(err.evidence).toMatchObject({ ai: '01', value: gtin, expected: gtin.padStart(14, '0'), position: 22 });
    }
    expect(rejection(() => parseDigitalLink('https://a/8004/9520614141234567?01=9506000134352')).code).toBe('DL_KEY_NOT_PADDED');
  });

  it('checks lengths and character sets with DL_INVALID_VALUE', () => {
    const tooLong = rejection(() => parseDigitalLink('https://a/01/09506000134352/21/123456789012345678901'));
    expect(tooLong.code).toBe('DL_INVALID_VALUE');
    expect(tooLong.evidence).toMatchObject({ ai: '21', reason: 'too long' });
    const space = rejection(() => parseDigitalLink('https://a/01/09506000134352/21/A%20B'));
    expect(space.evidence).toMatchObject({ ai: '21', value: 'A B', reason: 'INVALID_CSET82_CHARACTER', offset: 1 });
    expect(rejection(() => parseDigitalLink('https://a/01/0950600013435X')).evidence).toMatchObject({ reason: 'NON_DIGIT_CHARACTER' });
    expect(rejection(() => parseDigitalLink('https://a/8010/95_6')).evidence).toMatchObject({ reason: 'INVALID_CSET39_CHARACTER' });
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352/10/')).evidence).toMatchObject({ ai: '10', reason: 'empty' });
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352/10/A%00B')).evidence).toMatchObject({ ai: '10', reason: 'null character' });
  });

  it('checks dates, countries, currencies and other linters of data attributes', () => {
    const ok = 'https://a/01/09506000134352?17=261130&11=260100&422=276&3912=978123&8001=12345678901201';
    expect(parseDigitalLink(ok).attributes.map((a) => a.ai)).toEqual(['17', '11', '422', '3912', '8001']);
    const cases: [string, string][] = [
      ['17=261131', 'ILLEGAL_DAY'], ['17=261300', 'ILLEGAL_MONTH'], ['17=260229', 'ILLEGAL_DAY'], ['11=240229', ''],
      ['422=999', 'NOT_ISO3166'], ['3912=000123', 'NOT_ISO4217'], ['8001=12340000012311', 'ILLEGAL_ZERO_VALUE'],
      ['8001=12341234512321', 'INVALID_WINDING_DIRECTION'], ['4321=2', 'NOT_ZERO_OR_ONE'], ['4300=A%250g', 'INVALID_PERCENT_SEQUENCE'],
    ];
    for (const [query, reason] of cases) {
      const uri = `https://a/01/09506000134352?${query}`;
      if (reason === '') expect(() => parseDigitalLink(uri), uri).not.toThrow();
      else expect(rejection(() => parseDigitalLink(uri)).evidence, uri).toMatchObject({ reason });
    }
  });
});

describe('the query', () => {
  it('keeps data attributes in order and non-AI parameters apart', () => {
    const dl = parseDigitalLink('https://a/01/09506000134352?17=261130&linkType=gs1%3Adpp&3103=000195&context=en+GB&flag&linkType=gs1:pip');
    expect(dl.attributes).toEqual([{ ai: '17', value: '261130' }, { ai: '3103', value: '000195' }]);
    expect(dl.params).toEqual({ linkType: 'gs1:pip', context: 'en GB', flag: '' });
  });

  it('keeps any parameter name as data, "__proto__" included', () => {
    const dl = parseDigitalLink('https://a/01/09506000134352?__proto__=x&constructor=y');
    expect(Object.keys(dl.params)).toEqual(['__proto__', 'constructor']);
    expect(formatDigitalLink(dl)).toBe('https://a/01/09506000134352?__proto__=x&constructor=y');
  });

  it('reads "+" as a space in the query and as a plus sign in the path', () => {
    expect(parseDigitalLink('https://a/01/09506000134352/22/A+B').qualifiers[0]!.value).toBe('A+B');
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352?99=A+B')).evidence).toMatchObject({ ai: '99', value: 'A B' });
    expect(parseDigitalLink('https://a/01/09506000134352?99=A%2BB').attributes[0]!.value).toBe('A+B');
  });

  it('rejects an unknown numeric AI with DL_UNKNOWN_AI, in the query or the path', () => {
    const query = rejection(() => parseDigitalLink('https://a/01/09506000134352?99=X&89=ABC'));
    expect(query.code).toBe('DL_UNKNOWN_AI');
    expect(query.evidence).toMatchObject({ ai: '89', segment: '89=ABC', position: 33 });
    const path = rejection(() => parseDigitalLink('https://a/01/09506000134352/89/ABC'));
    expect(path.code).toBe('DL_UNKNOWN_AI');
    expect(path.evidence).toMatchObject({ ai: '89', segment: '89/ABC' });
  });

  it('rejects a key qualifier in the query with DL_QUALIFIER_IN_QUERY', () => {
    const err = rejection(() => parseDigitalLink('https://a/01/09506000134352?10=B1'));
    expect(err.code).toBe('DL_QUALIFIER_IN_QUERY');
    expect(err.evidence).toMatchObject({ ai: '10', primaryKey: '01', segment: '10=B1' });
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352/10/B1?21=S1')).code).toBe('DL_QUALIFIER_IN_QUERY');
    expect(rejection(() => parseDigitalLink('https://a/01/09506000134352/10/B1?22=V')).code).toBe('DL_QUALIFIER_IN_QUERY');
    // With 235 in the path, 10 is not a qualifier of this path: it is a plain data attribute.
    expect(parseDigitalLink('https://a/01/09506000134352/235/X?10=B1').attributes).toEqual([{ ai: '10', value: 'B1' }]);
  });

  it('rejects an AI that is neither a qualifier nor a data attribute', () => {
    const err = rejection(() => parseDigitalLink('https://a/01/09506000134352?8200=http%3A%2F%2Fx'));
    expect(err.code).toBe('DL_INVALID');
    expect(err.evidence).toMatchObject({ ai: '8200', reason: 'not a data attribute' });
  });

  it('rejects a duplicated AI with DL_DUPLICATE_AI', () => {
    for (const uri of ['https://a/01/09506000134352?99=A&99=A', 'https://a/01/09506000134352/10/B?99=A&01=09506000134352', 'https://a/01/09506000134352/10/B/10/C']) {
      const err = rejection(() => parseDigitalLink(uri));
      expect(err.code, uri).toBe('DL_DUPLICATE_AI');
      expect(err.evidence).toHaveProperty('ai');
    }
  });
});

describe('formatting', () => {
  it('puts qualifiers in the standard order and percent-encodes as GS1 does', () => {
    const dl: DigitalLink = {
      stem: 'https://example.com/',
      primaryKey: { ai: '01', value: '09506000134352' },
      qualifiers: [{ ai: '21', value: 'S/1+' }, { ai: '22', value: 'V' }, { ai: '10', value: 'B&1' }],
      attributes: [{ ai: '17', value: '261130' }, { ai: '99', value: 'A+C' }],
      params: { linkType: 'gs1:pip', 'a b': 'x&y' },
    };
    expect(formatDigitalLink(dl)).toBe('https://example.com/01/09506000134352/22/V/10/B%261/21/S%2F1%2B?17=261130&99=A%2BC&linkType=gs1%3Apip&a+b=x%26y');
    expect(parseDigitalLink(formatDigitalLink(dl))).toEqual({ ...dl, stem: 'https://example.com', qualifiers: [dl.qualifiers[1], dl.qualifiers[2], dl.qualifiers[0]] });
  });

  it('validates what it formats', () => {
    const base = parseDigitalLink(DEMO);
    expect(rejection(() => formatDigitalLink({ ...base, qualifiers: [...base.qualifiers, { ai: '235', value: 'X' }] })).code).toBe('DL_INVALID_PATH');
    expect(rejection(() => formatDigitalLink({ ...base, attributes: [{ ai: '21', value: 'X' }] })).code).toBe('DL_DUPLICATE_AI');
    expect(rejection(() => formatDigitalLink({ ...base, primaryKey: { ai: '01', value: '09506000134353' } })).code).toBe('DL_CHECK_DIGIT');
    expect(rejection(() => formatDigitalLink({ ...base, primaryKey: { ai: '21', value: 'X' } })).code).toBe('DL_INVALID');
    expect(() => formatDigitalLink(base, { stem: 'mailto:x' })).toThrow(TypeError);
    expect(() => formatDigitalLink({ ...base, params: { '17': 'x' } })).toThrow(TypeError);
  });

  it('canonicalises onto id.gs1.org, keeping parameters', () => {
    expect(canonicalDigitalLink('HTTPS://brand.example/x/01/09506000134352/21/A%2dB?linkType=gs1:dpp')).toBe('https://id.gs1.org/01/09506000134352/21/A-B?linkType=gs1%3Adpp');
  });
});

describe('element strings', () => {
  it('builds a Digital Link from AIs in any order, the generation rules of GS1', () => {
    expect(formatDigitalLink(fromElementString('(21)XYZ(01)12312312312333(10)ABC123(99)XYZ', { stem: 'https://example.com' }))).toBe('https://example.com/01/12312312312333/10/ABC123/21/XYZ?99=XYZ');
    // Attributes of predefined length first (they need no FNC1), then the others, each in the order given.
    expect(formatDigitalLink(fromElementString('(253)9526064000028000001(99)000001(01)12312312312326(10)DEF'))).toBe('https://id.gs1.org/253/9526064000028000001?01=12312312312326&99=000001&10=DEF');
  });

  it('escapes and reads a literal "(" as "\\("', () => {
    const dl = fromElementString('(01)09506000134352(10)A\\(B');
    expect(dl.qualifiers).toEqual([{ ai: '10', value: 'A(B' }]);
    expect(toElementString(dl)).toBe('(01)09506000134352(10)A\\(B');
    expect(parseElementString('(10)12345\\(11)991225')).toEqual([{ ai: '10', value: '12345(11)991225' }]);
  });

  it('rejects what it cannot build', () => {
    expect(rejection(() => fromElementString('(99)XYZ')).code).toBe('DL_INVALID');
    expect(rejection(() => fromElementString('(01)09506000134352(235)X(10)B')).code).toBe('DL_INVALID_PATH');
    expect(rejection(() => fromElementString('(01)09506000134352(10)A(10)B')).code).toBe('DL_DUPLICATE_AI');
    expect(rejection(() => fromElementString('(01)09506000134352(89)X')).code).toBe('DL_UNKNOWN_AI');
    expect(rejection(() => fromElementString('01)09506000134352')).code).toBe('DL_INVALID');
    expect(rejection(() => fromElementString('(01)09506000134352(8011)12')).code).toBe('DL_QUALIFIER_IN_QUERY');
    expect(fromElementString('(01)09506000134352(10)A(10)A').qualifiers).toEqual([{ ai: '10', value: 'A' }]);
  });
});
