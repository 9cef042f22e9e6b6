// Locates the files shipped beside the code (contexts/, schemas/) whether running from src/ or dist/src/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'contexts', 'manifest.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('dpp-ledger: cannot find the bundled contexts/ folder');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();

export function readAssetJson(...path: string[]): unknown {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, ...path), 'utf8'));
}
