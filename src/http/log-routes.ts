// The log over HTTP: C2SP tlog-tiles (checkpoint, hash tiles, entry bundles) that any static host could
// serve, and JSON inclusion and consistency proofs; read-only, so the origin and its mirrors serve the same routes.
// Also the body parser of the ledger's authenticated write path.
import { Router, type Request } from 'express';
import { InputError, LogError, NotFoundError } from '../errors.js';
import { parseTilePath, toBase64, type MerkleLog } from '../log/index.js';
import type { StoredCredential } from '../storage/credential-repository.js';
import { isObject } from '../vc/credential.js';

/** What `GET /log/key` tells a verifier: the log's origin line, its note verifier key, and the DID publishing it. */
export interface LogInfo {
  origin: string;
  verifierKey: string;
  did: string;
  /** Verifier keys of witnesses whose cosignatures the served checkpoint carries (a mirror lists its own). */
  witnesses?: string[];
}

export interface LogRouteDeps {
  log: MerkleLog;
  /** The signed note `GET /log/checkpoint` serves: the ledger's latest, or a mirror's cosigned one. */
  checkpoint: () => Promise<string>;
  logInfo: LogInfo;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A non-negative integer query parameter, or LOG_INDEX_OUT_OF_RANGE naming it. */
function integer(req: Request, name: string, fallback?: number): number {
  const raw = req.query[name];
  if (raw === undefined && fallback !== undefined) return fallback;
  if (typeof raw !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(raw)) {
    throw new LogError('LOG_INDEX_OUT_OF_RANGE', `${name} must be a non-negative integer`, { evidence: { [name]: raw ?? null } });
  }
  return Number(raw);
}

export function logRoutes(deps: LogRouteDeps): Router {
  const { log, checkpoint } = deps;
  const router = Router();

  router.get('/log/checkpoint', async (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').set('Cache-Control', 'no-cache').type('text/plain; charset=utf-8').send(await checkpoint());
  });

  router.get('/log/key', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').json(deps.logInfo);
  });

  router.get('/log/tile/*path', async (req, res) => {
    const path = 'tile/' + (req.params.path as unknown as string[]).join('/');
    const resource = parseTilePath(path);
    const bytes = await log.readResource(path);
    // As on any static host serving tlog-tiles: a tile the tree does not have (yet) is a 404.
    if (!bytes) throw new NotFoundError('NOT_FOUND', `No such tile in a log of ${log.size} entries`, { evidence: { path: req.path, size: log.size } });
    res.set('Access-Control-Allow-Origin', '*');
    // A full tile never changes; a partial one is replaced by a wider one as the log grows.
    res.set('Cache-Control', resource.width === 256 ? IMMUTABLE : 'no-cache');
    res.type('application/octet-stream').send(Buffer.from(bytes));
  });

  router.get('/log/proof/inclusion', async (req, res) => {
    const size = integer(req, 'size', log.size);
    const index = integer(req, 'index');
    const proof = await log.inclusionProof(index, size);
    res.set('Access-Control-Allow-Origin', '*').json({ index, size, proof: proof.map(toBase64) });
  });

  router.get('/log/proof/consistency', async (req, res) => {
    const to = integer(req, 'to', log.size);
    const from = integer(req, 'from');
    const proof = await log.consistencyProof(from, to);
    res.set('Access-Control-Allow-Origin', '*').json({ from, to, proof: proof.map(toBase64) });
  });

  return router;
}

/** The body of `POST /ledger/credentials`: `{credentials: [credential | {dataIntegrity, jwt?}]}`. */
export function appendItems(body: unknown): StoredCredential[] {
  const list = isObject(body) ? body.credentials : undefined;
  if (!Array.isArray(list) || list.length === 0 || list.length > 1000) {
    throw new InputError('INVALID_INPUT', 'The body is {"credentials": [...]}, 1 to 1000 credentials');
  }
  return list.map((item, i) => {
    const dataIntegrity = isObject(item) && isObject(item.dataIntegrity) ? item.dataIntegrity : item;
    const jwt = isObject(item) && typeof item.jwt === 'string' ? item.jwt : undefined;
    if (!isObject(dataIntegrity) || typeof dataIntegrity.id !== 'string') throw new InputError('INVALID_INPUT', `credentials[${i}] is not a credential with an id`);
    return { id: dataIntegrity.id, dataIntegrity, ...(jwt ? { jwt } : {}) };
  });
}
