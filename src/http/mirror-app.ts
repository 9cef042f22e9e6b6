// A mirror's read-only app: the log routes over the mirrored tree (tiles, proofs, the cosigned checkpoint) and the
// credentials it keeps; nothing that writes. A verifier gets the same answers from it as from the origin.
import express, { type Request, type Response, type NextFunction } from 'express';
import { NotFoundError } from '../errors.js';
import type { MerkleLog } from '../log/index.js';
import type { CredentialRepository } from '../storage/credential-repository.js';
import { errorHandler } from './errors.js';
import { credentialRoute } from './shared-routes.js';
import { logRoutes, type LogInfo } from './log-routes.js';

export interface MirrorAppDeps {
  /** The mirrored log, opened. */
  log: MerkleLog;
  /** The held checkpoint: the origin's signed note with the mirror's witness cosignature. */
  checkpoint: () => Promise<string>;
  /** The origin's log info as pinned, with the mirror's witness key in `witnesses`. */
  logInfo: LogInfo;
  /** The credentials of the mirrored entries (the third-party backup copy). */
  credentials: CredentialRepository;
  logger?: (entry: Record<string, unknown>) => void;
}

export function createMirrorApp(deps: MirrorAppDeps): express.Express {
  if (!deps?.log || typeof deps.checkpoint !== 'function' || !deps.logInfo || !deps.credentials) {
    throw new TypeError('createMirrorApp: log, checkpoint, logInfo and credentials are required');
  }
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(logRoutes({ log: deps.log, checkpoint: deps.checkpoint, logInfo: deps.logInfo }));
  // A mirror keeps the Data Integrity form, the one the log's digest covers: a vc+jwt request is a 404.
  app.use(credentialRoute(deps.credentials));
  app.use((req: Request, _res: Response, next: NextFunction) => next(new NotFoundError('NOT_FOUND', `No route ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger ?? (() => {})));
  return app;
}
