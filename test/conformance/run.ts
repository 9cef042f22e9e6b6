// `npm run conformance`: runs every conformance family against the public vectors in ../shared/conformance/.
//
// The vectors are read in place (never copied into this repository). Where the folder is absent, every
// suite is skipped and the run says so and exits 0. Set DPP_CONFORMANCE_DIR to read them elsewhere.
// Output: one line per family, its failures and skips (first 10 each), then `N passed, M failed`; exit 1
// if any failed. DPP_CONFORMANCE_VERBOSE=1 also lists every passed case and how it passed.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, findProjectRoot, type Suite, type SuiteResult } from './common.js';
import { runVcDiEddsa } from './vc-di-eddsa.js';
import { runDidMethodKey } from './did-method-key.js';
import { runVcDataModel } from './vc-data-model.js';
import { runVcJoseCose } from './vc-jose-cose.js';
import { runBitstringStatusList } from './bitstring-status-list.js';
import { runGs1 } from './gs1.js';
import { runGs1Resolver } from './gs1-resolver.js';
import { runMerkle } from './merkle.js';
import { runJcs } from './jcs.js';
import { runUntp } from './untp.js';

const FAMILIES: ReadonlyArray<readonly [string, Suite]> = [
  ['vc-di-eddsa', runVcDiEddsa],
  ['did-method-key', runDidMethodKey],
  ['vc-data-model-2.0', runVcDataModel],
  ['vc-jose-cose', runVcJoseCose],
  ['bitstring-status-list', runBitstringStatusList],
  ['gs1-digital-link', runGs1],
  ['gs1-resolver', runGs1Resolver],
  ['transparency-dev-merkle', runMerkle],
  ['json-canonicalization', runJcs],
  ['untp-dpp', runUntp],
];

const SHOWN = 10;

async function main(): Promise<number> {
  const root = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
  const override = process.env.DPP_CONFORMANCE_DIR;
  const dir = override ? resolve(override) : join(root, '..', 'shared', 'conformance');
  if (!existsSync(dir)) {
    console.log('conformance: ../shared/conformance is absent — every conformance suite SKIPPED');
    console.log(`(looked in ${dir}${override ? ', from DPP_CONFORMANCE_DIR' : ''})`);
    return 0;
  }
  console.log(`conformance: vectors from ${dir}`);

  const results: SuiteResult[] = [];
  for (const [name, suite] of FAMILIES) {
    try {
      results.push(await suite(dir));
    } catch (err) {
      results.push({ name, passed: 0, failed: 1, skipped: 0, failures: [`the family crashed: ${describeError(err)}`] });
    }
  }

  for (const result of results) {
    const disagreed = result.disagreements?.length ? `, ${result.disagreements.length} known disagreements` : '';
    console.log(`${result.name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped${disagreed}`);
  }
  for (const result of results) {
    if (result.failures.length) {
      console.log(`\n${result.name} failures:`);
      for (const failure of result.failures.slice(0, SHOWN)) console.log(`  FAIL ${failure}`);
      if (result.failures.length > SHOWN) console.log(`  … and ${result.failures.length - SHOWN} more`);
    }
    if (process.env.DPP_CONFORMANCE_VERBOSE === '1' && result.passes?.length) {
      console.log(`\n${result.name} passed:`);
      for (const passed of result.passes) console.log(`  PASS ${passed}`);
    }
    if (result.disagreements?.length) {
      console.log(`\n${result.name} known disagreements (not failures):`);
      for (const d of result.disagreements) console.log(`  DISAGREE ${d}`);
    }
    const skips = result.skips ?? [];
    if (skips.length) {
      console.log(`\n${result.name} skipped:`);
      for (const skip of skips.slice(0, SHOWN)) console.log(`  SKIP ${skip}`);
      if (skips.length > SHOWN) console.log(`  … and ${skips.length - SHOWN} more`);
    }
  }

  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log('');
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`conformance: ${describeError(err)}`);
    process.exitCode = 1;
  },
);
