#!/usr/bin/env node
// The `dpp` command: parses arguments, runs one command, maps errors to exit codes (2 = bad usage or input).
import { parseArgs } from 'node:util';
import { isDppError } from '../errors.js';
import { HELP, usage } from './usage.js';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      // No default here: `dpp mirror` needs its own folder named; the other commands default to ./data.
      data: { type: 'string' },
      mirror: { type: 'string' },
      'show-key': { type: 'boolean', default: false },
      origin: { type: 'string' },
      token: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      demo: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      format: { type: 'string' },
      out: { type: 'string' },
      web: { type: 'string' },
      trust: { type: 'string' },
      // dpp <role> <action>
      wallet: { type: 'string' },
      server: { type: 'string' },
      name: { type: 'string' },
      unit: { type: 'string' },
      gtin: { type: 'string' },
      licence: { type: 'string' },
      to: { type: 'string' },
      prefix: { type: 'string' },
      org: { type: 'string' },
      passport: { type: 'string' },
      file: { type: 'string' },
      from: { type: 'string' },
      'batch-size': { type: 'string' },
      'warranty-period': { type: 'string' },
      'warranty-start': { type: 'string' },
      'warranty-terms': { type: 'string' },
      transferable: { type: 'boolean' },
      repairer: { type: 'string' },
      'valid-until': { type: 'string' },
      batch: { type: 'string' },
      first: { type: 'string' },
      last: { type: 'string' },
      serials: { type: 'string' },
      reason: { type: 'string' },
      remedy: { type: 'string' },
      hazard: { type: 'string' },
      number: { type: 'string' },
      fault: { type: 'string' },
      work: { type: 'string' },
      part: { type: 'string', multiple: true },
      firmware: { type: 'string' },
      accreditation: { type: 'string' },
      remedies: { type: 'string' },
      date: { type: 'string' },
      buyer: { type: 'string' },
      authorization: { type: 'string' },
      state: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      delete: { type: 'boolean' },
      challenge: { type: 'string' },
      domain: { type: 'string' },
      presentation: { type: 'string' },
      successor: { type: 'string' },
      role: { type: 'string' },
      witness: { type: 'string' },
      checkpoints: { type: 'string' },
      untp: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  const data = values.data ?? './data';
  const out = (line: string) => void process.stdout.write(line + '\n');
  if (values.help || !command) {
    out(HELP);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'serve': {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage('--port must be 0..65535');
      const { serve, serveMirror } = await import('./serve.js');
      if (values.mirror !== undefined && (values.data !== undefined || values.demo || values.origin !== undefined || values.token !== undefined)) {
        throw usage('dpp serve --mirror DIR serves a mirror read-only: no --data, --demo, --origin or --token');
      }
      const tlsOptions = { tlsCert: values['tls-cert'], tlsKey: values['tls-key'] };
      const running = values.mirror !== undefined ? await serveMirror({ port, host: values.host!, mirror: values.mirror, ...tlsOptions }) : await serve({
        port,
        host: values.host!,
        data,
        origin: values.origin,
        token: values.token,
        ...tlsOptions,
        demo: values.demo,
        trust: values.trust,
      });
      const stop = () => void running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return new Promise<number>(() => {});
    }
    case 'verify': {
      if (rest.length !== 1) throw usage('dpp verify takes one Digital Link, bundle file or credential file (or - for standard input)');
      const { verifyCommand } = await import('./verify.js');
      const { json, role, trust, witness, presentation, challenge, domain, checkpoints, untp } = values;
      return verifyCommand(rest[0]!, { json: json!, role, trust, witness, presentation, challenge, domain, checkpoints, untp }, out);
    }
    case 'did': {
      const { didCommand } = await import('./commands.js');
      return didCommand(rest, data, values.web, out);
    }
    case 'issue': {
      if (rest.length !== 1) throw usage('dpp issue takes one credential file (or - for standard input)');
      const { issueCommand } = await import('./commands.js');
      return issueCommand(rest[0]!, values.format ?? 'data-integrity', data, out);
    }
    case 'export': {
      if (rest.length !== 1) throw usage('dpp export takes one Digital Link');
      const { exportCommand } = await import('./export.js');
      return exportCommand(rest[0]!, values.out, out);
    }
    case 'qr': {
      if (rest.length !== 1) throw usage('dpp qr takes one Digital Link');
      const { qrCommand } = await import('./qr.js');
      return qrCommand(rest[0]!, values.format ?? 'terminal', values.out, out);
    }
    case 'mirror': {
      if (rest.length > 1) throw usage('dpp mirror takes one base URL');
      if (values.data === undefined) throw usage('dpp mirror needs --data DIR, the mirror\'s own data folder');
      const { mirrorCommand } = await import('./mirror.js');
      return mirrorCommand(rest[0], { data: values.data, json: values.json!, showKey: values['show-key']! }, out);
    }
    default: {
      const { isRole, roleCommand } = await import('./roles.js');
      if (!isRole(command)) throw usage(`Unknown command: ${command}`);
      if (rest.length > 1) throw usage(`dpp ${command} takes one action and --options`);
      return roleCommand(command, rest[0], values, out);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const parseError = (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS');
    const code = isDppError(err) ? err.code : parseError ? 'USAGE' : undefined;
    process.stderr.write(`dpp: ${code ? `[${code}] ` : ''}${(err as Error)?.message ?? String(err)}\n`);
    // Verification failures never throw (they are reports, exit 1): whatever throws means the command
    // could not do its job (bad usage, unreadable input, a data folder that cannot be opened): exit 2.
    process.exit(2);
  },
);
