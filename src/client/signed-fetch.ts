// A fetch for agents and tests that signs each request with the acting party's DID key (the `DPP-Signature` header).
import type { Signer } from '../vc/signer.js';
import { REQUEST_SIGNATURE_HEADER, signRequest } from '../vc/request-signature.js';

/** The part of `fetch` used here. */
export type SignedFetchTransport = (url: string, init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> }) => Promise<Response>;

export interface SignedFetchOptions {
  fetch?: SignedFetchTransport;
  now: () => Date;
  /** Random bytes for the nonce. */
  random: (bytes: number) => Uint8Array;
}

export interface SignedRequestInit {
  /** Default GET. */
  method?: string;
  /** A string or bytes are sent as they are; anything else as JSON. */
  body?: unknown;
  signer: Signer;
  /** Extra headers; Content-Type defaults to application/json when there is a body. */
  headers?: Record<string, string>;
}

export type SignedFetch = (url: string | URL, init: SignedRequestInit) => Promise<Response>;

const NONCE_BYTES = 16;

/** Serialises the body once and signs exactly those bytes, with path = the URL's pathname + search. */
export function createSignedFetch(options: SignedFetchOptions): SignedFetch {
  const fetch = options?.fetch ?? (globalThis.fetch as SignedFetchTransport | undefined);
  if (typeof fetch !== 'function' || typeof options.now !== 'function' || typeof options.random !== 'function') {
    throw new TypeError('createSignedFetch: fetch, now and random are required');
  }
  const { now, random } = options;
  return async (url, init) => {
    if (!init?.signer) throw new TypeError('signedFetch: a signer is required');
    const target = new URL(url);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = encodeBody(init.body);
    const nonce = Buffer.from(random(NONCE_BYTES)).toString('base64url');
    const signature = await signRequest({ method, path: target.pathname + target.search, body, signer: init.signer, now: now(), nonce });
    const headers: Record<string, string> = { ...init.headers, [REQUEST_SIGNATURE_HEADER]: signature };
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    return fetch(target.href, { method, headers, ...(body === undefined ? {} : { body }) });
  };
}

function encodeBody(body: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return new Uint8Array(body);
  const json = JSON.stringify(body);
  if (json === undefined) throw new TypeError('signedFetch: the body cannot be serialised as JSON');
  return new TextEncoder().encode(json);
}
