// UNTP Digital Product Passport: the UNTP JSON Schema (uncefact/spec-untp, read in place) accepts UNTP's own sample,
// accepts our passports as mapped by toUntpPassport (what `dpp verify --role regulator` checks), and refuses a
// passport that is not one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUntpValidator, toUntpPassport } from '../../src/verify/untp.js';
import type { JsonObject } from '../../src/vc/credential.js';
import { findProjectRoot, Recorder, type SuiteResult } from './common.js';

const ARTEFACTS = join('uncefact-spec-untp', 'data-models', 'untp-dpp', 'artefacts');

export async function runUntp(conformanceDir: string): Promise<SuiteResult> {
  const record = new Recorder('untp-dpp');
  const dir = join(conformanceDir, 'uncefact-spec-untp');
  const validator = existsSync(dir) ? createUntpValidator(dir) : undefined;
  if (!validator) {
    record.skip('untp-dpp', `${join(conformanceDir, ARTEFACTS)} is absent`);
    return record.result;
  }
  const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const fixtures = join(findProjectRoot(import.meta.dirname), 'test', 'fixtures');
  const cases: [string, JsonObject, boolean][] = [
    ['UNTP sample untp-dpp-instance.json', json(join(conformanceDir, ARTEFACTS, 'untp-dpp-instance.json')), true],
    ['our passport fixture with its composition, as mapped', toUntpPassport(json(join(fixtures, 'passport.json')), json(join(fixtures, 'material-composition.json'))), true],
    ['our passport fixture alone, as mapped', toUntpPassport(json(join(fixtures, 'passport.json'))), true],
    ['a credential that is not a DigitalProductPassport', { ...toUntpPassport(json(join(fixtures, 'passport.json'))), type: ['VerifiableCredential'] }, false],
  ];
  for (const [name, document, valid] of cases) {
    const result = validator.validate(document);
    if (result.valid === valid) record.pass(name, valid ? 'valid' : `refused: ${result.errors[0]?.path} ${result.errors[0]?.message}`);
    else record.fail(name, valid ? result.errors.map((e) => `${e.path} ${e.message}`).join('; ') : 'accepted, but is not a UNTP DPP');
  }
  return record.result;
}
