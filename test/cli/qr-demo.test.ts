// `dpp qr` through the command line, and `npm start`'s demo: seeded once, reused on the next start.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeQrPng, freePort } from '../helpers.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'dpp-qr-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dpp = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('dpp qr', () => {
  it('writes a PNG that an independent decoder reads back as the canonical Digital Link', () => {
    const out = join(dir, 'unit.png');
    const run = dpp(['qr', 'https://dpp.example/01/9506000134352?x=1', '--format', 'png', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('DL_KEY_NOT_PADDED');
    expect(dpp(['qr', 'https://dpp.example/01/09506000134352/21/HP%21001/10/B1', '--format', 'png', '--out', out]).stderr).toContain('DL_INVALID_PATH');
    const ok = dpp(['qr', 'https://dpp.example/01/09506000134352/10/B1/21/HP%21001?17=271231&linkType=gs1:pip', '--format', 'png', '--out', out]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(decodeQrPng(readFileSync(out))).toBe('https://dpp.example/01/09506000134352/10/B1/21/HP%21001?17=271231&linkType=gs1%3Apip');
  });

  it('prints SVG and terminal forms, and refuses bad usage with exit 2', () => {
    expect(dpp(['qr', 'https://id.gs1.org/01/09506000134352', '--format', 'svg']).stdout).toMatch(/^<svg/);
    expect(dpp(['qr', 'https://id.gs1.org/01/09506000134352']).stdout.length).toBeGreaterThan(100);
    expect(dpp(['qr', 'https://id.gs1.org/01/09506000134352', '--format', 'gif']).status).toBe(2);
    expect(dpp(['qr', 'https://id.gs1.org/01/09506000134352', '--format', 'png']).status).toBe(2);
  });
});

describe('npm start demo', () => {
  const startOnce = (data: string, port: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'serve', '--data', './data', '--demo', '--port', String(port), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (/passport credential:/.test(output)) {
          child.kill('SIGTERM');
          child.once('exit', () => resolve(output));
        }
      });
      child.once('error', reject);
      setTimeout(() => reject(new Error(`no demo output: ${output}`)), 25_000).unref();
    });

  it('creates the demo unit once, prints its Digital Link and QR code, and reuses it; the last --data wins', { timeout: 60_000 }, async () => {
    const data = join(dir, 'demo-data');
    const first = await startOnce(data, await freePort());
    // Another port is another origin and did:web: the demo unit is still the one in the ledger.
    const second = await startOnce(data, await freePort());
    const passport = (out: string) => /passport credential:\s+\S+\/credentials\/(\S+)/.exec(out)![1]!;
    expect(first).toMatch(/Digital Link: http:\/\/127\.0\.0\.1:\d+\/01\/09506000134352\/10\/B2026-11\/21\/HP-000123/);
    expect(first).toMatch(/[▀▄█]/);
    expect(passport(second)).toBe(passport(first));
    expect(readFileSync(join(data, 'secret.key'), 'utf8')).toMatch(/^[0-9a-f]{64}/);
  });
});
