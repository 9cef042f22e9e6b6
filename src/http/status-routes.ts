// Status lists over HTTP: anyone reads a list credential; its issuer uploads new versions and allocates entries.
// @see https://www.w3.org/TR/vc-bitstring-status-list/#media-types
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { InputError, NotFoundError } from '../errors.js';
import { isObject, type JsonObject } from '../vc/credential.js';
import { STATUS_PURPOSES, type StatusPurpose } from '../vc/status-list.js';
import { MAX_ALLOCATION, type StatusLists } from '../ledger/status-lists.js';
import { actorOf } from './signed-request.js';

/** What the spec names for a credential secured with Data Integrity. */
const MEDIA_TYPE_VC = 'application/vc';

export interface StatusRoutesDeps {
  lists: Pick<StatusLists, 'origin' | 'current' | 'publish' | 'allocate'>;
  /** Authenticates a signed request and sets `res.locals.actor` to the caller's DID. */
  requireActor: RequestHandler;
  /** Parses a JSON body (runs before `requireActor`, which may need the body's bytes). */
  json: RequestHandler;
}

export function statusRoutes(deps: StatusRoutesDeps): Router {
  const { lists, requireActor, json } = deps ?? ({} as StatusRoutesDeps);
  if (typeof lists?.current !== 'function' || typeof lists.publish !== 'function' || typeof lists.allocate !== 'function' || typeof requireActor !== 'function' || typeof json !== 'function') {
    throw new TypeError('statusRoutes: lists, requireActor and json are required');
  }
  const router = Router();
  const listUrl = (req: Request) => `${lists.origin}/status/${encodeURIComponent(String(req.params.issuer))}/${encodeURIComponent(String(req.params.list))}`;

  // Public and cacheable by anyone; `no-cache` makes caches ask again (a 304 when unchanged), so a
  // revocation shows at once. An own list's ETag also names its signing, so a re-signed one is fetched.
  router.get('/status/:issuer/:list', async (req, res) => {
    const found = await lists.current(listUrl(req));
    if (!found) throw new NotFoundError('NOT_FOUND', `No status list ${listUrl(req)}`, { evidence: { statusListCredential: listUrl(req) } });
    const { credential, info } = found;
    const etag = info.own ? `"${info.version}-${Date.parse(String(credential.validFrom)) / 1000}"` : `"${info.version}"`;
    cors(res).set('ETag', etag).set('Cache-Control', 'no-cache').type(MEDIA_TYPE_VC).send(JSON.stringify(credential));
  });
  router.options('/status/:issuer/:list', (_req, res) => {
    cors(res).set('Access-Control-Allow-Methods', 'GET, HEAD').set('Access-Control-Allow-Headers', 'Accept, If-None-Match').set('Access-Control-Max-Age', '86400').status(204).end();
  });

  router.put('/status/:issuer/:list', json, requireActor, async (req, res) => {
    const body = bodyOf(req, ['credential', 'baseVersion']);
    if (!isObject(body.credential)) throw new InputError('INVALID_INPUT', '"credential" is the signed list credential (a JSON object)');
    const baseVersion = body.baseVersion;
    if (baseVersion !== undefined && (typeof baseVersion !== 'number' || !Number.isSafeInteger(baseVersion) || baseVersion < 0)) {
      throw new InputError('INVALID_INPUT', '"baseVersion" is the version the upload replaces: a non-negative integer', { evidence: { baseVersion } });
    }
    const version = await lists.publish(listUrl(req), body.credential, { actor: actorOf(res), ...(baseVersion === undefined ? {} : { baseVersion }) });
    res.set('ETag', `"${version}"`).set('Cache-Control', 'no-store').json({ version });
  });

  router.post('/status/allocate', json, requireActor, async (req, res) => {
    const body = bodyOf(req, ['purpose', 'count']);
    const purpose = body.purpose;
    if (typeof purpose !== 'string' || !(STATUS_PURPOSES as readonly string[]).includes(purpose)) {
      throw new InputError('INVALID_INPUT', `"purpose" is one of ${STATUS_PURPOSES.join(', ')}`, { evidence: { purpose } });
    }
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_ALLOCATION) {
      throw new InputError('INVALID_INPUT', `"count" is an integer from 1 to ${MAX_ALLOCATION}`, { evidence: { count } });
    }
    const entries = await lists.allocate(actorOf(res), purpose as StatusPurpose, count);
    res.status(201).set('Cache-Control', 'no-store').json({ entries });
  });

  return router;
}

function cors(res: Response): Response {
  return res.set('Access-Control-Allow-Origin', '*').set('Access-Control-Expose-Headers', 'ETag');
}

/** The body as an object with only `allowed` members: a misspelt `baseVersion` must not skip the version check. */
function bodyOf(req: Request, allowed: readonly string[]): JsonObject {
  const body: unknown = req.body;
  if (!isObject(body)) throw new InputError('INVALID_INPUT', 'The body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new InputError('INVALID_INPUT', `Unknown member ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the body has ${allowed.join(' and ')}`, { evidence: { unknown } });
  return body;
}
