// `dpp verify`: reads a credential, verifies it, prints the verdict first and one line per check.
// Imports neither Veramo nor the store, so a verification starts fast.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { createDidResolver } from '../did/resolver.js';
import { createCredentialServices } from '../vc/services.js';
import type { CredentialReport } from '../vc/verify.js';
import { isCompactJws } from '../vc/jose.js';
import { fetchStatusListWith, networkFetch } from './network.js';

/** Reads a credential file: a JSON credential, or the text of a vc+jwt. `-` is standard input. */
export function readCredentialFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8').trim();
  } catch (err) {
    throw new InputError('INVALID_INPUT', `Cannot read ${path}: ${(err as Error).message}`);
  }
  if (isCompactJws(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('INVALID_JSON', `${path} is neither JSON nor a compact JWS`);
  }
}

export async function verifyCommand(file: string, asJson: boolean, out: (s: string) => void): Promise<number> {
  const credential = readCredentialFile(file);
  const fetch = networkFetch();
  const { verifier } = createCredentialServices({ resolver: createDidResolver({ fetch }), now: () => new Date(), fetchStatusList: fetchStatusListWith(fetch) });
  const report = await verifier.verifyCredential(credential);
  out(asJson ? JSON.stringify(publicReport(report), null, 2) : humanReport(report));
  return report.verified ? 0 : 1;
}

function publicReport(report: CredentialReport) {
  const id = report.credential?.id;
  return { verified: report.verified, ...(typeof id === 'string' ? { credential: id } : {}), format: report.format, checks: report.checks };
}

export function humanReport(report: CredentialReport): string {
  const symbol = { pass: '✓', fail: '✗', warn: '!' } as const;
  const lines = [report.verified ? '✓ VERIFIED' : '✗ NOT VERIFIED'];
  if (typeof report.credential?.id === 'string') lines.push(`  credential ${report.credential.id} (${report.format ?? 'unknown format'})`);
  for (const check of report.checks) lines.push(`  ${symbol[check.status]} ${check.id.padEnd(10)} ${check.code ? `[${check.code}] ` : ''}${check.message}`);
  return lines.join('\n');
}
