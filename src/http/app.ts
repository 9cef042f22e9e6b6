// The express app: the GS1 resolver, our DID document and contexts, the VC-API (issue, verify), credentials by id.
import express, { type Request, type Response, type NextFunction } from 'express';
import { AuthError, InputError, NotFoundError } from '../errors.js';
import type { DidDocument } from '../did/did-document.js';
import type { CredentialServices } from '../vc/services.js';
import type { ProofFormat } from '../vc/issue.js';
import type { Signer } from '../vc/signer.js';
import { envelope } from '../vc/jose.js';
import { isObject, issuerId, MEDIA_TYPE_VC_JWT, type JsonObject } from '../vc/credential.js';
import { checkCredentialDataModel } from '../vc/data-model.js';
import type { CredentialRepository } from '../storage/credential-repository.js';
import type { SubjectRegistry } from '../ledger/subjects.js';
import { parseDigitalLink, formatDigitalLink } from '../gs1/index.js';
import { qrCode, QR_FORMATS, type QrFormat } from '../gs1/qr-code.js';
import { errorBody, errorHandler } from './errors.js';
import { resolverDescription, resolverMiddleware } from './resolver.js';
import { unitViews } from './unit-views.js';
import { credentialRoute, wildcardPath } from './shared-routes.js';
import { logRoutes, type LogInfo } from './log-routes.js';
import { writeRoutes, type WriteRoutesDeps } from './write-routes.js';
import type { Ledger } from '../ledger/ledger.js';
import type { MerkleLog } from '../log/index.js';
import type { PassportBundle } from '../ledger/bundle.js';
import { VERIFIER_ROLES, type PassportReport, type VerifierRole } from '../verify/types.js';
import type { PassportInput, PassportVerifyOptions } from '../verify/passport.js';
import { timingSafeEqual } from 'node:crypto';

/** Our own vocabulary is named by URLs on this host; the server publishes each at its path. */
const OWN_ORIGIN = 'https://dppledger.org';

export interface AppDeps {
  services: CredentialServices;
  /** The scheme, host and port our Digital Links and links are on (`https://dpp.example.com`). */
  origin: string;
  subjects: SubjectRegistry;
  /** The DID this server issues as, and its published document. */
  did: string;
  didDocument: () => Promise<DidDocument>;
  /** The current signing key of `did`. */
  signer: () => Promise<Signer>;
  credentials: CredentialRepository;
  /** The operator's bearer token: `POST /credentials/issue` signs as this server. */
  issueToken: string;
  /** The signed write API (appends, the registry, hosted party DIDs) and the status lists. */
  writes: WriteRoutesDeps;
  statusRoutes: express.Router;
  ledger: Ledger;
  log: MerkleLog;
  logInfo: LogInfo;
  bundle(path: string): Promise<PassportBundle>;
  /** The independent verifier, run by this server for integrators (`POST /passports/verify`). */
  verifyPassport(input: PassportInput, options: PassportVerifyOptions): Promise<PassportReport>;
  logger?: (entry: Record<string, unknown>) => void;
  /** Largest JSON body accepted (default 1 MB). */
  bodyLimit?: number;
}

export function createApp(deps: AppDeps): express.Express {
  if (!deps?.services || !deps.origin || !deps.subjects || !deps.ledger || !deps.log || !deps.did || !deps.signer || !deps.credentials || !deps.writes || !deps.statusRoutes || typeof deps.verifyPassport !== 'function' || typeof deps.issueToken !== 'string' || deps.issueToken.length < 16) {
    throw new TypeError('createApp: services, origin, subjects, did, didDocument, signer, credentials, writes, statusRoutes and an issueToken of 16+ characters are required');
  }
  const { services, credentials } = deps;
  const logger = deps.logger ?? (() => {});
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const json = express.json({ limit: deps.bodyLimit ?? 1024 * 1024, type: ['application/json', 'application/*+json'] });

  // First: the resolver answers most requests, and passes on every path that is not a Digital Link.
  app.use(resolverMiddleware({ origin: deps.origin, subjects: deps.subjects }));

  app.get('/.well-known/did.json', async (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').type('application/did+json').send(JSON.stringify(await deps.didDocument()));
  });

  for (const [url, document] of services.contexts) {
    if (url.startsWith(OWN_ORIGIN + '/')) app.get(url.slice(OWN_ORIGIN.length), (_req, res) => void res.type('application/ld+json').send(JSON.stringify(document)));
  }
  for (const [id, schema] of services.schemas.schemas) {
    if (id.startsWith(OWN_ORIGIN + '/')) app.get(id.slice(OWN_ORIGIN.length), (_req, res) => void res.type('application/schema+json').send(JSON.stringify(schema)));
  }

  app.post('/credentials/issue', requireToken(deps.issueToken), json, async (req, res) => {
    const { credential, options } = bodyObject(req);
    if (!isObject(credential)) throw new InputError('INVALID_INPUT', 'The body needs a "credential" object');
    if (options !== undefined && !isObject(options)) throw new InputError('INVALID_INPUT', '"options" must be an object');
    const format = proofFormat(options);
    const issuer = issuerId(credential);
    if (issuer !== deps.did) {
      throw new InputError('ISSUER_MISMATCH', `This service issues as ${deps.did}, not ${String(issuer)}`, { evidence: { issuer, expected: deps.did } });
    }
    const secured = await services.issuer.issue(credential, { signer: await deps.signer(), format });
    res.status(201).json({ verifiableCredential: typeof secured === 'string' ? envelope(secured) : secured });
  });

  app.post('/credentials/verify', json, async (req, res) => {
    const { verifiableCredential } = bodyObject(req);
    if (!isObject(verifiableCredential) && typeof verifiableCredential !== 'string') {
      throw new InputError('INVALID_INPUT', 'The body needs a "verifiableCredential": a credential object or a vc+jwt');
    }
    if (isObject(verifiableCredential) && verifiableCredential.type !== 'EnvelopedVerifiableCredential') {
      const problems = checkCredentialDataModel(verifiableCredential);
      if (problems.length) {
        const report = await services.verifier.verifyCredential(verifiableCredential);
        return void res.status(422).json({ ...errorBody(422, 'DATA_MODEL_INVALID', 'Not a VC Data Model 2.0 credential', { problems }), ...reportOf(report) });
      }
    }
    res.status(200).json(reportOf(await services.verifier.verifyCredential(verifiableCredential)));
  });

  app.post('/presentations/verify', json, async (req, res) => {
    const { verifiablePresentation, options } = bodyObject(req);
    if (!isObject(verifiablePresentation)) throw new InputError('INVALID_INPUT', 'The body needs a "verifiablePresentation" object');
    const opts = isObject(options) ? options : {};
    const challenge = typeof opts.challenge === 'string' ? opts.challenge : undefined;
    const domain = typeof opts.domain === 'string' ? opts.domain : undefined;
    const report = await services.verifier.verifyPresentation(verifiablePresentation, { challenge, domain });
    res.status(200).json({ verified: report.verified, checks: report.checks, credentialResults: report.credentials.map(reportOf) });
  });

  // A whole passport, from its Digital Link or a bundle, verified as `dpp verify` does (with this server's trusted registrars).
  const passportBody = express.json({ limit: 16 * 1024 * 1024, type: ['application/json', 'application/*+json'] });
  app.post('/passports/verify', passportBody, async (req, res) => {
    const { digitalLink, bundle, options } = bodyObject(req);
    if ((typeof digitalLink === 'string') === isObject(bundle)) throw new InputError('INVALID_INPUT', 'The body has a "digitalLink" string or a "bundle" object (from dpp export), not both');
    if (options !== undefined && !isObject(options)) throw new InputError('INVALID_INPUT', '"options" must be an object');
    const opts = options ?? {};
    if (opts.role !== undefined && !(VERIFIER_ROLES as readonly unknown[]).includes(opts.role)) throw new InputError('INVALID_INPUT', `options.role is one of ${VERIFIER_ROLES.join(', ')}`);
    for (const name of ['challenge', 'domain'] as const) {
      if (opts[name] !== undefined && typeof opts[name] !== 'string') throw new InputError('INVALID_INPUT', `options.${name} is a string`);
    }
    const input: PassportInput = typeof digitalLink === 'string' ? { digitalLink } : { bundle };
    const report = await deps.verifyPassport(input, {
      role: opts.role as VerifierRole | undefined,
      presentation: opts.presentation,
      challenge: opts.challenge as string | undefined,
      domain: opts.domain as string | undefined,
    });
    res.status(200).json(report);
  });

  app.use(credentialRoute(credentials));

  app.get('/.well-known/gs1resolver', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').json(resolverDescription(deps.origin));
  });

  // The QR code of one of our Digital Links: GET /qr/01/…/21/…?format=svg|png
  app.get('/qr/*path', async (req, res) => {
    const format = (req.query.format ?? 'svg') as QrFormat;
    if (!QR_FORMATS.includes(format) || format === 'terminal') throw new InputError('INVALID_INPUT', 'format is svg or png');
    const path = wildcardPath(req);
    const uri = formatDigitalLink(parseDigitalLink(deps.origin + path), { stem: deps.origin });
    res.set('Access-Control-Allow-Origin', '*');
    if (format === 'png') return void res.type('image/png').send(await qrCode(uri, 'png'));
    res.type('image/svg+xml').send(await qrCode(uri, 'svg'));
  });

  app.use(unitViews({ origin: deps.origin, subjects: deps.subjects, credentials, lookups: () => deps.writes.gate.lookups(), checkStatus: (c) => services.verifier.checkStatus(c) }));
  app.use(logRoutes({ log: deps.log, checkpoint: () => deps.ledger.checkpoint(), logInfo: deps.logInfo }));

  // Every write below is a request signed by the acting party's DID key, judged by the policy table.
  app.use(writeRoutes(deps.writes));
  app.use(deps.statusRoutes);

  app.get('/bundle/*path', async (req, res) => {
    res.set('Access-Control-Allow-Origin', '*').json(await deps.bundle(wildcardPath(req)));
  });
  app.use((req: Request, _res: Response, next: NextFunction) => next(new NotFoundError('NOT_FOUND', `No route ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}

function bodyObject(req: Request): JsonObject {
  if (!isObject(req.body)) throw new InputError('INVALID_INPUT', 'The body must be a JSON object');
  return req.body;
}

function proofFormat(options: JsonObject | undefined): ProofFormat {
  const requested = options?.proofFormat ?? options?.format ?? 'data-integrity';
  if (requested === 'data-integrity' || requested === 'DataIntegrityProof') return 'data-integrity';
  if (requested === 'vc+jwt' || requested === MEDIA_TYPE_VC_JWT) return 'vc+jwt';
  throw new InputError('INVALID_INPUT', `Unknown proof format ${JSON.stringify(requested)}; use data-integrity or vc+jwt`);
}

function reportOf(report: { verified: boolean; checks: unknown[]; format?: string }) {
  return { verified: report.verified, ...(report.format ? { format: report.format } : {}), checks: report.checks };
}

/** Whether a request carries the operator's bearer token (compared in constant time). */
export function operatorCheck(token: string): (req: Request) => boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

function requireToken(token: string) {
  const isOperator = operatorCheck(token);
  return (req: Request, _res: Response, next: NextFunction) => next(isOperator(req) ? undefined : new AuthError('UNAUTHORIZED', 'The operator\'s bearer token is required to issue as this server'));
}
