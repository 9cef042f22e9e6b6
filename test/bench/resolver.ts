// Resolver throughput with autocannon on loopback: the 307 path and the linkset path, next to a trivial
// express handler measured in the same run. Servers run in child processes; the load comes from this one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = 10;

function start(args: string[], match: RegExp): Promise<{ child: ChildProcess; lines: string[]; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      lines.push(...chunk.split('\n'));
      const port = lines.map((l) => match.exec(l)?.[1]).find(Boolean);
      if (port && lines.some((l) => l.includes('Digital Link') || l.startsWith('trivial'))) resolve({ child, lines, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function load(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result['4xx'] + result['5xx'] + result.errors };
}

export async function benchResolver(): Promise<void> {
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'dpp-bench-resolver-'));
  const trivialSource = `const e=require(${JSON.stringify(fileURLToPath(new URL('../../../node_modules/express/index.js', import.meta.url)))});const a=e();a.get('/01/*p',(q,r)=>r.redirect(307,'http://127.0.0.1/x'));const s=a.listen(0,'127.0.0.1',()=>console.log('trivial on '+s.address().port));`;
  const servers: ChildProcess[] = [];
  try {
    const trivial = await start(['-e', trivialSource], /trivial on (\d+)/);
    servers.push(trivial.child);
    const ours = await start([cli, 'serve', '--port', '0', '--data', join(dir, 'data'), '--demo', '--token', 'bench-token-0123456789'], /serving on http:\/\/127\.0\.0\.1:(\d+)/);
    servers.push(ours.child);
    const link = ours.lines.map((l) => /Digital Link: (\S+)/.exec(l)?.[1]).find(Boolean)!;

    const base = await load(`http://127.0.0.1:${trivial.port}${new URL(link).pathname}`);
    const redirect = await load(link);
    const linksetPath = await load(`${link}?linkType=linkset`);
    const rows: [string, typeof base][] = [
      ['trivial express 307 handler', base],
      ['resolver 307 (default link)', redirect],
      ['resolver linkset (application/linkset+json)', linksetPath],
    ];
    console.log('');
    console.log(`Resolver on loopback (autocannon, ${CONNECTIONS} connections, ${DURATION_S} s each)`);
    console.log('Path                                                   req/s        p99 ms   4xx/5xx/errors');
    for (const [name, r] of rows) console.log(`${name.padEnd(53)}  ${r.rps.toFixed(0).padEnd(11)}  ${String(r.p99).padEnd(7)}  ${r.errors}`);
    const ratio = redirect.rps / base.rps;
    console.log(`${'resolver 307 / trivial handler'.padEnd(53)}  ${ratio.toFixed(3).padEnd(11)}  target >= 0.8  ${ratio >= 0.8 ? 'yes' : 'NO'}`);
    console.log(`${'resolver linkset / trivial handler'.padEnd(53)}  ${(linksetPath.rps / base.rps).toFixed(3)}`);
  } finally {
    for (const server of servers) server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
