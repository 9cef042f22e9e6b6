// The trust file `dpp serve --trust` and `dpp verify --trust` read: {"registrars": ["did:…", …]}, the
// registrars whose company-prefix licences count.
import { readFileSync } from 'node:fs';
import { usage } from './usage.js';

export function readTrustFile(file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw usage(`${file} is not a readable JSON trust file: ${(err as Error).message}`);
  }
  const registrars = (parsed as { registrars?: unknown })?.registrars;
  if (!Array.isArray(registrars) || !registrars.every((r) => typeof r === 'string' && r.startsWith('did:'))) throw usage(`${file} must be {"registrars": ["did:…", …]}`);
  return registrars as string[];
}
