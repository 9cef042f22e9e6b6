// Mirror catch-up speed: an origin server (child `dpp serve`) holding a few thousand log entries, followed from
// scratch by runMirror in this process; entries per second, credentials included.
//
// The origin is filled the way a manufacturer fills a real one: through the signed write API and its policy. A
// trusted registrar (its hosted name claimed with the operator token) licenses a company prefix, the manufacturer
// registers its GTIN, then mints units in batches, each unit a KeyCredential and a DigitalProductPassport (two log
// entries) in one signed append per batch. The next batch is signed here while the server verifies the last one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519FromSeed, ed25519Signer } from '../../src/did/ed25519.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { networkFetch } from '../../src/cli/network.js';
import { runMirror } from '../../src/cli/mirror.js';
import { createParty } from '../../agents/party.js';
import { createLedgerClient } from '../../agents/client.js';
import { createActor, type Actor, type Secured } from '../../agents/actor.js';
import { hostedIdentity } from '../../agents/identity.js';
import { createRegistrar } from '../../agents/registrar.js';
import { createManufacturer, type UnitSpec } from '../../agents/manufacturer.js';
import { TEST_SECRET, freePort } from '../helpers.js';
import { GTIN, PASSPORT, PREFIX } from '../lifecycle-world.js';

/** Units minted on the origin; each is two log entries (KeyCredential + passport). */
const UNITS = Number(process.env.BENCH_MIRROR_UNITS ?? 1000);
/** Units per signed append (one request, one durable ledger write). */
const BATCH = Number(process.env.BENCH_MIRROR_BATCH ?? 50);
const TOKEN = 'bench-mirror-token-0123456789';

function start(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const port = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** The log's size as its checkpoint says. */
async function logSize(base: string): Promise<number> {
  return Number((await (await fetch(`${base}/log/checkpoint`)).text()).split('\n')[1]);
}

/**
 * A licensed manufacturer on the origin at `base` (whose trust file names `registrar`'s hosted DID), with its GTIN
 * registered: the licence chain every unit's KeyCredential extends.
 */
async function licensedManufacturer(base: string) {
  const client = createLedgerClient({ baseUrl: base });
  const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
  const party = async (name: string): Promise<Actor> => {
    const p = createParty({ store: createMemoryStore(), secretKeyHex: TEST_SECRET, now: () => new Date(), fetch });
    const did = await hostedIdentity(p, client, name, name === 'registrar' ? TOKEN : undefined);
    return createActor({ party: p, did, client });
  };
  const registrar = createRegistrar(await party('registrar'));
  const manufacturer = createManufacturer(await party('bench-maker'));
  const licence = await registrar.license(manufacturer.actor.did, PREFIX, { name: 'Bench Maker' });
  await manufacturer.registerGtin(GTIN, licence.id);
  return manufacturer;
}

/** Mints `count` units in batches of `batch`, signing batch n+1 while the server verifies and appends batch n. */
async function mintUnits(manufacturer: ReturnType<typeof createManufacturer>, count: number, batch: number): Promise<void> {
  const { actor } = manufacturer;
  let sending: Promise<unknown> = Promise.resolve();
  for (let at = 0; at < count; at += batch) {
    const specs: UnitSpec[] = [];
    for (let u = at; u < Math.min(count, at + batch); u++) {
      specs.push({ digitalLink: `https://id.gs1.org/01/${GTIN}/10/B${Math.floor(u / 500)}/21/M${u}`, passport: PASSPORT });
    }
    const [revocation, message] = await Promise.all([actor.allocateStatus('revocation', specs.length), actor.allocateStatus('message', specs.length)]);
    const items: Secured[] = [];
    for (const [i, spec] of specs.entries()) items.push(...(await manufacturer.prepareUnit(spec, [revocation[i]!, message[i]!])));
    await sending;
    sending = actor.append(items);
    // Awaited at the next turn; until then a refusal must not count as an unhandled rejection.
    sending.catch(() => {});
  }
  await sending;
}

export async function benchMirror(): Promise<void> {
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'dpp-bench-mirror-'));
  let origin: ChildProcess | undefined;
  try {
    // The trusted registrar's did:web names the origin's port, so the port is chosen before the server starts.
    const port = await freePort();
    const trust = join(dir, 'trust.json');
    writeFileSync(trust, JSON.stringify({ registrars: [`did:web:127.0.0.1%3A${port}:parties:registrar`] }));
    const server = await start([cli, 'serve', '--port', String(port), '--data', join(dir, 'origin'), '--token', TOKEN, '--trust', trust]);
    origin = server.child;
    const base = `http://127.0.0.1:${server.port}`;
    const started = performance.now();
    const manufacturer = await licensedManufacturer(base);
    await mintUnits(manufacturer, UNITS, BATCH);
    const filled = performance.now() - started;
    const entries = await logSize(base);
    const key = ed25519FromSeed(new Uint8Array(32).fill(22));
    const t = performance.now();
    const report = await runMirror({
      store: createMemoryStore(),
      baseUrl: base,
      fetch: (url, init) => fetch(url, init),
      now: () => Date.now(),
      witness: async () => ({ name: 'bench-witness', publicKey: key.publicKey, sign: ed25519Signer(key.secretKey) }),
    });
    const seconds = (performance.now() - t) / 1000;
    if (report.entriesFetched !== entries || report.credentialsFetched !== entries) {
      process.stderr.write(`  WARNING: the mirror fetched ${report.entriesFetched} entries and ${report.credentialsFetched} credentials of a log of ${entries}\n`);
    }
    console.log('');
    console.log(
      `Mirror catch-up (origin with ${entries} credentials appended through POST /ledger/credentials in ${(filled / 1000).toFixed(1)} s: ` +
        `${UNITS} units, each a KeyCredential and a passport, signed by a licensed manufacturer, ${BATCH} units per signed request)`,
    );
    console.log(`${'mirror from empty: entries + credentials fetched and checked'.padEnd(53)}  ${(report.entriesFetched / seconds).toFixed(0)} entries/s   ${seconds.toFixed(2)} s, verdict ${report.verdict}`);
  } finally {
    origin?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
