// Pieces the origin server and a read-only mirror both serve, and the parameter both parse.
import { Router, type Request } from 'express';
import { NotFoundError } from '../errors.js';
import type { CredentialRepository } from '../storage/credential-repository.js';
import { MEDIA_TYPE_VC_JWT } from '../vc/credential.js';

/** The Digital Link path an express `*path` wildcard matched, re-encoded segment by segment (`/01/…/21/…`). */
export function wildcardPath(req: Request): string {
  return '/' + (req.params.path as unknown as string[]).map(encodeURIComponent).join('/');
}

/** `GET /credentials/:id`: the Data Integrity form, or with `Accept: application/vc+jwt` the compact JWS when held. */
export function credentialRoute(credentials: CredentialRepository): Router {
  const router = Router();
  router.get('/credentials/:id', async (req, res) => {
    const stored = await credentials.get(String(req.params.id));
    if (!stored) throw new NotFoundError('NOT_FOUND', `No credential ${req.params.id}`);
    // One URL, two representations: caches must key on Accept; any page may read a public credential.
    res.set('Vary', 'Accept').set('Access-Control-Allow-Origin', '*');
    const wantsJwt = req.accepts(['application/ld+json', 'application/json', 'application/vc', MEDIA_TYPE_VC_JWT]) === MEDIA_TYPE_VC_JWT;
    if (wantsJwt) {
      if (!stored.jwt) throw new NotFoundError('NOT_FOUND', `${req.params.id} is not held as ${MEDIA_TYPE_VC_JWT}`);
      return void res.type(MEDIA_TYPE_VC_JWT).send(stored.jwt);
    }
    res.type('application/vc').send(JSON.stringify(stored.dataIntegrity));
  });
  return router;
}
