// RFC 8785 JSON Canonicalization Scheme: our canonicalJson reproduces cyberphone's expected bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../src/vc/jcs.js';
import { Recorder, missingFolder, type SuiteResult } from './common.js';

const NAME = 'json-canonicalization';

export async function runJcs(conformanceDir: string): Promise<SuiteResult> {
  const dir = join(conformanceDir, 'cyberphone-json-canonicalization', 'testdata');
  const missing = missingFolder(NAME, dir);
  if (missing) return missing;
  const r = new Recorder(NAME);
  for (const file of readdirSync(join(dir, 'input')).sort()) {
    await r.run(file, () => {
      const ours = Buffer.from(canonicalJson(JSON.parse(readFileSync(join(dir, 'input', file), 'utf8'))), 'utf8');
      const expected = readFileSync(join(dir, 'output', file));
      r.check(file, ours.equals(expected), () => `got ${ours.toString('utf8').slice(0, 120)}, expected ${expected.toString('utf8').slice(0, 120)}`);
    });
  }
  return r.result;
}
