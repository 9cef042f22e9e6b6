// Reading what a server answers without believing it: every failure (unreachable, timed out, an error
// status, HTML, too large, not JSON) becomes a DppError with a stable code, for the report to show.
import { DppError } from '../errors.js';
import type { FetchLike } from '../did/did-web.js';

export type { FetchLike };

/** The answer's body, or a DppError saying plainly why there is none. */
export async function fetchBytes(fetch: FetchLike, url: string, accept: string): Promise<{ body: Uint8Array; type: string }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept } });
  } catch (err) {
    const error = err as Error;
    const message = error?.message ?? String(err);
    if (/more than \d+ bytes/.test(message)) throw new DppError('BODY_TOO_LARGE', `${url} answered more than the verifier reads: ${message}`, { evidence: { url } });
    const timedOut = error?.name === 'TimeoutError' || error?.name === 'AbortError' || /timed? ?out|aborted/i.test(message);
    throw new DppError('FETCH_FAILED', timedOut ? `${url} did not answer in time` : `Cannot reach ${url}: ${message}`, { evidence: { url } });
  }
  const type = response.headers.get('content-type') ?? '';
  const body = new Uint8Array(await response.arrayBuffer().catch((err: Error) => {
    throw new DppError('FETCH_FAILED', `Cannot read ${url}: ${err.message}`, { evidence: { url } });
  }));
  if (response.status === 404) throw new DppError('NOT_FOUND', `${url} answered 404 Not Found`, { evidence: { url, status: 404 } });
  if (!response.ok) throw new DppError('FETCH_FAILED', `${url} answered ${response.status}`, { evidence: { url, status: response.status } });
  return { body, type };
}

/** A JSON answer; HTML (a login page, a proxy's error page) is MEDIA_TYPE_INVALID, malformed JSON INVALID_JSON. */
export async function fetchJson(fetch: FetchLike, url: string, accept = 'application/json'): Promise<unknown> {
  const { body, type } = await fetchBytes(fetch, url, accept);
  if (/^\s*text\/html/i.test(type)) throw new DppError('MEDIA_TYPE_INVALID', `${url} answered an HTML page, not JSON`, { evidence: { url, contentType: type } });
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new DppError('INVALID_JSON', `${url} answered something that is not JSON (${type || 'no content type'})`, { evidence: { url, contentType: type } });
  }
}

/** A text answer (a checkpoint). */
export async function fetchText(fetch: FetchLike, url: string, accept = 'text/plain'): Promise<string> {
  const { body, type } = await fetchBytes(fetch, url, accept);
  if (/^\s*text\/html/i.test(type)) throw new DppError('MEDIA_TYPE_INVALID', `${url} answered an HTML page`, { evidence: { url, contentType: type } });
  return new TextDecoder().decode(body);
}
