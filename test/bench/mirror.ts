// Mirror catch-up speed: an origin server (child process) holding a few thousand appended credentials,
// followed from scratch by runMirror in this process; entries per second, credentials included.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519FromSeed, ed25519Signer } from '../../src/did/ed25519.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { didKeyIssuer } from '../helpers.js';
import { runMirror } from '../../src/cli/mirror.js';
import type { JsonObject } from '../../src/vc/credential.js';

const UNITS = Number(process.env.BENCH_MIRROR_UNITS ?? 2000);
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

export async function benchMirror(): Promise<void> {
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'dpp-bench-mirror-'));
  let origin: ChildProcess | undefined;
  try {
    const server = await start([cli, 'serve', '--port', '0', '--data', join(dir, 'origin'), '--token', TOKEN]);
    origin = server.child;
    const base = `http://127.0.0.1:${server.port}`;
    const { did, signer, issuer } = didKeyIssuer(21);
    const template: JsonObject = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      issuer: did,
    };
    const started = performance.now();
    for (let i = 0; i < UNITS; i += 200) {
      const batch: JsonObject[] = [];
      for (let u = i; u < Math.min(UNITS, i + 200); u++) {
        batch.push(await issuer.issue({ ...template, id: `urn:uuid:00000000-0000-4000-9000-${String(u).padStart(12, '0')}`, credentialSubject: { id: `https://id.gs1.org/01/09506000134352/21/M${u}` } }, { signer }));
      }
      const res = await fetch(`${base}/ledger/credentials`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ credentials: batch }) });
      if (res.status !== 201) throw new Error(`append answered ${res.status}: ${await res.text()}`);
    }
    const filled = performance.now() - started;
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
    console.log('');
    console.log(`Mirror catch-up (origin with ${UNITS} credentials appended through POST /ledger/credentials in ${(filled / 1000).toFixed(1)} s)`);
    console.log(`${'mirror from empty: entries + credentials fetched and checked'.padEnd(53)}  ${(report.entriesFetched / seconds).toFixed(0)} entries/s   ${seconds.toFixed(2)} s, verdict ${report.verdict}`);
  } finally {
    origin?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
