// The write API: every write is a request signed by the acting party's DID key, judged by the policy
// table (appends) or by the registry (ownership). Plus the reads a writer needs: chain heads, events, members.
import { Router, type Request, type RequestHandler } from 'express';
import { AuthError, InputError, NotFoundError } from '../errors.js';
import type { DppDidResolver } from '../did/resolver.js';
import { dereferenceInDocument, type DidDocument } from '../did/did-document.js';
import { isObject, type JsonObject } from '../vc/credential.js';
import { unitOf, type Ledger } from '../ledger/ledger.js';
import type { WriteGate } from '../ledger/write-gate.js';
import type { ChallengePurpose, Registry } from '../ledger/registry.js';
import { checkPartyDocument, type PartyDirectory } from '../ledger/parties.js';
import { actorOf, rawJsonBody, requireSignedRequest } from './signed-request.js';
import { appendItems } from './log-routes.js';

type Resolver = Pick<DppDidResolver, 'resolve' | 'dereference'>;

export interface WriteRoutesDeps {
  gate: WriteGate;
  ledger: Ledger;
  registry: Registry;
  parties: PartyDirectory;
  resolver: Resolver;
  nonces: Parameters<typeof requireSignedRequest>[0]['nonces'];
  now(): Date;
  /** Whether the request carries the operator's bearer token (needed to claim a reserved party name). */
  isOperator(req: Request): boolean;
  /** DIDs that carry trust by name (the trusted registrars): only the operator may first claim them. */
  reserved(did: string): boolean;
  /** Largest body accepted (default 4 MB: a batch of passports). */
  bodyLimit?: number;
}

export function writeRoutes(deps: WriteRoutesDeps): Router {
  const router = Router();
  const body = rawJsonBody({ limit: deps.bodyLimit ?? 4 * 1024 * 1024 });
  const signed = requireSignedRequest({ resolver: deps.resolver, nonces: deps.nonces, now: deps.now });
  const field = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value.length === 0) throw new InputError('INVALID_INPUT', `"${name}" is required`);
    return value;
  };
  const object = (value: unknown): JsonObject => {
    if (!isObject(value)) throw new InputError('INVALID_INPUT', 'The body must be a JSON object');
    return value;
  };

  router.post('/ledger/credentials', body, signed, async (req, res) => {
    const items = appendItems(req.body);
    // A recall notice queues a notification to every owner of a covered unit who left contact details, in the same write.
    const acknowledgements = await deps.gate.append(actorOf(res), items, { alongside: (appended) => deps.registry.recallNotifications(appended) });
    res.status(201).json({ acknowledgements, checkpoint: await deps.ledger.checkpoint() });
  });

  // What a writer reads before it signs: the head its next credential names as previousEvent.
  router.get('/ledger/head', async (req, res) => {
    const unit = unitOf({ credentialSubject: { id: field(req.query.subject, 'subject') } });
    res.set('Cache-Control', 'no-store').json({ unit, head: (await deps.ledger.head(unit)) ?? null });
  });
  router.get('/ledger/events', async (req, res) => {
    const unit = unitOf({ credentialSubject: { id: field(req.query.subject, 'subject') } });
    res.set('Access-Control-Allow-Origin', '*').json({ unit, events: await deps.ledger.events(unit) });
  });
  router.get('/ledger/members', async (req, res) => {
    const key = unitOf({ credentialSubject: { id: field(req.query.subject, 'subject') } });
    const units: string[] = [];
    for await (const unit of deps.ledger.members(key)) units.push(unit);
    res.json({ subject: key, units });
  });

  router.post('/registry/challenge', body, async (req, res) => {
    const { subject, purpose } = object(req.body);
    res.status(201).set('Cache-Control', 'no-store').json(await deps.registry.challenge(field(subject, 'subject'), field(purpose, 'purpose') as ChallengePurpose));
  });
  router.post('/registry/register', body, signed, async (req, res) => {
    const { subject, presentation, contact } = object(req.body);
    res.status(201).json(await deps.registry.register(actorOf(res), { subject: field(subject, 'subject'), presentation, contact }));
  });
  router.post('/registry/transfer', body, signed, async (req, res) => {
    const { authorization, contact } = object(req.body);
    res.status(201).json(await deps.registry.transfer(actorOf(res), { authorization, contact }));
  });
  router.post('/registry/report', body, signed, async (req, res) => {
    const { subject, presentation, state } = object(req.body);
    res.json(await deps.registry.report(actorOf(res), { subject: field(subject, 'subject'), presentation, state }));
  });
  // The operator's mailer takes the queued recall notifications (they leave the store as they are handed over).
  router.post('/registry/outbox', (req, res, next) => void (deps.isOperator(req) ? next() : next(new AuthError('UNAUTHORIZED', 'The operator\'s bearer token is required'))), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ notifications: await deps.registry.drainOutbox() });
  });

  // GDPR access and erasure of the contact details an owner left: theirs only, by their signed request.
  router.get('/registry/contact', signed, async (req, res) => {
    const contact = await deps.registry.contact(actorOf(res), field(req.query.subject, 'subject'));
    if (!contact) throw new NotFoundError('NOT_FOUND', 'No contact details kept for you on this unit');
    res.set('Cache-Control', 'no-store').json({ contact });
  });
  router.delete('/registry/contact', signed, async (req, res) => {
    await deps.registry.forgetContact(actorOf(res), field(req.query.subject, 'subject'));
    res.status(204).end();
  });

  router.get('/parties/:name/did.json', (req, res) => {
    const doc = deps.parties.get(String(req.params.name));
    if (!doc) throw new NotFoundError('DID_NOT_FOUND', `No party ${req.params.name}`);
    res.set('Access-Control-Allow-Origin', '*').type('application/did+json').send(JSON.stringify(doc));
  });
  // A party's first document is signed by a key in it (trust on first use: a name is just a name), except
  // for a name the trust file gives weight to, which only the operator claims; every later document is
  // signed by a key of the one hosted then.
  router.put('/parties/:name/did.json', body, ((req, res, next) => {
    const did = deps.parties.didOf(String(req.params.name));
    if (deps.parties.local(did)) return requireSignedRequest({ resolver: deps.resolver, nonces: deps.nonces, now: deps.now })(req, res, next);
    checkPartyDocument(did, req.body);
    if (deps.reserved(did) && !deps.isOperator(req)) {
      throw new AuthError('UNAUTHORIZED', `${did} is a trusted registrar's name: only the operator (its bearer token) may claim it`, { evidence: { did } });
    }
    requireSignedRequest({ resolver: withDocument(deps.resolver, did, req.body as DidDocument), nonces: deps.nonces, now: deps.now })(req, res, next);
  }) as RequestHandler, async (req, res) => {
    const name = String(req.params.name);
    if (actorOf(res) !== deps.parties.didOf(name)) throw new AuthError('PARTY_TAKEN', `${deps.parties.didOf(name)} is taken: only its own keys replace its document`, { evidence: { actor: actorOf(res) } });
    const existed = !!deps.parties.get(name);
    res.status(existed ? 200 : 201).type('application/did+json').send(JSON.stringify(await deps.parties.put(name, req.body)));
  });

  return router;
}

/** A resolver that answers `did` with `document` (not yet hosted) and defers everything else. */
function withDocument(resolver: Resolver, did: string, document: DidDocument): Resolver {
  return {
    resolve: async (id) => (id === did ? document : resolver.resolve(id)),
    dereference: async (url) => (url.split('#')[0] === did ? dereferenceInDocument(document, url) : resolver.dereference(url)),
  };
}
