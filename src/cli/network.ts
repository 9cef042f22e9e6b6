// The network as the command line reaches it: did:web documents and status lists, nothing else.
import type { FetchLike } from '../did/did-web.js';

/**
 * The fetch used for did:web and status lists: no redirects, a time limit. `DPP_DID_WEB_HTTP=1` fetches
 * did:web documents over plain http (development servers on loopback only).
 */
export function networkFetch(env: NodeJS.ProcessEnv = process.env): FetchLike {
  const plain = env.DPP_DID_WEB_HTTP === '1';
  return (url, init) => {
    const target = plain ? url.replace(/^https:\/\//, 'http://') : url;
    return fetch(target, { ...init, redirect: init?.redirect ?? 'error', signal: AbortSignal.timeout(10_000) });
  };
}

/** Fetches a status list credential (JSON) with `fetch`. */
export function fetchStatusListWith(fetch: FetchLike): (url: string) => Promise<unknown> {
  return async (url) => {
    const response = await fetch(url, { headers: { accept: 'application/vc, application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  };
}
