// The network as the command line and the server reach it: did:web documents, status lists, Digital
// Links, and nothing else: http(s) only, no redirects followed, a time limit and a size limit.
import type { FetchLike } from '../did/did-web.js';

/** The largest answer read (a did.json, a status list, a bundle). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * `DPP_DID_WEB_HTTP=1` lets https URLs of loopback hosts be fetched over plain http (development
 * servers); every other URL is fetched as given, and only http(s) URLs are fetched at all. Each request
 * has `DPP_FETCH_TIMEOUT_MS` (default 10 s) for its whole answer.
 */
export function networkFetch(env: NodeJS.ProcessEnv = process.env): FetchLike {
  const plain = env.DPP_DID_WEB_HTTP === '1';
  const timeout = Number(env.DPP_FETCH_TIMEOUT_MS) > 0 ? Number(env.DPP_FETCH_TIMEOUT_MS) : 10_000;
  return async (url, init) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError(`Refusing to fetch a ${parsed.protocol} URL`);
    if (plain && parsed.protocol === 'https:' && LOOPBACK.test(parsed.hostname)) parsed.protocol = 'http:';
    const response = await fetch(parsed, { ...init, redirect: init?.redirect ?? 'error', signal: AbortSignal.timeout(timeout) });
    return limited(response, MAX_RESPONSE_BYTES);
  };
}

/** The same response with its body read up to `max` bytes; a larger body is an error, never buffered whole. */
async function limited(response: Response, max: number): Promise<Response> {
  if (!response.body) return response;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) throw new Error(`${response.url} answered more than ${max} bytes`);
    chunks.push(chunk);
  }
  // A null-body status (204, 304) cannot carry even an empty body.
  const body = [101, 204, 205, 304].includes(response.status) ? null : Buffer.concat(chunks);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Fetches a status list credential (JSON) with `fetch`. */
export function fetchStatusListWith(fetch: FetchLike): (url: string) => Promise<unknown> {
  return async (url) => {
    const response = await fetch(url, { headers: { accept: 'application/vc, application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  };
}
