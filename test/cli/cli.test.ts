// The `dpp` command as users run it: exit codes 0 verified, 1 not verified, 2 bad usage or input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didKeyIssuer, fixture } from '../helpers.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
let dir: string;
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const dpp = (args: string[], env: Record<string, string> = {}) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

let signed: Record<string, any>;
let jwt: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-cli-'));
  const { did, signer, issuer } = didKeyIssuer(5);
  const credential = { ...fixture('material-composition.json'), issuer: did };
  signed = await issuer.issue(credential, { signer });
  jwt = await issuer.issue(credential, { signer, format: 'vc+jwt' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dpp verify', () => {
  it('exits 0 and prints the verdict first, then one line per check', () => {
    const run = dpp(['verify', file('ok.json', JSON.stringify(signed))]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('✓ VERIFIED');
    expect(lines.filter((l) => l.trim().startsWith('✓'))).toHaveLength(8);
  });

  it('prints the report as JSON with --json, and verifies a vc+jwt file', () => {
    const run = dpp(['verify', file('ok.jwt', jwt), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ verified: true, format: 'vc+jwt' });
    expect(report.checks.map((c: { id: string }) => c.id)).toContain('proof');
  });

  it('exits 1 when something fails, naming the check and code', () => {
    const tampered = structuredClone(signed);
    tampered.credentialSubject.materialProvenance[0].massFraction = 0.9;
    const run = dpp(['verify', file('bad.json', JSON.stringify(tampered))]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ NOT VERIFIED/);
    expect(run.stdout).toMatch(/✗ proof\s+\[PROOF_INVALID\]/);
    const json = JSON.parse(dpp(['verify', file('bad.json', JSON.stringify(tampered)), '--json']).stdout);
    expect(json.verified).toBe(false);
  });

  it('exits 2 on bad usage and unreadable input', () => {
    expect(dpp(['verify']).code).toBe(2);
    expect(dpp(['verify', join(dir, 'missing.json')]).code).toBe(2);
    const malformed = dpp(['verify', file('malformed.json', '{"a": ')]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('[INVALID_JSON]');
    expect(dpp(['verify', 'x.json', '--no-such-flag']).code).toBe(2);
    expect(dpp(['frobnicate']).code).toBe(2);
    expect(dpp([]).code).toBe(2);
  });
});

describe('identities and issuing from the command line', () => {
  it('creates a did:key, issues with it in both forms, and the result verifies', { timeout: 60_000 }, () => {
    const data = join(dir, 'data');
    const env = { DPP_SECRET: '' };
    const created = dpp(['did', 'create', '--data', data], env);
    expect(created.code).toBe(0);
    const did = created.stdout.trim();
    expect(did).toMatch(/^did:key:z6Mk/);
    expect(statSync(join(data, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(dpp(['did', 'list', '--data', data], env).stdout).toContain(did);
    const input = file('unsigned.json', JSON.stringify({ ...fixture('material-composition.json'), issuer: did }));
    const di = dpp(['issue', input, '--data', data], env);
    expect(di.code).toBe(0);
    expect(dpp(['verify', file('issued.json', di.stdout)]).code).toBe(0);
    const vcJwt = dpp(['issue', input, '--format', 'vc+jwt', '--data', data], env);
    expect(vcJwt.code).toBe(0);
    expect(dpp(['verify', file('issued.jwt', vcJwt.stdout)]).code).toBe(0);
    const foreign = file('foreign.json', JSON.stringify({ ...fixture('material-composition.json') }));
    const refused = dpp(['issue', foreign, '--data', data], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('[KEY_NOT_FOUND]');
  });

  it('creates a did:web and rotates its key, keeping the old one published', { timeout: 30_000 }, () => {
    const data = join(dir, 'web');
    const did = dpp(['did', 'create', '--web', 'maker.example', '--data', data]).stdout.trim();
    expect(did).toBe('did:web:maker.example');
    const rotated = dpp(['did', 'rotate', did, '--data', data]);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout).verificationMethod).toHaveLength(2);
  });
});
