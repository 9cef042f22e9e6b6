// Compressed GS1 Digital Links: decoding known compressed links, encoding, and the round trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigitalLinkError } from '../../src/errors.js';
import { canonicalDigitalLink, compressDigitalLink, decompressDigitalLink, formatDigitalLink, parseDigitalLink } from '../../src/gs1/index.js';

/**
 * Uncompressed and fully compressed forms of the same links, as an independent implementation of GS1's
 * compression (no optimisation codes) writes them. Note 235 is X..28 here, and 7040 is N1 then X3.
 */
const PAIRS: [string, string][] = [
  ['https://id.gs1.org/00/998440410914660971', 'https://id.gs1.org/AN2yxDhfaiaw'],
  ['https://id.gs1.org/01/05412345000013', 'https://id.gs1.org/AQnYUc1gmg'],
  ['https://id.gs1.org/01/05412345000013/10/ABC123/21/72292641703', 'https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6c'],
  ['https://id.gs1.org/01/05412345000013/22/AJY3095721P49/10/ABC123/21/72292641703', 'https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6cibQCWN9Pee9tT-PQ'],
  ['https://id.gs1.org/01/05412345000013/235/8TFV883a904GH%263', 'https://id.gs1.org/AQnYUc1gmkax7ipGrOHDPC5YNI8hMz'],
  ['https://id.gs1.org/253/3060077601309', 'https://id.gs1.org/JTLIetaiHYA'],
  ['https://id.gs1.org/255/5678409730535', 'https://id.gs1.org/JVUqG5hJ5wA'],
  ['https://id.gs1.org/401/0541234537290A41%26GHpp33', 'https://id.gs1.org/QBl2DVoxZM2jVm3ZOWEFoxTR5HDgzZg'],
  ['https://id.gs1.org/402/21173492661712079', 'https://id.gs1.org/QCJZyW9mC6Z4'],
  ['https://id.gs1.org/414/5060917510004/254/RP56J920471', 'https://id.gs1.org/JUa0T-eifdtOO9UFEmlYwv3Q'],
  ['https://id.gs1.org/417/5060917510004/7040/5KFX', 'https://id.gs1.org/QXSaVjC_dHBAVlCrg'],
  ['https://id.gs1.org/8003/04965031954585', 'https://id.gs1.org/gAMJCAXukTMA'],
  ['https://id.gs1.org/8004/0541234537290A41%26GHpp33/7040/7BVR', 'https://id.gs1.org/cEB2CqjAAkuwatGLJm0as27JywgtGKaPI4cGbM'],
  ['https://id.gs1.org/8010/0541234537290A41%23GH33/8011/6639047221', 'https://id.gs1.org/gBCVYNWjFkzaNWbdk5YQWjFHHkM2cAI0xdvpGo'],
  ['https://id.gs1.org/8017/817019610850151481/8019/4003812', 'https://id.gs1.org/gBe1ajAd9ATDmAGXPRfk'],
];

describe('decompression', () => {
  it.each(PAIRS)('%s from %s', (uncompressed, compressed) => {
    expect(decompressDigitalLink(compressed)).toBe(canonicalDigitalLink(uncompressed));
    expect(parseDigitalLink(compressed)).toEqual(parseDigitalLink(uncompressed));
  });

  it('decompresses a partially compressed link (primary key in the clear)', () => {
    expect(decompressDigitalLink('https://id.gs1.org/01/05412345000013/EEarwSMhC4an0V04')).toBe('https://id.gs1.org/01/05412345000013/10/ABC123/21/72292641703');
    expect(decompressDigitalLink('https://id.gs1.org/414/5060917510004/cEBWUKu')).toBe('https://id.gs1.org/414/5060917510004/7040/5KFX');
  });

  it('decodes optimisation codes and non-GS1 parameters, keeping the stem and any query', () => {
    // 1F: (01)(10)(15); then the F-flagged pairs thngId and linkType.
    const compressed = 'https://gs1.evrythng.com/HxHKVAdpQhCTxbrOF_yEFcx_4a2GeAh1mFOZkChg6Z8pgcEMEWpMganmIfESxTyJ5UvMJa9Za';
    expect(decompressDigitalLink(compressed)).toBe('https://gs1.evrythng.com/01/09780345418913/10/38737643/21/58943?15=230911&thngId=U5mQKGDpnymBwQwRakyBqeYh&linkType=test');
    expect(decompressDigitalLink('https://id.gs1.org/AQnYUc1gmg?linkType=gs1:pip')).toBe('https://id.gs1.org/01/05412345000013?linkType=gs1%3Apip');
  });

  it('validates what it decodes, saying it was compressed', () => {
    // (8006) 054123450000130201: piece 02 of 01.
    let err: unknown;
    try {
      decompressDigitalLink('https://id.gs1.org/gAYMBI_bNGwJk');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DigitalLinkError);
    expect(err).toMatchObject({ code: 'DL_INVALID_VALUE', evidence: { ai: '8006', reason: 'PIECE_NUMBER_EXCEEDS_TOTAL', compressed: 'gAYMBI_bNGwJk' } });
  });

  it('rejects what does not decode with DL_COMPRESSED_INVALID', () => {
    for (const uri of ['https://id.gs1.org/AQnYUc1g', 'https://id.gs1.org/AQnYUc1gmiCNV4J_____', 'https://id.gs1.org/favicon.ico', 'https://id.gs1.org/', 'https://id.gs1.org/01/09506000134352']) {
      expect(() => decompressDigitalLink(uri), uri).toThrow(expect.objectContaining({ code: 'DL_COMPRESSED_INVALID' }));
    }
    // Truncated inside the first AI: not recognisably compressed, so parsing says there is no primary key.
    expect(() => parseDigitalLink('https://id.gs1.org/AQnYUc1g')).toThrow(expect.objectContaining({ code: 'DL_INVALID' }));
    // A complete first entry, then garbage: compressed, and broken.
    expect(() => parseDigitalLink('https://id.gs1.org/AQnYUc1gmiCNV4J_____')).toThrow(expect.objectContaining({ code: 'DL_COMPRESSED_INVALID' }));
  });
});

describe('compression', () => {
  it.each(PAIRS)('%s to %s', (uncompressed, compressed) => {
    expect(compressDigitalLink(uncompressed)).toBe(compressed);
  });

  it('uses the optimisation codes when asked, as GS1\'s reference implementation does by default', () => {
    const uri = 'https://gs1.evrythng.com/01/09780345418913/10/38737643/21/58943?15=230911&thngId=U5mQKGDpnymBwQwRakyBqeYh&linkType=test';
    expect(compressDigitalLink(uri, { optimise: true })).toBe('https://gs1.evrythng.com/HxHKVAdpQhCTxbrOF_yEFcx_4a2GeAh1mFOZkChg6Z8pgcEMEWpMganmIfESxTyJ5UvMJa9Za');
  });

  it('round-trips the demo unit and arbitrary values', () => {
    const demo = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123?17=281130&context=de';
    expect(decompressDigitalLink(compressDigitalLink(demo))).toBe(demo);
    const cset82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'.split('');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...cset82), { minLength: 1, maxLength: 20 }).map((a) => a.join('')),
        fc.stringMatching(/^[0-9]{1,20}$/),
        fc.boolean(),
        (serial, lot, optimise) => {
          const uri = formatDigitalLink({ stem: 'https://x.example/r', primaryKey: { ai: '01', value: '09506000134352' }, qualifiers: [{ ai: '10', value: lot }, { ai: '21', value: serial }], attributes: [{ ai: '17', value: '261130' }], params: { linkType: 'gs1:dpp' } });
          expect(decompressDigitalLink(compressDigitalLink(uri, { optimise }))).toBe(uri);
        },
      ),
      { seed: 20261124, numRuns: 500 },
    );
  });
});
