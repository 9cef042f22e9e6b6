// Tests the VC Data Model 2.0 structural checker: one case per rule, then every input of the W3C suite.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/assets.js';
import { checkCredentialDataModel, checkPresentationDataModel, type DataModelProblem } from '../../src/vc/data-model.js';
import { suiteInputs as readSuiteInputs, type SuiteInput } from '../conformance/vc-data-model.js';
import { createDocumentLoader, loadBundledContexts, type DocumentLoader } from '../../src/vc/document-loader.js';

type Json = Record<string, unknown>;

const BASE = 'https://www.w3.org/ns/credentials/v2';

function credential(overrides: Json = {}): Json {
  return {
    '@context': [BASE],
    type: ['VerifiableCredential'],
    issuer: 'did:example:issuer',
    credentialSubject: { id: 'did:example:subject' },
    ...overrides,
  };
}

function presentation(overrides: Json = {}): Json {
  return { '@context': [BASE], type: ['VerifiablePresentation'], ...overrides };
}

function without(doc: Json, key: string): Json {
  const { [key]: _removed, ...rest } = doc;
  return rest;
}

function paths(problems: DataModelProblem[]): string[] {
  return problems.map((p) => p.path);
}

const credentialPaths = (doc: unknown): string[] => paths(checkCredentialDataModel(doc));
const presentationPaths = (doc: unknown): string[] => paths(checkPresentationDataModel(doc));

describe('checkCredentialDataModel', () => {
  it('accepts a minimal conforming credential', () => {
    expect(checkCredentialDataModel(credential())).toEqual([]);
  });

  it('rejects anything but a JSON object', () => {
    for (const value of [null, undefined, 'vc', 42, [credential()]]) expect(credentialPaths(value)).toEqual(['']);
  });

  it('reports each problem with a path and a message, and survives JSON.stringify', () => {
    const problems = checkCredentialDataModel(credential({ issuer: 'fake-issuer', validFrom: 'yesterday' }));
    expect(problems).toHaveLength(2);
    for (const p of problems) expect(p.message).toMatch(/MUST/);
    expect(JSON.parse(JSON.stringify(problems))).toEqual(problems);
  });

  it('never mutates its input', () => {
    const doc = deepFreeze(credential({ credentialSubject: [{ id: 'did:example:a' }, {}], relatedResource: [{}] }));
    expect(() => checkCredentialDataModel(doc)).not.toThrow();
  });

  describe('@context', () => {
    it('MUST be present', () => {
      expect(credentialPaths(without(credential(), '@context'))).toEqual(['@context']);
    });

    it('MUST be an ordered set whose first item is the base context', () => {
      expect(credentialPaths(credential({ '@context': BASE }))).toEqual(['@context']);
      expect(credentialPaths(credential({ '@context': [] }))).toEqual(['@context']);
      expect(credentialPaths(credential({ '@context': ['https://www.w3.org/ns/credentials/examples/v2'] }))).toEqual(['@context']);
      expect(credentialPaths(credential({ '@context': [{ ex: 'https://example.org/#' }, BASE] }))).toEqual(['@context']);
    });

    it('takes URLs and objects after the base context, and nothing else', () => {
      expect(credentialPaths(credential({ '@context': [BASE, 'https://www.w3.org/ns/credentials/examples/v2', { ex: 'https://example.org/#' }] }))).toEqual([]);
      expect(credentialPaths(credential({ '@context': [BASE, 123192875] }))).toEqual(['@context[1]']);
      expect(credentialPaths(credential({ '@context': [BASE, 'https ://not-a-url/contexts/example/v1'] }))).toEqual(['@context[1]']);
      expect(credentialPaths(credential({ '@context': [BASE, null] }))).toEqual(['@context[1]']);
    });
  });

  describe('id', () => {
    it('may be any URL: https, did, urn:uuid', () => {
      for (const id of ['https://example.org/credentials/1', 'did:example:123', 'urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008']) {
        expect(credentialPaths(credential({ id }))).toEqual([]);
      }
    });

    it('MUST be a single URL', () => {
      expect(credentialPaths(credential({ id: ['https://example.org/1', 'https://example.net/1'] }))).toEqual(['id']);
      expect(credentialPaths(credential({ id: null }))).toEqual(['id']);
      expect(credentialPaths(credential({ id: 'https ://not-a-url/vcs/1' }))).toEqual(['id']);
      expect(credentialPaths(credential({ id: 'credential-1' }))).toEqual(['id']);
      expect(credentialPaths(credential({ id: 42 }))).toEqual(['id']);
    });
  });

  describe('type', () => {
    it('MUST be present', () => {
      expect(credentialPaths(without(credential(), 'type'))).toEqual(['type']);
    });

    it('MUST include VerifiableCredential, in any order, as a string or a list', () => {
      expect(credentialPaths(credential({ type: 'VerifiableCredential' }))).toEqual([]);
      expect(credentialPaths(credential({ type: ['https://example.org/#A', 'VerifiableCredential', 'ExampleCredential'] }))).toEqual([]);
      expect(credentialPaths(credential({ type: ['RelationshipCredential'] }))).toEqual(['type']);
    });

    it('MUST be one or more terms and absolute URL strings', () => {
      expect(credentialPaths(credential({ type: [] }))).toEqual(['type']);
      expect(credentialPaths(credential({ type: ['VerifiableCredential', 2] }))).toEqual(['type']);
      expect(credentialPaths(credential({ type: ['VerifiableCredential', 'https ://not-a-url#T'] }))).toEqual(['type']);
      expect(credentialPaths(credential({ type: { '@id': 'VerifiableCredential' } }))).toEqual(['type']);
    });
  });

  describe('issuer', () => {
    it('MUST be present', () => {
      expect(credentialPaths(without(credential(), 'issuer'))).toEqual(['issuer']);
    });

    it('is a URL', () => {
      expect(credentialPaths(credential({ issuer: 'https://example.edu/issuers/14' }))).toEqual([]);
      expect(credentialPaths(credential({ issuer: 'fake-issuer' }))).toEqual(['issuer']);
      expect(credentialPaths(credential({ issuer: null }))).toEqual(['issuer']);
      expect(credentialPaths(credential({ issuer: ['did:example:a'] }))).toEqual(['issuer']);
    });

    it('or an object containing an id property whose value is a URL', () => {
      expect(credentialPaths(credential({ issuer: { id: 'did:example:issuer', name: 'Example' } }))).toEqual([]);
      expect(credentialPaths(credential({ issuer: {} }))).toEqual(['issuer.id']);
      expect(credentialPaths(credential({ issuer: { name: 'Acme' } }))).toEqual(['issuer.id']);
      expect(credentialPaths(credential({ issuer: { id: null } }))).toEqual(['issuer.id']);
      expect(credentialPaths(credential({ issuer: { id: 'fake-issuer' } }))).toEqual(['issuer.id']);
    });
  });

  describe('credentialSubject', () => {
    it('MUST be present', () => {
      expect(credentialPaths(without(credential(), 'credentialSubject'))).toEqual(['credentialSubject']);
    });

    it('is one or more objects', () => {
      expect(credentialPaths(credential({ credentialSubject: [{ id: 'did:example:a' }, { name: 'B' }] }))).toEqual([]);
      expect(credentialPaths(credential({ credentialSubject: 'did:example:subject' }))).toEqual(['credentialSubject']);
      expect(credentialPaths(credential({ credentialSubject: [] }))).toEqual(['credentialSubject']);
      expect(credentialPaths(credential({ credentialSubject: [{ id: 'did:example:a' }, 'did:example:b'] }))).toEqual(['credentialSubject[1]']);
    });

    it('each object MUST be the subject of one or more claims', () => {
      expect(credentialPaths(credential({ credentialSubject: {} }))).toEqual(['credentialSubject']);
      expect(credentialPaths(credential({ credentialSubject: [{ id: 'did:example:a' }, {}] }))).toEqual(['credentialSubject[1]']);
    });

    it('an id, if present, is a single URL', () => {
      expect(credentialPaths(credential({ credentialSubject: { id: ['did:example:one', 'did:example:two'] } }))).toEqual(['credentialSubject.id']);
      expect(credentialPaths(credential({ credentialSubject: [{ name: 'A' }, { id: 'subject' }] }))).toEqual(['credentialSubject[1].id']);
    });
  });

  describe('validFrom and validUntil', () => {
    it('accept XML Schema dateTimeStamps: Z or offset, fractions, far years, 24:00:00', () => {
      const stamps = ['2023-02-26T01:02:58Z', '2023-02-26T01:02:58.447Z', '2023-02-25T19:10:39-06:00', '2023-02-25T19:10:39+14:00', '4023-02-26T01:02:58.447Z', '12023-01-01T00:00:00Z', '2023-12-31T24:00:00Z', '-0044-03-15T12:00:00Z'];
      for (const validFrom of stamps) expect(credentialPaths(credential({ validFrom }))).toEqual([]);
      for (const validUntil of stamps) expect(credentialPaths(credential({ validUntil }))).toEqual([]);
    });

    it('MUST be dateTimeStamps, which carry a time zone', () => {
      const bad = ['Sat 25 Feb 2023 07:16:31 PM CST', 'Sun, 26 Feb 2023 01:22:14 +0000', '2023-02-26T01:02:58', '2023-02-26', '2023-02-30T25:00:00Z', '2023-02-26T01:02:58+15:00', '2023-02-26 01:02:58Z', 1677374578];
      for (const validFrom of bad) expect(credentialPaths(credential({ validFrom }))).toEqual(['validFrom']);
      for (const validUntil of bad) expect(credentialPaths(credential({ validUntil }))).toEqual(['validUntil']);
    });

    it('validUntil MUST be the same as or later than validFrom, compared as instants', () => {
      expect(credentialPaths(credential({ validFrom: '2020-01-01T00:00:00Z', validUntil: '2020-01-01T00:00:00Z' }))).toEqual([]);
      expect(credentialPaths(credential({ validFrom: '2026-01-01T00:00:00Z', validUntil: '2024-01-01T00:00:00Z' }))).toEqual(['validUntil']);
      // 19:21:29-06:00 is 01:21:29Z the next day: later, though it sorts earlier as text.
      expect(credentialPaths(credential({ validFrom: '2023-02-26T01:21:23Z', validUntil: '2023-02-25T19:21:29-06:00' }))).toEqual([]);
      // 01:00:00+02:00 is 23:00:00Z the day before: earlier, though it sorts later as text.
      expect(credentialPaths(credential({ validFrom: '2023-02-25T23:30:00Z', validUntil: '2023-02-26T01:00:00+02:00' }))).toEqual(['validUntil']);
      expect(credentialPaths(credential({ validFrom: '2023-02-26T01:20:18.478Z', validUntil: '2023-02-26T01:20:18.477Z' }))).toEqual(['validUntil']);
    });
  });

  describe('objects that MUST have a type', () => {
    const typed = ['credentialStatus', 'termsOfUse', 'evidence', 'refreshService', 'renderMethod', 'confidenceMethod', 'proof'];

    it.each(typed)('%s: each value MUST specify its type', (name) => {
      expect(credentialPaths(credential({ [name]: { type: 'ExampleType' } }))).toEqual([]);
      expect(credentialPaths(credential({ [name]: [{ type: 'ExampleType' }, { type: ['A', 'https://example.org/#B'] }] }))).toEqual([]);
      expect(credentialPaths(credential({ [name]: {} }))).toEqual([`${name}.type`]);
      expect(credentialPaths(credential({ [name]: { id: 'did:example:thing' } }))).toEqual([`${name}.type`]);
      expect(credentialPaths(credential({ [name]: [{ type: 'ExampleType' }, {}] }))).toEqual([`${name}[1].type`]);
      expect(credentialPaths(credential({ [name]: { type: 2 } }))).toEqual([`${name}.type`]);
    });

    it.each(typed)('%s: is one or more objects, each id a single URL', (name) => {
      expect(credentialPaths(credential({ [name]: 'https://example.org/thing' }))).toEqual([name]);
      expect(credentialPaths(credential({ [name]: [] }))).toEqual([name]);
      expect(credentialPaths(credential({ [name]: { type: 'T', id: ['did:example:1', 'did:example:2'] } }))).toEqual([`${name}.id`]);
      expect(credentialPaths(credential({ [name]: { type: 'T', id: 'https ://not-a-url/4' } }))).toEqual([`${name}.id`]);
    });

    it('credentialStatus may leave out its id', () => {
      expect(credentialPaths(credential({ credentialStatus: { type: 'BitstringStatusListEntry' } }))).toEqual([]);
    });

    it('each credentialSchema MUST specify its type and an id that is a URL', () => {
      expect(credentialPaths(credential({ credentialSchema: { id: 'https://example.org/schema.json', type: 'JsonSchema' } }))).toEqual([]);
      expect(credentialPaths(credential({ credentialSchema: { type: 'JsonSchema' } }))).toEqual(['credentialSchema.id']);
      expect(credentialPaths(credential({ credentialSchema: { id: 'did:example:schemas/1' } }))).toEqual(['credentialSchema.type']);
      expect(credentialPaths(credential({ credentialSchema: { id: 'https ://not-a-url.org/1', type: 'JsonSchema' } }))).toEqual(['credentialSchema.id']);
      expect(credentialPaths(credential({ credentialSchema: [{ id: 'did:example:1', type: 'JsonSchema' }, { type: 'JsonSchema' }] }))).toEqual(['credentialSchema[1].id']);
    });
  });

  describe('name and description', () => {
    const lvo = { '@value': 'Example', '@language': 'en' };

    it.each(['name', 'description'])('%s: a string, a language value object, or a list of them', (key) => {
      expect(credentialPaths(credential({ [key]: 'Example' }))).toEqual([]);
      expect(credentialPaths(credential({ [key]: lvo }))).toEqual([]);
      expect(credentialPaths(credential({ [key]: { '@value': 'مثال', '@language': 'ar', '@direction': 'rtl' } }))).toEqual([]);
      expect(credentialPaths(credential({ [key]: { '@value': 'Example' } }))).toEqual([]);
      expect(credentialPaths(credential({ [key]: [lvo, { '@value': 'Exemple', '@language': 'fr' }] }))).toEqual([]);
      expect(credentialPaths(credential({ [key]: 42 }))).toEqual([key]);
      expect(credentialPaths(credential({ [key]: [] }))).toEqual([key]);
      expect(credentialPaths(credential({ [key]: [lvo, 7] }))).toEqual([`${key}[1]`]);
    });

    it.each(['name', 'description'])('%s: the language value object MUST NOT include other keys, and MUST have a string @value', (key) => {
      expect(credentialPaths(credential({ [key]: { ...lvo, url: 'did:example:credential' } }))).toEqual([`${key}.url`]);
      expect(credentialPaths(credential({ [key]: { '@language': 'en' } }))).toEqual([`${key}.@value`]);
      expect(credentialPaths(credential({ [key]: { '@value': 3 } }))).toEqual([`${key}.@value`]);
      expect(credentialPaths(credential({ [key]: { ...lvo, '@direction': 'up' } }))).toEqual([`${key}.@direction`]);
      expect(credentialPaths(credential({ [key]: { ...lvo, '@language': ['en'] } }))).toEqual([`${key}.@language`]);
    });

    it('the same rules hold on the issuer', () => {
      expect(credentialPaths(credential({ issuer: { id: 'did:example:i', name: lvo, description: [lvo] } }))).toEqual([]);
      expect(credentialPaths(credential({ issuer: { id: 'did:example:i', name: { ...lvo, url: 'x' } } }))).toEqual(['issuer.name.url']);
      expect(credentialPaths(credential({ issuer: { id: 'did:example:i', description: { ...lvo, url: 'x' } } }))).toEqual(['issuer.description.url']);
    });
  });

  describe('relatedResource', () => {
    const sri = 'sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW';
    const multibase = 'uEres1usWcWCmW7uolIW2uA0CjQ8iRV14eGaZtULyOl3U';

    it('accepts objects with a URL id and a digestSRI or a digestMultibase', () => {
      const relatedResource = [
        { id: 'https://www.w3.org/ns/credentials/v2', digestSRI: sri, mediaType: 'application/ld+json' },
        { id: 'https://example.org/logo.png', digestMultibase: multibase },
      ];
      expect(credentialPaths(credential({ relatedResource }))).toEqual([]);
      expect(credentialPaths(credential({ relatedResource: relatedResource[0] }))).toEqual([]);
    });

    it('the id is REQUIRED and is a URL', () => {
      expect(credentialPaths(credential({ relatedResource: [{ digestSRI: sri }] }))).toEqual(['relatedResource[0].id']);
      expect(credentialPaths(credential({ relatedResource: [{ id: 'logo.png', digestSRI: sri }] }))).toEqual(['relatedResource[0].id']);
    });

    it('the id MUST be unique among the list of related resource objects', () => {
      const relatedResource = [
        { id: 'https://example.org/a', digestSRI: sri },
        { id: 'https://example.org/b', digestSRI: sri },
        { id: 'https://example.org/a', digestMultibase: multibase },
      ];
      expect(credentialPaths(credential({ relatedResource }))).toEqual(['relatedResource[2].id']);
    });

    it('MUST contain at least a digestSRI or a digestMultibase value', () => {
      expect(credentialPaths(credential({ relatedResource: [{ id: 'https://example.org/a' }] }))).toEqual(['relatedResource[0]']);
      expect(credentialPaths(credential({ relatedResource: [{ id: 'https://example.org/a', digestSRI: 5 }] }))).toEqual(['relatedResource[0].digestSRI']);
    });

    it('is one or more objects', () => {
      expect(credentialPaths(credential({ relatedResource: 'https://example.org/a' }))).toEqual(['relatedResource']);
      expect(credentialPaths(credential({ relatedResource: [] }))).toEqual(['relatedResource']);
    });
  });
});

describe('checkPresentationDataModel', () => {
  const envelope = {
    '@context': BASE,
    id: 'data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppIn0.c2ln',
    type: 'EnvelopedVerifiableCredential',
  };

  it('accepts a minimal conforming presentation', () => {
    expect(checkPresentationDataModel(presentation())).toEqual([]);
    expect(checkPresentationDataModel(presentation({ id: 'urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008' }))).toEqual([]);
  });

  it('rejects anything but a JSON object', () => {
    expect(presentationPaths('vp')).toEqual(['']);
  });

  it('@context: present, base context first', () => {
    expect(presentationPaths(without(presentation(), '@context'))).toEqual(['@context']);
    expect(presentationPaths(presentation({ '@context': [{ P: 'https://example.org/#P' }, BASE] }))).toEqual(['@context']);
    expect(presentationPaths(presentation({ '@context': ['https://www.w3.org/ns/credentials/examples/v2'] }))).toEqual(['@context']);
  });

  it('type MUST be present and one value MUST be VerifiablePresentation', () => {
    expect(presentationPaths(without(presentation(), 'type'))).toEqual(['type']);
    expect(presentationPaths(presentation({ type: ['CredentialManagerPresentation'] }))).toEqual(['type']);
    expect(presentationPaths(presentation({ type: ['VerifiablePresentation', 'CredentialManagerPresentation'] }))).toEqual([]);
  });

  it('id, if present, is a single URL', () => {
    expect(presentationPaths(presentation({ id: ['urn:uuid:1', 'urn:uuid:2'] }))).toEqual(['id']);
  });

  it('holder is a URL or an object containing an id property whose value is a URL', () => {
    expect(presentationPaths(presentation({ holder: 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj' }))).toEqual([]);
    expect(presentationPaths(presentation({ holder: { id: 'did:example:holder', name: 'Acme' } }))).toEqual([]);
    expect(presentationPaths(presentation({ holder: 'z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj' }))).toEqual(['holder']);
    expect(presentationPaths(presentation({ holder: { name: 'Acme' } }))).toEqual(['holder.id']);
    expect(presentationPaths(presentation({ holder: { id: 'z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj' } }))).toEqual(['holder.id']);
    expect(presentationPaths(presentation({ holder: 7 }))).toEqual(['holder']);
  });

  it('verifiableCredential is one or more objects, never strings or URLs', () => {
    expect(presentationPaths(presentation({ verifiableCredential: credential() }))).toEqual([]);
    expect(presentationPaths(presentation({ verifiableCredential: [credential(), credential(), envelope] }))).toEqual([]);
    expect(presentationPaths(presentation({ verifiableCredential: ['eyJhbGciOiJFUzI1NiJ9.e30.c2ln'] }))).toEqual(['verifiableCredential[0]']);
    expect(presentationPaths(presentation({ verifiableCredential: 'https://example.org/credentials/1' }))).toEqual(['verifiableCredential']);
    expect(presentationPaths(presentation({ verifiableCredential: [] }))).toEqual(['verifiableCredential']);
  });

  it('checks each embedded credential, with paths inside the presentation', () => {
    const vp = presentation({ verifiableCredential: [credential(), credential({ type: [], issuer: { id: 'x' } })] });
    expect(presentationPaths(vp)).toEqual(['verifiableCredential[1].type', 'verifiableCredential[1].issuer.id']);
    expect(presentationPaths(presentation({ verifiableCredential: without(credential(), 'credentialSubject') }))).toEqual(['verifiableCredential.credentialSubject']);
  });

  it('an EnvelopedVerifiableCredential has the base context, a data: URL id and only that type', () => {
    const at = (doc: Json): string[] => presentationPaths(presentation({ verifiableCredential: [doc] }));
    expect(at({ ...envelope, '@context': [BASE] })).toEqual([]);
    expect(at({ ...envelope, type: ['EnvelopedVerifiableCredential'] })).toEqual([]);
    expect(at({ ...envelope, id: 'data:application/vc-ld+jwt;base64url,eyJhbGciOiJFUzI1NiJ9.e30.c2ln' })).toEqual([]);
    expect(at(without(envelope, '@context'))).toEqual(['verifiableCredential[0].@context']);
    expect(at({ ...envelope, '@context': 'https://www.w3.org/ns/credentials/examples/v2' })).toEqual(['verifiableCredential[0].@context']);
    expect(at({ ...envelope, id: 'https://example.org/credentials/1' })).toEqual(['verifiableCredential[0].id']);
    expect(at(without(envelope, 'id'))).toEqual(['verifiableCredential[0].id']);
    expect(at({ ...envelope, type: ['EnvelopedVerifiableCredential', 'VerifiableCredential'] })).toEqual(['verifiableCredential[0].type']);
  });

  it('an envelope without its type is checked as a credential, and fails as one', () => {
    const problems = presentationPaths(presentation({ verifiableCredential: [without(envelope, 'type')] }));
    expect(problems).toEqual(expect.arrayContaining(['verifiableCredential[0].type', 'verifiableCredential[0].credentialSubject']));
  });

  it('termsOfUse and proof on a presentation MUST specify their type', () => {
    expect(presentationPaths(presentation({ termsOfUse: { id: 'https://example.org/tou' }, proof: [{ type: 'DataIntegrityProof' }, {}] }))).toEqual([
      'termsOfUse.type',
      'proof[1].type',
    ]);
  });
});

// --- the W3C suite's inputs ----------------------------------------------------------------------

/** Where CI keeps `shared/` beside the checkout (see shared/conformance/README.md). */
const SUITE_INPUT = join(PACKAGE_ROOT, '..', 'shared', 'conformance', 'vc-data-model-2.0-test-suite', 'tests', 'input');
const SUITE_PRESENT = existsSync(SUITE_INPUT);

/** The suite's issuer key (tests/data-generator.js); its issuer endpoint puts it in as the issuer. */
const SUITE_ISSUER = 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj';

/**
 * Fail inputs that only JSON-LD processing can reject: their JSON shape conforms, their terms do not.
 * The structural checker must pass them; safe-mode expansion must throw.
 */
const REJECTED_ONLY_BY_JSON_LD: Readonly<Record<string, string>> = {
  'credential-redef-type-fail.json': 'redefines the protected term VerifiableCredential',
  'credential-redef-type2-fail.json': 'redefines a @protected term from an earlier context',
  'credential-type-mapped-nonurl-fail.json': 'maps a type term to "https ://not-a-url#…", not an IRI',
  'credential-type-unmapped-fail.json': 'sets @vocab to null, leaving the type ExampleTestCredential undefined',
};

/** Ok inputs that safe-mode expansion rejects all the same; the suite's issuer replaces what is wrong. */
const OK_BUT_NOT_SAFE_JSON_LD: Readonly<Record<string, string>> = {
  'credential-proof-ok.json':
    'its Ed25519Signature2020 proof uses created, proofPurpose and proofValue, which the v2 context defines only inside DataIntegrityProof',
};

/** Inputs named neither -ok nor -fail: what they test (holder and issuer of a self-asserted credential) depends on how it is secured, not on its shape. */
const UNCLASSIFIED = [
  'presentation-self-asserted-vc-holder-mismatch.json',
  'presentation-self-asserted-vc-issuer-mismatch.json',
  'presentation-self-asserted-vc-no-holder.json',
];

function suiteInputs(): SuiteInput[] {
  return SUITE_PRESENT ? readSuiteInputs(SUITE_INPUT) : [];
}

function readInput(input: SuiteInput): Json {
  return JSON.parse(readFileSync(join(SUITE_INPUT, input.file), 'utf8')) as Json;
}

/**
 * What the suite's issuer endpoint receives (tests/mock.data.js, tests/4-09-validity-period.js): its
 * issuer where the input has none, and the PAST/FUTURE DATE placeholders as dates (fixed: no clock).
 * The suite fills `issuer.id` even over a null one; here only an absent id is filled, so that
 * credential-issuer-object-id-null-fail.json still says what its name says.
 */
function asSubmittedForIssuance(doc: Json): Json {
  const copy = structuredClone(doc);
  if (!('issuer' in copy)) copy['issuer'] = SUITE_ISSUER;
  const issuer = copy['issuer'];
  if (typeof issuer === 'object' && issuer !== null && !Array.isArray(issuer) && !('id' in issuer)) {
    copy['issuer'] = { ...issuer, id: SUITE_ISSUER };
  }
  for (const name of ['validFrom', 'validUntil']) {
    if (copy[name] === 'PAST DATE') copy[name] = '2020-01-01T00:00:00Z';
    if (copy[name] === 'FUTURE DATE') copy[name] = '2099-01-01T00:00:00Z';
  }
  return copy;
}

function prepare(input: SuiteInput): Json {
  const doc = readInput(input);
  return input.presentation ? doc : asSubmittedForIssuance(doc);
}

function check(input: SuiteInput, doc: Json): DataModelProblem[] {
  return input.presentation ? checkPresentationDataModel(doc) : checkCredentialDataModel(doc);
}

const inputs = suiteInputs();
const title = SUITE_PRESENT
  ? `W3C vc-data-model-2.0-test-suite inputs (${SUITE_INPUT})`
  : `W3C vc-data-model-2.0-test-suite inputs: SKIPPED, ${SUITE_INPUT} is absent`;

describe.skipIf(!SUITE_PRESENT)(title, () => {
  let documentLoader: DocumentLoader;

  /** The error message if safe-mode expansion with the bundled contexts rejects `doc`. */
  async function jsonLdRejection(doc: Json): Promise<string | undefined> {
    try {
      await jsonld.expand(structuredClone(doc), { safe: true, documentLoader });
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  beforeAll(() => {
    documentLoader = createDocumentLoader({ contexts: loadBundledContexts() });
  });

  it('has the 120 inputs, all but the self-asserted presentation cases named -ok or -fail', () => {
    expect(inputs).toHaveLength(120);
    expect(inputs.filter((i) => i.expected === undefined).map((i) => i.name)).toEqual(UNCLASSIFIED);
  });

  describe.each(inputs.filter((i) => i.expected === 'ok'))('$file', (input) => {
    it('conforms to the data model', () => {
      expect(check(input, prepare(input))).toEqual([]);
    });

    it(OK_BUT_NOT_SAFE_JSON_LD[input.name] ? `is rejected by safe-mode JSON-LD: ${OK_BUT_NOT_SAFE_JSON_LD[input.name]}` : 'expands in JSON-LD safe mode', async () => {
      const rejection = await jsonLdRejection(prepare(input));
      if (OK_BUT_NOT_SAFE_JSON_LD[input.name]) expect(rejection).toBeDefined();
      else expect(rejection).toBeUndefined();
    });
  });

  describe.each(inputs.filter((i) => i.expected === 'fail'))('$file', (input) => {
    const onlyJsonLd = REJECTED_ONLY_BY_JSON_LD[input.name];

    it('is rejected by the data model checker or by safe-mode JSON-LD expansion', async () => {
      const doc = prepare(input);
      const rejected = check(input, doc).length > 0 || (await jsonLdRejection(doc)) !== undefined;
      expect(rejected).toBe(true);
    });

    it(onlyJsonLd ? `is beyond the structural checker: ${onlyJsonLd}` : 'is rejected by the structural checker itself', async () => {
      const doc = prepare(input);
      if (onlyJsonLd) {
        expect(check(input, doc)).toEqual([]);
        expect(await jsonLdRejection(doc)).toBeDefined();
      } else {
        expect(check(input, doc).length).toBeGreaterThan(0);
      }
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
