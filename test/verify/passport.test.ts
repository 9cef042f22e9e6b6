// The independent verifier through its three interfaces: the library, `dpp verify` (online, and offline on a
// bundle with networking refused), and `POST /passports/verify`; its memory of checkpoints and a witness.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLifecycleWorld, type LifecycleWorld } from '../lifecycle-world.js';
import { verifyPassport, type PassportVerifierDeps } from '../../src/verify/passport.js';
import { memoryCheckpointStore } from '../../src/verify/checkpoints.js';
import { networkFetch } from '../../src/cli/network.js';
import { DEMO_UNIT } from '../../src/cli/demo.js';
import { formatDigitalLink, parseDigitalLink } from '../../src/gs1/index.js';
import { runMirror, witnessSigner } from '../../src/cli/mirror.js';
import { serveMirror } from '../../src/cli/serve.js';
import { openNode } from '../../src/cli/node.js';
import type { PassportReport } from '../../src/verify/types.js';
import { createRegistrar } from '../../agents/registrar.js';
import { freePort } from '../helpers.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const NO_NETWORK = fileURLToPath(new URL('../fixtures/no-network.mjs', import.meta.url));

function dpp(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, CLI, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DPP_DID_WEB_HTTP: '1', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let world: LifecycleWorld;
let link: string;
let trustFile: string;
let registrar: string;
const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
const codes = (report: PassportReport, status = 'fail') => report.checks.filter((c) => c.status === status).map((c) => c.code);

beforeAll(async () => {
  world = await startLifecycleWorld({ demo: true, parties: false });
  link = formatDigitalLink(parseDigitalLink(DEMO_UNIT), { stem: world.origin });
  registrar = `did:web:${new URL(world.origin).host.replace(':', '%3A')}:parties:demo-registrar`;
  trustFile = join(world.dir, 'demo-trust.json');
  writeFileSync(trustFile, JSON.stringify({ registrars: [registrar] }));
}, 60_000);
afterAll(() => world?.close());

const deps = (extra: Partial<PassportVerifierDeps> = {}): PassportVerifierDeps => ({ now: () => new Date(), checkpoints: memoryCheckpointStore(), trustedRegistrars: [registrar], fetch, ...extra });

describe('verifyPassport (library)', () => {
  it('verifies the demo passport from its Digital Link: every credential, the chains, the log, authority', async () => {
    const report = await verifyPassport({ digitalLink: link }, deps());
    expect(codes(report), JSON.stringify(report.checks.filter((c) => c.status === 'fail'), null, 1)).toEqual([]);
    expect(report.verified).toBe(true);
    expect(report.unit).toBe('(01)09506000134352(21)HP-000123');
    expect(report.source).toBe('network');
    const ids = report.checks.map((c) => c.id);
    for (const id of ['digital-link', 'chain', 'linkset', 'log-key', 'checkpoint', 'log', 'seen', 'fresh', 'credential', 'authority']) expect(ids).toContain(id);
    // The resale: the first ownership is revoked by its transfer, and still counts as history.
    const ownerships = report.credentials.filter((c) => c.type === 'OwnershipCredential');
    expect(ownerships.map((o) => o.status.revoked)).toEqual([true, false]);
    expect(ownerships.every((o) => o.verified)).toBe(true);
    // The open recall on the batch is a warning on the passport, not a failure.
    expect(codes(report, 'warn')).toContain('STATUS_MESSAGE');
    expect(report.checkpoint?.size).toBe(await world.logSize());
  });

  it('identifies the unit by its element string, not the host it was fetched from', async () => {
    const viaLocalhost = link.replace('127.0.0.1', 'localhost');
    const report = await verifyPassport({ digitalLink: viaLocalhost }, deps());
    expect(report.verified).toBe(true);
    expect(report.unit).toBe('(01)09506000134352(21)HP-000123');
  });

  it('without trusted registrars, follows the licences but warns that any registrar was taken at its word', async () => {
    const report = await verifyPassport({ digitalLink: link }, deps({ trustedRegistrars: undefined }));
    expect(report.verified).toBe(true);
    expect(codes(report, 'warn')).toContain('CHECK_UNAVAILABLE');
    const strangers = await verifyPassport({ digitalLink: link }, deps({ trustedRegistrars: ['did:web:registrar.example'] }));
    expect(strangers.verified).toBe(false);
    expect(codes(strangers)).toContain('POLICY_DENIED');
    expect(codes(strangers)).toContain('GTIN_NOT_LICENSED');
  });

  it('remembers the checkpoint, then holds the log to it: grown and consistent passes, another key fails', async () => {
    const checkpoints = memoryCheckpointStore();
    const first = await verifyPassport({ digitalLink: link }, deps({ checkpoints }));
    const seen = await checkpoints.get(first.checkpoint!.origin);
    expect(seen?.size).toBe(first.checkpoint!.size);
    // The log grows (a licence by the world's trusted registrar: any append will do); the next run proves it only grew.
    const registrar = createRegistrar(await world.party('registrar'));
    await registrar.license((await world.party()).did, '9506001', { name: 'Another' });
    expect(await world.logSize()).toBeGreaterThan(seen!.size);
    const second = await verifyPassport({ digitalLink: link }, deps({ checkpoints }));
    expect(second.verified).toBe(true);
    expect(second.checks.find((c) => c.id === 'seen')?.message).toMatch(/Consistent with the checkpoint seen/);
    expect((await checkpoints.get(first.checkpoint!.origin))?.size).toBe(await world.logSize());
    const forged = memoryCheckpointStore([{ ...seen!, verifierKey: seen!.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+') }]);
    const changed = await verifyPassport({ digitalLink: link }, deps({ checkpoints: forged }));
    expect(changed.verified).toBe(false);
    expect(codes(changed)).toContain('LOG_KEY_CHANGED');
  });

  it('checks the checkpoint against a witness that mirrors the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpp-witness-'));
    const node = await openNode(join(dir, 'mirror'));
    try {
      const mirrored = await runMirror({ store: node.store, baseUrl: world.origin, fetch, now: Date.now, witness: () => witnessSigner(node) });
      expect(mirrored.verified).toBe(true);
    } finally {
      await node.close();
    }
    const port = await freePort();
    const mirror = await serveMirror({ port, host: '127.0.0.1', mirror: join(dir, 'mirror') }, () => {});
    try {
      const report = await verifyPassport({ digitalLink: link }, deps({ witness: `http://127.0.0.1:${port}` }));
      expect(report.verified).toBe(true);
      expect(report.checks.find((c) => c.id === 'witness')?.status).toBe('pass');
    } finally {
      await mirror.close();
    }
  });

  it('reports a Digital Link that is not one as a failed check, and a bundle of the wrong shape likewise', async () => {
    const bad = await verifyPassport({ digitalLink: 'https://example.com/not-a-digital-link' }, deps());
    expect(bad.verified).toBe(false);
    expect(bad.checks[0]?.id).toBe('digital-link');
    const notBundle = await verifyPassport({ bundle: { type: 'Something', digitalLink: link } }, deps());
    expect(notBundle.verified).toBe(false);
    expect(codes(notBundle)).toEqual(['INVALID_INPUT']);
  });
});

describe('dpp verify', () => {
  it('verifies a Digital Link: the verdict first, one line per check; remembers the checkpoint in $DPP_HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dpp-home-'));
    const run = await dpp(['verify', link, '--trust', trustFile], { DPP_HOME: home });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('✓ VERIFIED  (01)09506000134352(21)HP-000123');
    expect(lines.some((l) => /^ {2}✓ chain /.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}! status +\[STATUS_MESSAGE\]/.test(l))).toBe(true);
    expect(readdirSync(join(home, 'checkpoints'))).toHaveLength(1);
    const json = await dpp(['verify', link, '--trust', trustFile, '--json'], { DPP_HOME: home });
    const report = JSON.parse(json.stdout) as PassportReport;
    expect(report.verified).toBe(true);
    expect(report.subject).toBe(link);
    expect(report.checks.find((c) => c.id === 'seen')?.status).toBe('pass');
  });

  it('verifies an exported bundle offline, with networking refused, against the checkpoints seen', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dpp-home-'));
    const file = join(home, 'bundle.json');
    expect((await dpp(['export', link, '--out', file])).code).toBe(0);
    const offline = await dpp(['verify', file, '--trust', trustFile, '--json'], { DPP_HOME: home }, ['--import', NO_NETWORK]);
    expect(offline.code, offline.stderr + offline.stdout).toBe(0);
    const report = JSON.parse(offline.stdout) as PassportReport;
    expect(report.source).toBe('bundle');
    expect(report.verified).toBe(true);
    expect(codes(report, 'warn')).toContain('FRESHNESS_UNCHECKED');
    // The preload really refuses the network: a Digital Link cannot be verified under it.
    const online = await dpp(['verify', link, '--json'], { DPP_HOME: home }, ['--import', NO_NETWORK]);
    expect(online.code).toBe(1);
    expect(online.stdout).toMatch(/networking refused/);
    // A bundle whose checkpoint contradicts the one remembered: same size, another root.
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    const [origin, size, root] = String(bundle.checkpoint).split('\n');
    const seenFile = join(home, 'checkpoints', readdirSync(join(home, 'checkpoints'))[0]!);
    const seen = JSON.parse(readFileSync(seenFile, 'utf8'));
    expect([seen.origin, String(seen.size), seen.root]).toEqual([origin, size, root]);
    writeFileSync(seenFile, JSON.stringify({ ...seen, root: Buffer.alloc(32, 7).toString('base64') }));
    const contradicted = await dpp(['verify', file, '--json'], { DPP_HOME: home }, ['--import', NO_NETWORK]);
    expect(contradicted.code).toBe(1);
    expect(codes(JSON.parse(contradicted.stdout))).toContain('LOG_INCONSISTENT');
  });

  it('exits 2 on bad usage, 1 on an unresolvable Digital Link', async () => {
    expect((await dpp(['verify', link, '--role', 'auditor'])).code).toBe(2);
    expect((await dpp(['verify', '/nonexistent/bundle.json'])).code).toBe(2);
    expect((await dpp(['verify', link, '--presentation', trustFile])).code).toBe(2);
    const home = mkdtempSync(join(tmpdir(), 'dpp-home-'));
    const unknown = await dpp(['verify', `${world.origin}/01/09506000134352/21/NOPE`, '--json'], { DPP_HOME: home });
    expect(unknown.code).toBe(1);
    const report = JSON.parse(unknown.stdout) as PassportReport;
    expect(report.verified).toBe(false);
    expect(codes(report)).toEqual(['NOT_FOUND']);
  });
});

describe('POST /passports/verify', () => {
  const post = (body: unknown) => globalThis.fetch(`${world.origin}/passports/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('verifies a passport from its Digital Link or from a bundle', async () => {
    const byLink = await post({ digitalLink: link });
    expect(byLink.status).toBe(200);
    const report = (await byLink.json()) as PassportReport;
    expect(codes(report), JSON.stringify(report.checks.filter((c) => c.status === 'fail'))).toEqual([]);
    const bundle = await (await globalThis.fetch(`${world.origin}/bundle${new URL(link).pathname}`)).json();
    const byBundle = (await (await post({ bundle })).json()) as PassportReport;
    expect(byBundle.verified).toBe(true);
    expect(byBundle.source).toBe('bundle');
    const tampered = structuredClone(bundle);
    tampered.chains[0].events[1].credential.credentialSubject.name = 'Something else';
    const refused = (await (await post({ bundle: tampered })).json()) as PassportReport;
    expect(refused.verified).toBe(false);
    expect(codes(refused)).toContain('PROOF_INVALID');
  });

  it('answers 400 with a stable code for a body that is neither', async () => {
    for (const body of [{}, { digitalLink: link, bundle: {} }, { digitalLink: link, options: { role: 'auditor' } }, { digitalLink: 42 }]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('INVALID_INPUT');
    }
  });
});
