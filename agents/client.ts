// The server's API as a party sees it: public reads, and writes signed with the party's DID key.
import { randomBytes } from 'node:crypto';
import { createSignedFetch, DppError, type ErrorCode, type Signer } from '../src/index.js';

export type Json = Record<string, unknown>;

export interface ChainHeadRef {
  id: string;
  digestMultibase: string;
}

export interface LedgerClient {
  readonly baseUrl: string;
  /** The fetch it speaks through. */
  readonly fetch: typeof globalThis.fetch;
  /** A public read; errors become DppErrors with the server's code. */
  get<T = Json>(path: string): Promise<T>;
  /** A request signed by `signer` (a verification method of the acting DID), or unsigned without one. */
  send<T = Json>(method: 'POST' | 'PUT' | 'DELETE' | 'GET', path: string, body: unknown, signer?: Signer, headers?: Record<string, string>): Promise<T>;
  /** The head of the chain of `subject` (a Digital Link or a party's DID), to name as `previousEvent`. */
  head(subject: string): Promise<ChainHeadRef | undefined>;
  /** The units under a batch or GTIN Digital Link. */
  members(subject: string): Promise<string[]>;
}

export interface ClientOptions {
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
}

export function createLedgerClient(options: ClientOptions): LedgerClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const signedFetch = createSignedFetch({ fetch, now, random: randomBytes });

  async function parse<T>(response: Response, what: string): Promise<T> {
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new DppError('INVALID_JSON', `${what}: the server answered ${response.status} with something that is not JSON`);
    }
    if (!response.ok) {
      const body = (json ?? {}) as { code?: ErrorCode; message?: string; evidence?: Record<string, unknown> };
      throw new DppError(body.code ?? 'INTERNAL', `${what}: ${body.message ?? response.statusText}`, { evidence: { status: response.status, ...(body.evidence ?? {}) } });
    }
    return json as T;
  }

  const client: LedgerClient = {
    baseUrl,
    fetch,
    async get(path) {
      return parse(await fetch(baseUrl + path, { headers: { accept: 'application/json' } }), `GET ${path}`);
    },
    async send(method, path, body, signer, extra = {}) {
      const headers: Record<string, string> = { accept: 'application/json', ...extra };
      const response = signer
        ? await signedFetch(baseUrl + path, { method, body, signer, headers })
        : await fetch(baseUrl + path, { method, headers: { ...headers, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return response.status === 204 ? ({} as never) : parse(response, `${method} ${path}`);
    },
    async head(subject) {
      const { head } = await client.get<{ head: ChainHeadRef | null }>(`/ledger/head?subject=${encodeURIComponent(subject)}`);
      return head ? { id: head.id, digestMultibase: head.digestMultibase } : undefined;
    },
    async members(subject) {
      return (await client.get<{ units: string[] }>(`/ledger/members?subject=${encodeURIComponent(subject)}`)).units;
    },
  };
  return client;
}
