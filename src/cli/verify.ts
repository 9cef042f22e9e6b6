// `dpp verify`: a passport (from its Digital Link, or a bundle file offline) or a single credential, verified;
// the verdict first, then one line per check. Imports neither Veramo nor the store, so it starts fast.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { PACKAGE_ROOT } from '../assets.js';
import { fileCheckpointStore } from '../storage/seen-checkpoints.js';
import { sharedProofPool } from '../vc/proof-pool.js';
import { BUNDLE_TYPE } from '../ledger/bundle.js';
import { verifyPassport, type PassportInput } from '../verify/passport.js';
import { VERIFIER_ROLES, type PassportReport, type VerifierRole } from '../verify/types.js';
import type { Check } from '../vc/report.js';
import { readTrustFile } from './trust.js';
import { usage } from './usage.js';
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

export interface VerifyOptions {
  json: boolean;
  role?: string;
  trust?: string;
  witness?: string;
  presentation?: string;
  challenge?: string;
  domain?: string;
  /** Where seen checkpoints are kept (default `$DPP_HOME/checkpoints`, `$DPP_HOME` defaulting to `~/.dpp`). */
  checkpoints?: string;
  untp?: string;
}

const SYMBOL = { pass: '✓', fail: '✗', warn: '!' } as const;

/** `dpp verify <digital-link | bundle.json | credential>`: 0 verified, 1 not, 2 bad usage (thrown). */
export async function verifyCommand(target: string, options: VerifyOptions, out: (s: string) => void): Promise<number> {
  const isLink = /^https?:\/\//i.test(target);
  const document = isLink ? undefined : readCredentialFile(target);
  const isBundle = typeof document === 'object' && document !== null && (document as { type?: unknown }).type === BUNDLE_TYPE;
  const passportOnly = options.role ?? options.trust ?? options.witness ?? options.presentation ?? options.challenge ?? options.checkpoints;
  if (!isLink && !isBundle) {
    if (passportOnly !== undefined) throw usage('--role, --trust, --witness, --presentation, --challenge and --checkpoints are for a passport: a Digital Link or a bundle from dpp export');
    return verifyCredentialCommand(document, options.json, out);
  }
  if (options.role !== undefined && !(VERIFIER_ROLES as readonly string[]).includes(options.role)) throw usage(`--role is one of ${VERIFIER_ROLES.join(', ')}`);
  if (options.presentation !== undefined && options.role !== 'buyer') throw usage('--presentation is the seller\'s, for --role buyer');
  if (options.witness !== undefined && !isLink) throw usage('--witness is read over the network: verify a Digital Link, not a bundle');
  const home = process.env.DPP_HOME ?? join(homedir(), '.dpp');
  const input: PassportInput = isLink ? { digitalLink: target } : { bundle: document };
  const report = await verifyPassport(
    input,
    {
      now: () => new Date(),
      checkpoints: fileCheckpointStore(options.checkpoints ?? join(home, 'checkpoints')),
      trustedRegistrars: options.trust ? readTrustFile(options.trust) : undefined,
      // A bundle is verified offline: nothing is fetched, whatever the machine can reach.
      fetch: isLink ? networkFetch() : undefined,
      witness: options.witness,
      proofPool: sharedProofPool(),
    },
    {
      role: options.role as VerifierRole | undefined,
      presentation: options.presentation !== undefined ? readJsonFile(options.presentation) : undefined,
      challenge: options.challenge,
      domain: options.domain,
      untpDir: untpDir(options.untp),
    },
  );
  out(options.json ? JSON.stringify(report, null, 2) : humanPassportReport(report));
  return report.verified ? 0 : 1;
}

/** The UNTP artefacts the regulator's view validates against: `--untp DIR`, else the conformance folder beside the checkout, if there. */
export function untpDir(given?: string): string | undefined {
  const dir = given ?? resolve(PACKAGE_ROOT, '..', 'shared', 'conformance', 'uncefact-spec-untp');
  return existsSync(dir) ? dir : undefined;
}

function readJsonFile(path: string): unknown {
  const value = readCredentialFile(path);
  if (typeof value === 'string') throw new InputError('INVALID_INPUT', `${path} is a JWS; a presentation is JSON`);
  return value;
}

/** The verdict first, then where it came from, then one line per check, then the role's summary. */
export function humanPassportReport(report: PassportReport): string {
  const lines = [`${report.verified ? '✓ VERIFIED' : '✗ NOT VERIFIED'}  ${report.unit ?? report.subject}`];
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push(`  ${report.source === 'network' ? `from ${report.subject}` : 'from a bundle, offline'} · ${report.credentials.length} credentials` +
    (report.checkpoint ? ` · log ${report.checkpoint.origin} at size ${report.checkpoint.size}` : '') + ` · ${failed} failed, ${warned} warnings`);
  if (report.role) lines.push(`  role: ${report.role}`);
  for (const check of report.checks) lines.push(checkLine(check));
  if (report.view) {
    lines.push(`  ${report.role} summary:`);
    for (const [key, value] of Object.entries(report.view)) lines.push(`    ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

function checkLine(check: Check): string {
  return `  ${SYMBOL[check.status]} ${check.id.padEnd(12)} ${check.code ? `[${check.code}] ` : ''}${check.message}`;
}

async function verifyCredentialCommand(credential: unknown, asJson: boolean, out: (s: string) => void): Promise<number> {
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
  const lines = [report.verified ? '✓ VERIFIED' : '✗ NOT VERIFIED'];
  if (typeof report.credential?.id === 'string') lines.push(`  credential ${report.credential.id} (${report.format ?? 'unknown format'})`);
  for (const check of report.checks) lines.push(checkLine(check));
  return lines.join('\n');
}
