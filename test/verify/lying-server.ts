// A lying server for the verifier's tests: an HTTP proxy on 127.0.0.1 that forwards every request to a real
// server (one of several named backends, switchable at any time) and, for the paths a rule matches, answers
// something else: the real answer rewritten (a JSON body, the checkpoint text, a proof, an entry tile), another
// backend's answer, or something no honest server sends (404, an HTML page, an answer that never ends, a
// 50 MB body, invalid JSON). Rules are tried in the order added; the first that matches answers.
//
// Putting the proxy in the verifier's path for everything. The server's Digital Links, its bundle's links, its
// status list URLs, its log origin and every did:web it hosts (did:web:127.0.0.1%3A<port>…) all name the
// server's `origin`. Rather than rewrite every URL the server writes (and every signed credential that names
// one, which rewriting would break), the server is started with `origin` = the proxy's URL: pick the proxy's
// port first (`freePort()`, or `startLyingServer()` then `proxy.url`), start the server on any other port with
// `serve({ port, origin: proxy.url, … })`, then `proxy.use(name, serverUrl)`. Everything the verifier
// fetches (linkset, bundle, DID documents, status lists, checkpoint, proofs, tiles) and every signed write of
// the test's parties then goes through the proxy, and a second server opened on a copy of the first one's data
// folder with the same `origin` is the same log (same log key, same origin line) behind the same URLs: switching
// backends is the log rewritten.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The real server's answer, read whole. */
export interface Upstream {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The body as JSON (throws when it is not). */
  json<T = any>(): T;
  text(): string;
}

export interface LieContext {
  /** The request as the verifier made it (path and query as sent to the proxy). */
  url: URL;
  method: string;
  /** The answer of the backend in use (or `backend`) to the same request. */
  upstream(backend?: string): Promise<Upstream>;
}

/** What a rule answers instead: a status, headers and a body (an object is sent as JSON). */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | object;
}

/** A lie: returns the answer to send, or writes `res` itself (and returns nothing) for answers that stream. */
export type Lie = (ctx: LieContext, res: ServerResponse) => Promise<Answer | void> | Answer | void;

/** A path prefix (`/bundle/`), an exact path (`/log/checkpoint`), a RegExp on path + query, or a predicate. */
export type Match = string | RegExp | ((url: URL, method: string) => boolean);

export interface Rule {
  match: Match;
  lie: Lie;
  /** Stop lying after this many answers. */
  times?: number;
}

export interface LyingServer {
  /** `http://127.0.0.1:<port>`: the origin to give the real server. */
  readonly url: string;
  readonly port: number;
  /** Names the backend `name` (its base URL) and, unless `switchTo` is false, forwards there from now on. */
  use(name: string, base?: string, switchTo?: boolean): void;
  /** The backend in use. */
  readonly backend: string;
  /** Adds a rule (tried after the ones before it); returns a function that removes it. */
  lie(match: Match, lie: Lie, times?: number): () => void;
  /** Removes every rule (backends stay). */
  reset(): void;
  /** Every request seen, `METHOD path?query`, oldest first (cleared by `reset`). */
  readonly requests: string[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection']);

function matches(match: Match, url: URL, method: string): boolean {
  if (typeof match === 'string') return match.endsWith('/') ? url.pathname.startsWith(match) : url.pathname === match;
  if (match instanceof RegExp) return match.test(url.pathname + url.search);
  return match(url, method);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function upstreamOf(status: number, headers: Headers, body: Buffer): Upstream {
  return {
    status,
    headers,
    body,
    json: () => JSON.parse(body.toString('utf8')),
    text: () => body.toString('utf8'),
  };
}

/** Starts the proxy on `port` (0: any free port) with no backend yet: `use()` names one before the first request. */
export async function startLyingServer(options: { port?: number; backends?: Record<string, string> } = {}): Promise<LyingServer> {
  const backends = new Map(Object.entries(options.backends ?? {}));
  let current = backends.keys().next().value as string | undefined;
  let rules: Rule[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();

  const forward = async (name: string, req: IncomingMessage, url: URL, body: Buffer): Promise<Upstream> => {
    const base = backends.get(name);
    if (!base) throw new Error(`The lying server has no backend ${JSON.stringify(name)}`);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(key) && typeof value === 'string') headers[key] = value;
    const response = await fetch(base.replace(/\/+$/, '') + url.pathname + url.search, {
      method: req.method,
      headers,
      redirect: 'manual',
      ...(body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? { body: new Uint8Array(body) } : {}),
    });
    return upstreamOf(response.status, response.headers, Buffer.from(await response.arrayBuffer()));
  };

  const send = (res: ServerResponse, answer: Answer) => {
    const headers: Record<string, string> = { ...answer.headers };
    let body: Buffer;
    if (answer.body === undefined) body = Buffer.alloc(0);
    else if (typeof answer.body === 'string') body = Buffer.from(answer.body, 'utf8');
    else if (answer.body instanceof Uint8Array) body = Buffer.from(answer.body);
    else {
      body = Buffer.from(JSON.stringify(answer.body), 'utf8');
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    }
    res.writeHead(answer.status ?? 200, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const body = await readBody(req);
    const rule = rules.find((r) => matches(r.match, url, method));
    if (rule) {
      if (rule.times !== undefined && --rule.times <= 0) rules = rules.filter((r) => r !== rule);
      const ctx: LieContext = { url, method, upstream: (name = current!) => forward(name, req, url, body) };
      const answer = await rule.lie(ctx, res);
      if (answer) send(res, answer);
      return;
    }
    if (current === undefined) return send(res, { status: 502, body: { error: 'The lying server has no backend yet' } });
    const up = await forward(current, req, url, body);
    const headers: Record<string, string> = {};
    up.headers.forEach((value, key) => {
      if (!HOP_BY_HOP.has(key)) headers[key] = value;
    });
    send(res, { status: up.status, headers, body: up.body });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 502, body: { error: `The lying server failed: ${(err as Error)?.message ?? String(err)}` } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get backend() {
      return current ?? '';
    },
    get requests() {
      return requests;
    },
    use(name, base, switchTo = true) {
      if (base !== undefined) backends.set(name, base);
      if (!backends.has(name)) throw new Error(`The lying server has no backend ${JSON.stringify(name)}`);
      if (switchTo) current = name;
    },
    lie(match, lie, times) {
      const rule: Rule = { match, lie, ...(times !== undefined ? { times } : {}) };
      rules.push(rule);
      return () => {
        rules = rules.filter((r) => r !== rule);
      };
    },
    reset() {
      rules = [];
      requests.length = 0;
    },
    async close() {
      rules = [];
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- Lies ----

const clone = <T>(value: T): T => structuredClone(value);

/** The real JSON answer, changed by `change` (given a copy; return the new body, or change it in place). */
export function rewriteJson(change: (body: any, ctx: LieContext) => unknown): Lie {
  return async (ctx) => {
    const up = await ctx.upstream();
    const body = clone(up.json());
    const changed = await change(body, ctx);
    return { status: up.status, headers: { 'content-type': up.headers.get('content-type') ?? 'application/json' }, body: JSON.stringify(changed === undefined ? body : changed) };
  };
}

/** The real text answer (a checkpoint), changed by `change`. */
export function rewriteText(change: (text: string, ctx: LieContext) => string | Promise<string>): Lie {
  return async (ctx) => {
    const up = await ctx.upstream();
    return { status: up.status, headers: { 'content-type': up.headers.get('content-type') ?? 'text/plain' }, body: await change(up.text(), ctx) };
  };
}

/** The real bytes (an entry tile, a hash tile), changed by `change`. */
export function rewriteBytes(change: (bytes: Buffer, ctx: LieContext) => Uint8Array | Promise<Uint8Array>): Lie {
  return async (ctx) => {
    const up = await ctx.upstream();
    return { status: up.status, headers: { 'content-type': up.headers.get('content-type') ?? 'application/octet-stream' }, body: await change(up.body, ctx) };
  };
}

/** Always the same answer. */
export function reply(answer: Answer): Lie {
  return () => clone(answer);
}

/** A recorded answer (an old status list), served as it was. */
export function replay(recorded: Upstream): Lie {
  return () => ({ status: recorded.status, headers: { 'content-type': recorded.headers.get('content-type') ?? 'application/json' }, body: recorded.body });
}

/** The answer of another backend (a server that followed another history). */
export function from(backend: string): Lie {
  return async (ctx) => {
    const up = await ctx.upstream(backend);
    return { status: up.status, headers: { 'content-type': up.headers.get('content-type') ?? 'application/octet-stream' }, body: up.body };
  };
}

/** 404, as the server words it. */
export const notFound = (): Lie => reply({ status: 404, body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'Not here' } });

/** A login page or a proxy's error page: 200, text/html. */
export const html = (): Lie =>
  reply({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><head><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>' });

/** 200, application/json, and a body that is not JSON. */
export const invalidJson = (): Lie => reply({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"type": "DppPassportBundle", "chains": [ {"unit": ' });

/** 200, application/json, `bytes` long (default 50 MB), streamed and never held whole. */
export function huge(bytes = 50 * 1024 * 1024): Lie {
  return (_ctx, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes) });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    chunk[0] = 0x5b; // '['
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('error', () => {});
    pump();
  };
}

/** Headers at once, then a byte now and then, never the end: a slow answer that never completes. */
export function neverEnding(everyMs = 100): Lie {
  return (_ctx, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"linkset": [');
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), everyMs);
    res.on('close', () => clearInterval(timer));
    res.on('error', () => {});
  };
}

/** No answer at all: the connection stays open and silent. */
export function silent(): Lie {
  return () => new Promise<void>(() => {});
}

/** The answer at `url` now, read whole: to replay later (a status list as it was before a change). */
export async function record(url: string, accept = 'application/json'): Promise<Upstream> {
  const response = await fetch(url, { headers: { accept } });
  return upstreamOf(response.status, response.headers, Buffer.from(await response.arrayBuffer()));
}
