// Bulk minting through the CLI: batches with progress, a bad row failing alone, and a run killed
// half-way finished by running it again, without a duplicate.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GTIN, PREFIX, startLifecycleWorld, type LifecycleWorld } from '../lifecycle-world.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const ENV = { ...process.env, DPP_SECRET: 'bulk-mint-cli', DPP_DID_WEB_HTTP: '1' };

function dpp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 180_000, env: ENV }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0, stdout, stderr });
    });
  });
}

let world: LifecycleWorld;
let wallet: string;
const serial = (i: number) => `BULK-${String(i).padStart(4, '0')}`;
const link = (i: number) => `https://id.gs1.org/01/${GTIN}/10/BULK1/21/${serial(i)}`;

beforeAll(async () => {
  world = await startLifecycleWorld();
  wallet = join(world.dir, 'bulk-wallet');
  const did = (await dpp(['manufacturer', 'init', '--wallet', wallet, '--server', world.origin, '--name', 'bulk-maker'])).stdout.trim();
  const licence = await world.registrar.license(did, PREFIX, { name: 'Bulk maker' });
  expect((await dpp(['manufacturer', 'gtin', '--wallet', wallet, '--gtin', GTIN, '--licence', licence.id])).code).toBe(0);
}, 60_000);
afterAll(() => world?.close());

describe('dpp manufacturer mint --from', { timeout: 180_000 }, () => {
  it('mints a CSV in batches with progress; a killed run resumes without duplicates; a bad row fails alone', async () => {
    const header = 'digitalLink,name,modelNumber,hardwareRevision,firmwareVersion,productionDate,facilityId,facilityName,countryCode,categoryCode,categoryName,categorySchemeId,categorySchemeName';
    const row = (dl: string) => `${dl},Bulk heat pump,B-1,A,1.0.0,2026-02-01,https://id.gs1.org/414/9506000130002,Bulk plant,DE,841861,Heat pumps,https://www.wcoomd.org/en/topics/nomenclature.aspx,HS 2022`;
    const rows = Array.from({ length: 40 }, (_, i) => row(link(i)));
    rows.splice(17, 0, row(`https://id.gs1.org/01/09506000134353/10/BULK1/21/${serial(99)}`)); // a wrong check digit
    const file = join(world.dir, 'units.csv');
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    const args = ['manufacturer', 'mint', '--wallet', wallet, '--from', file, '--batch-size', '4', '--warranty-period', 'P1Y'];

    // Killed as soon as it reports progress: some batches are in, the rest are not.
    const child = spawn(process.execPath, [CLI, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => /\] (8|12)\//.test(chunk.toString()) && resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const before = await world.logSize();
    expect(before).toBeGreaterThan(0);

    const run = await dpp([...args, '--json']);
    expect(run.code).toBe(1); // the bad row
    const summary = JSON.parse(run.stdout);
    expect(summary.total).toBe(41);
    expect(summary.minted + summary.skipped).toBe(40);
    expect(summary.skipped).toBeGreaterThanOrEqual(8);
    expect(summary.failures).toEqual([expect.objectContaining({ code: 'DL_CHECK_DIGIT' })]);
    expect(run.stderr).toMatch(/\[#+\.*\] \d+\/41 +[\d.]+ units\/s +ETA \d+ s/);

    // Every unit once: KeyCredential, passport, warranty; 3 log entries per unit minted in this run.
    for (const i of [0, 7, 16, 39]) {
      const { events } = await world.get<{ events: { type: string }[] }>(`/ledger/events?subject=${encodeURIComponent(link(i))}`);
      expect(events.map((e) => e.type)).toEqual(['KeyCredential', 'DigitalProductPassport', 'WarrantyCredential']);
    }
    expect(await world.logSize()).toBe(before + 3 * summary.minted);
    const again = JSON.parse((await dpp([...args, '--json'])).stdout);
    expect(again).toMatchObject({ minted: 0, skipped: 40, failed: 1 });
  });
});
