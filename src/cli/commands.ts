// `dpp verify`, `dpp did …` and `dpp issue`: thin wrappers over the library.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { createDidResolver } from '../did/resolver.js';
import { createCredentialServices } from '../vc/services.js';
import { rotateKey, ensureDidWeb } from '../vc/agent.js';
import { veramoSigner } from '../vc/veramo-plugin.js';
import type { ProofFormat } from '../vc/issue.js';
import type { CredentialReport } from '../vc/verify.js';
import { networkFetch, openNode } from './node.js';
import { usage } from './usage.js';

/** Reads a credential file: a JSON credential, or the text of a vc+jwt. `-` is standard input. */
export function readCredentialFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8').trim();
  } catch (err) {
    throw new InputError('INVALID_INPUT', `Cannot read ${path}: ${(err as Error).message}`);
  }
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('INVALID_JSON', `${path} is neither JSON nor a compact JWS`);
  }
}

export async function verifyCommand(file: string, asJson: boolean, out: (s: string) => void): Promise<number> {
  const credential = readCredentialFile(file);
  const fetch = networkFetch();
  const { verifier } = createCredentialServices({
    resolver: createDidResolver({ fetch }),
    now: () => new Date(),
    fetchStatusList: async (url) => {
      const response = await fetch(url, { headers: { accept: 'application/vc, application/json' } });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return response.json();
    },
  });
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

export async function didCommand(args: string[], data: string, web: string | undefined, out: (s: string) => void): Promise<number> {
  const [verb, target] = args;
  const node = await openNode(data);
  try {
    if (verb === 'create') {
      const identifier = web
        ? await ensureDidWeb(node.agent, `did:web:${encodeURIComponent(web)}`)
        : await node.agent.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } });
      out(identifier.did);
    } else if (verb === 'list') {
      for (const identifier of await node.agent.didManagerFind()) out(identifier.did);
    } else if (verb === 'rotate') {
      if (!target?.startsWith('did:web:')) throw usage('dpp did rotate needs a did:web');
      await rotateKey(node.agent, node.store, target);
      out(JSON.stringify(await node.publish(target), null, 2));
    } else throw usage(`Unknown: dpp did ${verb ?? ''}`);
    return 0;
  } finally {
    await node.close();
  }
}

export async function issueCommand(file: string, format: string, data: string, out: (s: string) => void): Promise<number> {
  if (format !== 'data-integrity' && format !== 'vc+jwt') throw usage('--format is data-integrity or vc+jwt');
  const credential = readCredentialFile(file) as Record<string, unknown>;
  const node = await openNode(data);
  try {
    const issuer = typeof credential?.issuer === 'string' ? credential.issuer : (credential?.issuer as { id?: string })?.id;
    const signer = await veramoSigner({ agent: node.agent } as Parameters<typeof veramoSigner>[0], String(issuer));
    const secured = await node.services.issuer.issue(credential, { signer, format: format as ProofFormat });
    out(typeof secured === 'string' ? secured : JSON.stringify(secured, null, 2));
    return 0;
  } finally {
    await node.close();
  }
}
