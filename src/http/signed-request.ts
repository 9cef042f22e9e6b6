// Signed requests over HTTP: a JSON body parser that keeps the exact bytes, and the middleware that checks `DPP-Signature`.
import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler, type Response } from 'express';
import { AuthError, InputError } from '../errors.js';
import { REQUEST_SIGNATURE_HEADER, verifyRequestSignature, type NonceStore, type VerifyRequestOptions } from '../vc/request-signature.js';

const JSON_TYPES = ['application/json', 'application/*+json'];
const DEFAULT_LIMIT = 1024 * 1024;

/** The bytes each request's body arrived as (after any Content-Encoding is undone), for the digest. */
const rawBodies = new WeakMap<IncomingMessage, Uint8Array>();

/**
 * `express.json` that also keeps the body's exact bytes, so the signature's digest is over what was
 * sent. Parse and size errors are body-parser's own (`entity.parse.failed`, `entity.too.large`).
 */
export function rawJsonBody(options: { limit?: number | string } = {}): RequestHandler {
  return express.json({
    limit: options.limit ?? DEFAULT_LIMIT,
    type: JSON_TYPES,
    verify: (req, _res, buf) => {
      rawBodies.set(req, buf);
    },
  });
}

export interface SignedRequestOptions {
  resolver: VerifyRequestOptions['resolver'];
  nonces: NonceStore;
  now: () => Date;
  /** How far a signature's `iat` may be from now, either way (default 300 s). */
  maxSkewSeconds?: number;
}

/**
 * Refuses a request unless its `DPP-Signature` header signs this method, path and body by a key
 * under its DID's `authentication`; then `res.locals.actor` is that DID and `res.locals.kid` the key.
 * A request with a body must come through `rawJsonBody()` first.
 */
export function requireSignedRequest(options: SignedRequestOptions): RequestHandler {
  if (typeof options?.resolver?.resolve !== 'function' || typeof options.nonces?.use !== 'function' || typeof options.now !== 'function') {
    throw new TypeError('requireSignedRequest: resolver, nonces and now are required');
  }
  const { resolver, nonces, now, maxSkewSeconds } = options;
  return async (req, res, next) => {
    try {
      const jws = req.get(REQUEST_SIGNATURE_HEADER);
      if (!jws) {
        throw new AuthError('REQUEST_SIGNATURE_MISSING', `This request must be signed: send a ${REQUEST_SIGNATURE_HEADER} header`, { evidence: { header: REQUEST_SIGNATURE_HEADER } });
      }
      const body = rawBodies.get(req);
      if (body === undefined && req.body !== undefined) throw new TypeError('requireSignedRequest: the body was parsed without rawJsonBody()');
      if (body === undefined && announcesBody(req)) {
        throw new InputError('INVALID_INPUT', 'A signed request body must be JSON (Content-Type: application/json)', { evidence: { contentType: req.get('content-type') ?? null } });
      }
      const actor = await verifyRequestSignature(jws.trim(), { method: req.method, path: req.originalUrl, body, resolver, nonces, now: now(), maxSkewSeconds });
      res.locals.actor = actor.did;
      res.locals.kid = actor.kid;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The DID that signed this request; only behind `requireSignedRequest`. */
export function actorOf(res: Response): string {
  const actor: unknown = res.locals.actor;
  if (typeof actor !== 'string') throw new TypeError('actorOf: this route is not behind requireSignedRequest');
  return actor;
}

/** Whether the request carries body bytes that no parser read (type-is `hasBody`, but an empty body is none). */
function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}
