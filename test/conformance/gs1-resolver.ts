// The resolver's side of GS1: every link type we emit exists in the GS1 Web Vocabulary, and the linksets
// we serve (and GS1's own examples) validate against GS1's linkset schema as they should.
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createSubjectRegistry } from '../../src/ledger/subjects.js';
import { linkset, linksOf } from '../../src/ledger/links.js';
import { LINK_TYPES, NAMESPACES, compactLinkType } from '../../src/ledger/link-types.js';
import { parseDigitalLink } from '../../src/gs1/index.js';
import { recordSubject } from '../helpers.js';
import { Recorder, missingFolder, readJson, type SuiteResult } from './common.js';

const NAME = 'gs1-resolver';

export async function runGs1Resolver(conformanceDir: string): Promise<SuiteResult> {
  const webvoc = join(conformanceDir, 'gs1-webvoc');
  const linksetDir = join(conformanceDir, 'gs1-linkset');
  const missing = missingFolder(NAME, webvoc) ?? missingFolder(NAME, linksetDir);
  if (missing) return missing;
  const r = new Recorder(NAME);

  const known = new Set((readJson(webvoc, 'link-types.json').linkTypes as { id: string }[]).map((t) => t.id));
  for (const uri of Object.values(LINK_TYPES).filter((u) => u.startsWith(NAMESPACES.gs1))) {
    const curie = compactLinkType(uri);
    r.check(`link type ${curie}`, known.has(curie), `${curie} is not a link type of the GS1 Web Vocabulary`);
  }

  const validate = new Ajv({ strict: false }).compile(readJson(linksetDir, 'gs1-linkset-schema.json'));
  for (const [file, valid] of [['valid-gs1-example.json', true], ['invalid-gs1-example.json', false]] as const) {
    r.check(`schema on ${file}`, validate(readJson(linksetDir, file)) === valid, `expected ${valid ? 'valid' : 'invalid'}: ${JSON.stringify(validate.errors)}`);
  }

  const store = createMemoryStore();
  const subjects = createSubjectRegistry(store);
  const unit = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123';
  await recordSubject(store, subjects, unit, { id: 'urn:uuid:1', type: 'DigitalProductPassport', name: 'unit', facets: ['spareParts', 'claims'] });
  await recordSubject(store, subjects, 'https://id.gs1.org/01/09506000134352/10/B2026-11', { id: 'urn:uuid:2', type: 'MaterialCompositionCredential', name: 'batch' });
  await recordSubject(store, subjects, 'https://id.gs1.org/01/09506000134352', { id: 'urn:uuid:3', type: 'MaterialCompositionCredential', name: 'model' });
  for (const origin of ['https://dpp.example', 'http://127.0.0.1:8080']) {
    const served = linkset((await subjects.resolve(parseDigitalLink(unit))).map((record) => linksOf(record, origin)));
    r.check(`our three-level linkset on ${origin}`, served.linkset.length === 3 && validate(served) === true, () => JSON.stringify(validate.errors));
  }
  return r.result;
}
