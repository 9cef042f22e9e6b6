// The independent verifier: from a Digital Link (over the network) or a passport bundle (offline) to a report.
// It trusts the Digital Link it starts from, the keys it resolves, the registrars it was told to trust and the
// checkpoints it saw before; everything a server says is checked against signatures, links and the log.
import { DppError, isDppError, type ErrorCode } from '../errors.js';
import { createDidResolver, type DppDidResolver } from '../did/resolver.js';
import { didWebToUrl } from '../did/did-web.js';
import type { DidDocument } from '../did/did-document.js';
import { dereferenceInDocument } from '../did/did-document.js';
import { canonicalDigitalLink, parseDigitalLink, type DigitalLink } from '../gs1/index.js';
import { BUNDLE_TYPE, type BundledEvent, type PassportBundle } from '../ledger/bundle.js';
import { LINK_TYPES } from '../ledger/link-types.js';
import { isPartySubject, logEntry, unitOf } from '../ledger/ledger.js';
import { checkPolicy } from '../ledger/policy.js';
import { levelsOf, type Level } from '../ledger/subjects.js';
import { unitState } from '../ledger/unit-state.js';
import type { AuthorityLookups } from '../ledger/authority.js';
import { toBase64 } from '../log/hash.js';
import { base64Decode } from '../platform/bytes.js';
import { asArray, credentialLabel, isObject, issuerId, subjectOf, typesOf, type JsonObject } from '../vc/credential.js';
import { digestMultibase } from '../vc/jcs.js';
import { fail, isVerified, pass, warn, type Check } from '../vc/report.js';
import { createCredentialServices } from '../vc/services.js';
import type { ProofPool } from '../vc/proof-pool.js';
import type { CredentialReport } from '../vc/verify.js';
import { checkChain } from './chain.js';
import type { CheckpointStore, SeenCheckpoint } from './checkpoints.js';
import { fetchJson, type FetchLike } from './fetch.js';
import { checkpointCheck, consistencyCheck, httpLogReader, inclusionCheck, logKeyCheck, truncationCheck, type ChainEnd, type LogReader, type Tree } from './log-checks.js';
import type { CredentialStatus, PassportReport, RoleOptions, VerifiedCredential, VerifiedPassport, VerifierRole } from './types.js';

export interface PassportVerifierDeps {
  now: () => Date;
  /** The checkpoints seen before; the largest consistent one is kept after each verification. */
  checkpoints: CheckpointStore;
  /** DIDs of the registrars whose company-prefix licences count. Without any, GTIN authority is a warning. */
  trustedRegistrars?: readonly string[];
  /** The network; without it only bundles verify, and nothing is fetched. */
  fetch?: FetchLike;
  /** A mirror's base URL: its checkpoint must be consistent with the one served (no split view). */
  witness?: string;
  /** How DIDs are resolved online (default: did:web over `fetch`); a server passes its own, which knows the DIDs it hosts. */
  resolver?: DppDidResolver;
  /** Worker threads for the proofs (`sharedProofPool()` from src/vc/proof-pool.ts); without, this thread verifies them. */
  proofPool?: ProofPool;
}

export type PassportInput = { digitalLink: string } | { bundle: unknown };

export interface PassportVerifyOptions extends RoleOptions {
  role?: VerifierRole;
}

interface Gathered {
  bundle: PassportBundle;
  /** The origin the bundle was fetched from (network only). */
  origin?: string;
  /** The log as served alongside the passport (network only). */
  log?: LogReader;
  /** Credential ids the linkset links to. */
  linked: string[];
}

const STATUS_ACCEPT = 'application/vc, application/json';

export async function verifyPassport(input: PassportInput, deps: PassportVerifierDeps, options: PassportVerifyOptions = {}): Promise<PassportReport> {
  const now = deps.now();
  const source = 'digitalLink' in input ? 'network' : 'bundle';
  const subject = 'digitalLink' in input ? input.digitalLink : isObject(input.bundle) && typeof input.bundle.digitalLink === 'string' ? input.bundle.digitalLink : '(bundle)';
  const checks: Check[] = [];
  const report = (extra: Partial<PassportReport> = {}): PassportReport => ({ verified: isVerified(checks), subject, source, checks, credentials: [], ...extra });

  // 1. The passport: from the Digital Link's linkset (the bundle it links to), or the bundle given.
  let gathered: Gathered;
  let asked: DigitalLink;
  try {
    asked = parseDigitalLink(subject);
  } catch (err) {
    checks.push(fail('digital-link', isDppError(err) ? err.code : 'DL_INVALID', `${subject} is not a GS1 Digital Link: ${(err as Error).message}`));
    return report();
  }
  try {
    gathered = 'digitalLink' in input ? await gather(subject, asked, deps) : { bundle: bundleShape(input.bundle), linked: [] };
  } catch (err) {
    checks.push(fail('fetch', isDppError(err) ? err.code : 'FETCH_FAILED', (err as Error).message, isDppError(err) && err.evidence ? { evidence: err.evidence } : {}));
    return report();
  }
  const { bundle } = gathered;
  const unit = levelsOf(asked)[0]!.key;
  checks.push(pass('digital-link', `${unit}, ${source === 'network' ? `resolved through its linkset` : 'from the bundle given'}`, { evidence: { unit } }));

  // 2. Who is who: DIDs over the network (once each), or from the bundle offline; status lists likewise. Online, the
  // bundle's copy of a did:web document or a status list is used when the bundle came from the very origin that
  // would be asked for it: the same server, so the same trust, one request instead of one each.
  const fromBundleOrigin = (url: string) => gathered.origin !== undefined && new URL(url).origin === gathered.origin;
  // A did:web is https by definition; a development server answers it over http (DPP_DID_WEB_HTTP): its host decides.
  const fromBundleHost = (url: string) => gathered.origin !== undefined && new URL(url).host === new URL(gathered.origin).host;
  const copyOf = (did: string) => (did.startsWith('did:web:') && bundle.didDocuments[did]?.id === did && fromBundleHost(didWebToUrl(did)) ? bundle.didDocuments[did] : undefined);
  const resolver = memoised(deps.fetch ? (deps.resolver ?? createDidResolver({ fetch: deps.fetch, local: copyOf })) : offlineResolver(bundle.didDocuments));
  const lists = new Map<string, Promise<unknown>>();
  const fetchStatusList = (url: string): Promise<unknown> => {
    let list = lists.get(url);
    if (!list) {
      const copy = bundle.statusLists[url];
      list =
        deps.fetch && !(copy !== undefined && fromBundleOrigin(url))
          ? fetchJson(deps.fetch, url, STATUS_ACCEPT)
          : copy !== undefined
            ? Promise.resolve(copy)
            : Promise.reject(new Error('the bundle carries no copy of it'));
      lists.set(url, list);
    }
    return list;
  };
  const { verifier } = createCredentialServices({ resolver, now: () => now, fetchStatusList, ...(deps.proofPool ? { proofPool: deps.proofPool } : {}) });

  // 3. Every credential: proof, issuer, data model, schema, validity, status.
  type Served = { event: BundledEvent; chain: string; level: Level | 'party' | 'reference' };
  const levels = expectedLevels(asked, bundle);
  const served: Served[] = [];
  for (const chain of bundle.chains) {
    const level = levels.get(chain.unit) ?? (isPartySubject(chain.unit) ? 'party' : undefined);
    if (level === undefined) {
      checks.push(fail('unit', 'UNIT_MISMATCH', `The passport serves a chain of ${chain.unit}, which is not ${unit} nor its batch or product`, { evidence: { chain: chain.unit, unit } }));
      continue;
    }
    for (const event of chain.events) served.push({ event, chain: chain.unit, level });
  }
  for (const reference of bundle.references) served.push({ event: reference, chain: reference.unit, level: 'reference' });
  // Everything the checks will fetch, asked for at once rather than one round trip at a time (failures surface in the checks).
  for (const item of served) {
    const credential = item.event.credential;
    const issuer = issuerId(credential);
    if (typeof issuer === 'string') resolver.resolve(issuer).catch(() => undefined);
    for (const entry of asArray(credential.credentialStatus as unknown).filter(isObject)) {
      if (typeof entry.statusListCredential === 'string') fetchStatusList(entry.statusListCredential).catch(() => undefined);
    }
  }
  // The log is read while the credentials are verified: its requests wait on the network, their checks on the CPU.
  const logPending = logChecks(bundle, served, resolver, deps, gathered.log);
  // All at once: with a proof pool the proofs spread over the cores; without, they interleave with the network.
  const verified: VerifiedCredential[] = await Promise.all(
    served.map(async (item) => {
      const credential = item.event.credential;
      const result = await verifier.verifyCredential(credential);
      return {
        credential,
        chain: item.level === 'reference' ? 'reference' : item.chain,
        ...(item.level === 'reference' ? {} : { level: item.level as Level | 'party' }),
        report: result,
        status: statusOf(result),
        verified: result.verified,
      };
    }),
  );
  const byId = new Map(verified.map((v) => [String(v.credential.id), v]));

  // 4. Each credential is about the chain it was served on; no proof is another credential's.
  for (const item of served) {
    const credential = item.event.credential;
    let about: string;
    try {
      about = unitOf(credential);
    } catch {
      about = '(none)';
    }
    if (about !== item.chain) {
      checks.push(fail('unit', 'UNIT_MISMATCH', `${credentialLabel(credential)} is about ${about}, not ${item.chain}, the chain it was served on`, { credential: credentialLabel(credential), evidence: { about, chain: item.chain } }));
    }
  }
  checks.push(...reusedProofs(served.map((s) => s.event.credential)));

  // 5. The chains: linear, no gaps, no forks, in order, each previousEvent's digest right.
  for (const chain of bundle.chains) if (levels.has(chain.unit)) checks.push(...checkChain(chain.unit, chain.events.map((e) => e.credential)));
  checks.push(...linkedCredentials(gathered.linked, byId));

  // 6. The log: its key, the checkpoint, each credential's inclusion, consistency, and later events.
  const logResult = await logPending;
  checks.push(...logResult.checks);

  // 7. Status against the chain, and each credential's authority under the ledger's own policy.
  const chains = chainsByLevel(verified);
  const state = unitState({ unit: chains.item, batch: chains.batch, product: chains.product }, String(subjectOf(verified.find((v) => v.level === 'item')?.credential ?? {}).id ?? subject));
  checks.push(...credentialChecks(verified, state));
  const registry = isObject(bundle.log) && typeof bundle.log.did === 'string' ? bundle.log.did : '';
  const lookups = lookupsOver(served, byId, deps.trustedRegistrars);
  checks.push(...(await authorityChecks(served, byId, registry, deps.trustedRegistrars, lookups, (c) => verifier.checkSignature(c))));

  // 8. The role's view, on what was checked.
  const passport: VerifiedPassport = {
    digitalLink: subject,
    unit,
    credentials: verified,
    chains,
    state,
    lookups: lookups(),
    now,
    verifyPresentation: (vp, o) => verifier.verifyPresentation(vp, o),
  };
  let view: PassportReport['view'];
  if (options.role) {
    // Loaded only when asked for: the UNTP schemas and role rules cost start-up time a plain verify does not need.
    const { roleView } = await import('./roles.js');
    const roleResult = await roleView(options.role, passport, options);
    // A role may judge what the shared checks already failed (a repair's accreditation): one failure is enough.
    const failed = new Set(checks.filter((c) => c.status === 'fail').map((c) => `${c.code} ${c.credential}`));
    checks.push(...roleResult.checks.filter((c) => c.status !== 'fail' || !failed.has(`${c.code} ${c.credential}`)));
    view = roleResult.summary;
  }

  const result = report({
    unit,
    ...(logResult.tree ? { checkpoint: { origin: logResult.origin!, size: logResult.tree.size, root: toBase64(logResult.tree.root) } } : {}),
    credentials: verified.map((v) => ({
      id: credentialLabel(v.credential),
      type: typesOf(v.credential).filter((t) => t !== 'VerifiableCredential').join(', '),
      issuer: String(issuerId(v.credential)),
      chain: v.chain,
      verified: v.verified,
      status: v.status,
    })),
    ...(options.role ? { role: options.role, view } : {}),
  });
  // Remember the largest tree that verified and was consistent with everything seen: the next run holds the log to it.
  if (logResult.remember && !logResult.checks.some((c) => c.status === 'fail')) await deps.checkpoints.put(logResult.remember);
  return result;
}

/** Online: the linkset of the Digital Link, the bundle it links to, and the log beside that bundle. */
async function gather(link: string, dl: DigitalLink, deps: PassportVerifierDeps): Promise<Gathered> {
  const fetch = deps.fetch!;
  if (!fetch) throw new DppError('FETCH_FAILED', 'No network to resolve a Digital Link with');
  const url = canonicalDigitalLink(link, { stem: dl.stem });
  const base = url.split('?')[0]!;
  const linksetUrl = `${base}?linkType=linkset`;
  // Where a dpp-ledger server keeps the bundle, asked for alongside the linkset; used only if the linkset links there.
  const guess = `${new URL(base).origin}/bundle${new URL(base).pathname}`;
  const guessed = fetchJson(fetch, guess);
  guessed.catch(() => undefined);
  const answer = await fetchJson(fetch, linksetUrl, 'application/linkset+json, application/json');
  if (!isObject(answer) || !Array.isArray(answer.linkset)) throw new DppError('INVALID_INPUT', `${linksetUrl} is not an RFC 9264 linkset`, { evidence: { url: linksetUrl } });
  const contexts = (answer.linkset as unknown[]).filter(isObject);
  const hrefs = (rel: string) =>
    contexts.flatMap((context) => asArray(context[rel] as unknown).filter(isObject).map((l) => l.href).filter((h): h is string => typeof h === 'string'));
  const bundleHref = hrefs(LINK_TYPES.bundle)[0];
  if (!bundleHref) throw new DppError('NOT_FOUND', `The linkset of ${base} links to no passport bundle (${LINK_TYPES.bundle})`, { evidence: { url: linksetUrl } });
  const bundleUrl = new URL(bundleHref, linksetUrl).toString();
  const bundle = bundleShape(await (bundleUrl === guess ? guessed : fetchJson(fetch, bundleUrl)));
  const linked = [...hrefs(LINK_TYPES.dpp), ...hrefs(LINK_TYPES.sustainabilityInfo)]
    .map((href) => /\/credentials\/([^/?#]+)$/.exec(new URL(href, linksetUrl).pathname)?.[1])
    .filter((id): id is string => id !== undefined)
    .map((id) => decodeURIComponent(id));
  const origin = new URL(bundleUrl).origin;
  return { bundle, origin, linked: [...new Set(linked)], log: httpLogReader(fetch, origin) };
}

/** The bundle, if it has the shape of one; INVALID_INPUT otherwise. */
function bundleShape(value: unknown): PassportBundle {
  const bad = (why: string) => new DppError('INVALID_INPUT', `Not a passport bundle: ${why}`);
  if (!isObject(value) || value.type !== BUNDLE_TYPE) throw bad(`its type is not ${BUNDLE_TYPE}`);
  if (!Array.isArray(value.chains) || !value.chains.every((c) => isObject(c) && typeof c.unit === 'string' && Array.isArray(c.events))) throw bad('chains is not [{unit, events}]');
  const events = [...value.chains.flatMap((c) => (c as { events: unknown[] }).events), ...asArray(value.references as unknown[])];
  if (!events.every((e) => isObject(e) && isObject(e.credential) && Number.isSafeInteger(e.leafIndex) && Number.isSafeInteger(e.sequence) && Array.isArray(e.inclusionProof))) {
    throw bad('an event is not {credential, sequence, leafIndex, inclusionProof}');
  }
  return {
    ...(value as unknown as PassportBundle),
    references: asArray(value.references as PassportBundle['references']),
    didDocuments: isObject(value.didDocuments) ? (value.didDocuments as PassportBundle['didDocuments']) : {},
    statusLists: isObject(value.statusLists) ? value.statusLists : {},
  };
}

/** The element-string keys of the unit's levels: from the Digital Link asked and from its passport (which names its lot). */
function expectedLevels(asked: DigitalLink, bundle: PassportBundle): Map<string, Level> {
  const levels = new Map(levelsOf(asked).map((l) => [l.key, l.level] as const));
  const item = levelsOf(asked).find((l) => l.level === 'item');
  for (const chain of bundle.chains) {
    if (!item || chain.unit !== item.key) continue;
    for (const event of chain.events) {
      const id = subjectOf(event.credential).id;
      if (!typesOf(event.credential).includes('DigitalProductPassport') || typeof id !== 'string') continue;
      try {
        const own = levelsOf(parseDigitalLink(id));
        if (own[0]?.key === item.key) for (const l of own) levels.set(l.key, l.level);
      } catch {
        // A passport whose subject is no Digital Link fails its own checks.
      }
    }
  }
  return levels;
}

function memoised(resolver: DppDidResolver): DppDidResolver {
  const documents = new Map<string, Promise<DidDocument>>();
  const resolve = (did: string) => {
    let document = documents.get(did);
    if (!document) {
      document = resolver.resolve(did);
      documents.set(did, document);
    }
    return document;
  };
  return {
    resolve,
    async dereference(didUrl) {
      return dereferenceInDocument(await resolve(didUrl.split('#')[0]!.split('?')[0]!), didUrl);
    },
    didResolver: resolver.didResolver,
  };
}

/** did:key from the key itself; did:web from the documents the bundle carries (offline there is nothing else). */
function offlineResolver(documents: Record<string, DidDocument>): DppDidResolver {
  return createDidResolver({ local: (did) => (did.startsWith('did:web:') && documents[did]?.id === did ? documents[did] : undefined) });
}

function statusOf(report: CredentialReport): CredentialStatus {
  const status: CredentialStatus = { revoked: false, suspended: false };
  for (const check of report.checks) {
    if (check.id !== 'status') continue;
    if (check.code === 'STATUS_REVOKED') status.revoked = true;
    if (check.code === 'STATUS_SUSPENDED') status.suspended = true;
    if (check.code === 'STATUS_MESSAGE' && typeof check.evidence?.status === 'string') {
      status.message = { value: parseInt(check.evidence.status, 16), message: String(check.evidence.message ?? check.message) };
    }
  }
  return status;
}

function chainsByLevel(verified: readonly VerifiedCredential[]): VerifiedPassport['chains'] {
  const at = (level: Level) => verified.filter((v) => v.level === level).map((v) => v.credential);
  return { item: at('item'), batch: at('batch'), product: at('product') };
}

/** A signature copied from another credential: the same proof value on two credentials. */
function reusedProofs(credentials: readonly JsonObject[]): Check[] {
  const seen = new Map<string, string>();
  const checks: Check[] = [];
  for (const credential of credentials) {
    for (const proof of asArray(credential.proof as unknown).filter(isObject)) {
      if (typeof proof.proofValue !== 'string') continue;
      const first = seen.get(proof.proofValue);
      const id = credentialLabel(credential);
      if (first !== undefined && first !== id) {
        checks.push(fail('proof', 'PROOF_REUSED', `${id} carries the signature of ${first}: a proof copied from another credential`, { credential: id, evidence: { copiedFrom: first } }));
      } else seen.set(proof.proofValue, id);
    }
  }
  return checks;
}

/** Every credential the linkset links to is in the passport as served. */
function linkedCredentials(linked: readonly string[], byId: ReadonlyMap<string, VerifiedCredential>): Check[] {
  const missing = linked.filter((id) => !byId.has(id));
  if (missing.length === 0) return linked.length ? [pass('linkset', `The ${linked.length} credentials the linkset links to are all in the passport`)] : [];
  return missing.map((id) => fail('linkset', 'CHAIN_GAP', `The linkset links to ${id}, which the passport as served leaves out`, { credential: id }));
}

interface LogResult {
  checks: Check[];
  origin?: string;
  tree?: Tree;
  remember?: SeenCheckpoint;
}

/** The log key, the checkpoint, inclusion of every credential, consistency (seen, current, witness), truncation. */
async function logChecks(
  bundle: PassportBundle,
  served: readonly { event: BundledEvent; chain: string; level: string }[],
  resolver: DppDidResolver,
  deps: PassportVerifierDeps,
  reader: LogReader | undefined,
): Promise<LogResult> {
  const checks: Check[] = [];
  const info = isObject(bundle.log) ? bundle.log : undefined;
  const seen = typeof info?.origin === 'string' ? await deps.checkpoints.get(info.origin) : undefined;
  let didDocument: DidDocument | undefined;
  try {
    if (typeof info?.did === 'string') didDocument = await resolver.resolve(info.did);
  } catch (err) {
    checks.push(fail('log-key', isDppError(err) ? err.code : 'DID_RESOLUTION_FAILED', `Cannot resolve the log's DID ${String(info?.did)}: ${(err as Error).message}`));
    return { checks };
  }
  const key = logKeyCheck(info, didDocument, seen);
  checks.push(key.check);
  if (!key.key || !key.info) return { checks };
  const origin = key.info.origin;
  const signed = checkpointCheck('checkpoint', bundle.checkpoint, origin, key.key);
  checks.push(signed.check);
  if (!signed.checkpoint) return { checks, origin };
  const tree: Tree = { size: signed.checkpoint.size, root: signed.checkpoint.root };

  // Inclusion: the entry is recomputed from the credential and its place in the chain as served, never taken from the bundle.
  const failures: Check[] = [];
  const ends = new Map<string, ChainEnd>();
  const position = new Map<string, number>();
  for (const item of served) {
    const credential = item.event.credential;
    const sequence = item.level === 'reference' ? item.event.sequence : (position.get(item.chain) ?? 0);
    if (item.level !== 'reference') position.set(item.chain, sequence + 1);
    const type = typesOf(credential).find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
    const entry = logEntry({ unit: item.chain, sequence, id: String(credential.id), digestMultibase: digestMultibase(credential), type, leafIndex: item.event.leafIndex }, String(issuerId(credential)));
    const proof = item.event.inclusionProof.map((p) => base64Decode(String(p)));
    const problem = inclusionCheck(credentialLabel(credential), entry, item.event.leafIndex, proof, tree);
    if (problem) failures.push(problem);
    // A chain is read on from its last event the log holds: one the log does not hold is already a failure.
    else if (item.level !== 'reference' && item.level !== 'party') ends.set(item.chain, { key: item.chain, leafIndex: item.event.leafIndex, entry });
  }
  checks.push(...(failures.length ? failures : [pass('log', `All ${served.length} credentials are in the log at the checkpoint's size ${tree.size}`)]));

  // The tree now: online, the log's current checkpoint, which must extend the bundle's.
  let current = tree;
  let currentNote = bundle.checkpoint;
  if (reader) {
    try {
      const note = await reader.checkpoint();
      const latest = checkpointCheck('checkpoint', note, origin, key.key);
      if (!latest.checkpoint) {
        checks.push(latest.check);
        return { checks, origin, tree };
      }
      const newer = latest.checkpoint.size >= tree.size ? latest.checkpoint : undefined;
      if (!newer) checks.push(fail('consistency', 'LOG_INCONSISTENT', `The log's checkpoint (size ${latest.checkpoint.size}) is older than the passport's (size ${tree.size})`));
      else {
        const check = await consistencyCheck('consistency', 'LOG_INCONSISTENT', "the passport's checkpoint", tree, newer, (a, b) => reader.consistency(a, b));
        if (check.status === 'fail') checks.push(check);
        current = { size: newer.size, root: newer.root };
        currentNote = note;
      }
    } catch (err) {
      checks.push(fail('checkpoint', isDppError(err) ? err.code : 'FETCH_FAILED', `Cannot read the log's checkpoint: ${(err as Error).message}`));
      return { checks, origin, tree };
    }
  }

  // What this verifier saw before: the log may only have grown from it.
  if (!seen) checks.push(pass('seen', `No checkpoint of ${origin} seen before: this one (size ${current.size}) is remembered`));
  else {
    const seenTree = { size: seen.size, root: base64Decode(seen.root) };
    const evidence = { seen: seen.note, served: currentNote };
    if (reader && seenTree.size > current.size) {
      checks.push(fail('seen', 'LOG_INCONSISTENT', `The log serves a tree of size ${current.size}, smaller than the one seen ${seen.seenAt} (size ${seen.size}): rolled back`, { evidence }));
    } else if (reader || seenTree.size === current.size) {
      const check = await consistencyCheck('seen', 'LOG_INCONSISTENT', `the checkpoint seen ${seen.seenAt}`, seenTree, current, (a, b) => reader!.consistency(a, b));
      checks.push(check.status === 'fail' ? { ...check, evidence: { ...check.evidence, ...evidence } } : check);
    } else {
      checks.push(warn('seen', 'FRESHNESS_UNCHECKED', `The bundle's tree (size ${current.size}) and the one seen ${seen.seenAt} (size ${seen.size}) differ in size; offline, their consistency cannot be proven`));
    }
  }

  // A witness's view of the same log: one tree for everyone, or a split view.
  if (deps.witness && deps.fetch) {
    const witness = httpLogReader(deps.fetch, deps.witness);
    try {
      const note = await witness.checkpoint();
      const theirs = checkpointCheck('witness', note, origin, key.key);
      if (!theirs.checkpoint) checks.push(theirs.check);
      else {
        const w: Tree = { size: theirs.checkpoint.size, root: theirs.checkpoint.root };
        const [older, newer, prover, what] = w.size <= current.size ? [w, current, reader, `the witness's checkpoint`] : [current, w, witness, 'the checkpoint served'];
        const check = await consistencyCheck('witness', 'SPLIT_VIEW', `${what} (${witness.source})`, older, newer, (a, b) => (prover ?? witness).consistency(a, b));
        checks.push(check.status === 'fail' ? { ...check, evidence: { ...check.evidence, witness: note, served: currentNote } } : check);
      }
    } catch (err) {
      checks.push(fail('witness', isDppError(err) ? err.code : 'FETCH_FAILED', `Cannot read the witness's checkpoint: ${(err as Error).message}`));
    }
  }

  // The newest events: online, read from the log itself; offline they cannot be.
  if (reader) checks.push(...(await truncationCheck(reader, [...ends.values()], current)));
  else checks.push(warn('fresh', 'FRESHNESS_UNCHECKED', 'Offline, whether the log holds events of this unit newer than the bundle cannot be checked'));

  // Remembered when larger than what was seen and proven to extend it (offline, only a first sight is taken on trust).
  const remember =
    (!seen || current.size > seen.size) && (!seen || reader)
      ? { origin, verifierKey: key.info.verifierKey, size: current.size, root: toBase64(current.root), note: currentNote, seenAt: deps.now().toISOString(), source: reader?.source ?? 'bundle' }
      : undefined;
  return { checks, origin, tree, remember };
}

/** Per credential: its own checks (one line when all pass); status read against what the chain says. */
function credentialChecks(verified: VerifiedCredential[], state: ReturnType<typeof unitState>): Check[] {
  const checks: Check[] = [];
  // An ownership its transfer sold on must read revoked; a recalled unit's passport must show the recall.
  const superseded = new Map<string, string>();
  for (const v of verified) {
    if (v.level === 'item' && typesOf(v.credential).includes('OwnershipTransferCredential')) {
      const previous = subjectOf(v.credential).previousOwnership;
      if (typeof previous === 'string') superseded.set(previous, credentialLabel(v.credential));
    }
  }
  for (const v of verified) {
    const id = credentialLabel(v.credential);
    const types = typesOf(v.credential).filter((t) => t !== 'VerifiableCredential').join(', ');
    let own = v.report.checks;
    const transfer = superseded.get(id);
    if (transfer) {
      const revocation = own.find((c) => c.id === 'status' && c.evidence?.statusPurpose === 'revocation');
      if (revocation?.code === 'STATUS_REVOKED') {
        own = own.map((c) => (c === revocation ? pass('status', `Revoked when ${transfer} sold it on, as it must be`, { credential: id, evidence: c.evidence }) : c));
        v.verified = isVerified(own);
      } else if (revocation?.status === 'pass') {
        own = [...own, fail('status', 'STATUS_LIST_STALE', `${transfer} sold this ownership on, yet the revocation list served does not revoke it: an old list`, { credential: id, evidence: revocation.evidence })];
        v.verified = false;
      }
    }
    if (v.level === 'item' && typesOf(v.credential).includes('DigitalProductPassport') && state.recalls.length > 0) {
      const message = own.find((c) => c.id === 'status' && c.evidence?.statusPurpose === 'message');
      if (message && message.status === 'pass') {
        own = [...own, fail('status', 'STATUS_LIST_STALE', `${credentialLabel(state.recalls[0]!)} recalls this unit, yet the recall list served shows no recall on its passport: an old list`, { credential: id, evidence: message.evidence })];
        v.verified = false;
      }
    }
    const problems = own.filter((c) => c.status !== 'pass');
    if (!problems.some((c) => c.status === 'fail')) {
      checks.push(pass('credential', `${types} ${id} by ${String(issuerId(v.credential))}: signature, data model, schema, validity, status`, { credential: id }));
    }
    checks.push(...problems.map((c) => ({ ...c, credential: c.credential ?? id })));
  }
  return checks;
}

/** Lookups over the credentials recorded before the `at`th one served (all of them without): its chain's earlier events, other chains' earlier leaves. */
type Lookups = (at?: number) => AuthorityLookups;

/** Authority lookups over the passport's credentials, as of one of them (replaying the policy as of each write). */
function lookupsOver(
  served: readonly { event: BundledEvent; chain: string }[],
  byId: ReadonlyMap<string, VerifiedCredential>,
  trustedRegistrars: readonly string[] | undefined,
): Lookups {
  const trusted: ReadonlySet<string> = trustedRegistrars?.length ? new Set(trustedRegistrars) : ({ has: () => true } as unknown as ReadonlySet<string>);
  return (at) => {
    const item = at === undefined ? undefined : served[at]!;
    const recorded = item ? served.filter((s, j) => (s.chain === item.chain ? j < at! : s.event.leafIndex < item.event.leafIndex)) : served;
    return {
      trustedRegistrars: trusted,
      credential: async (id) => recorded.find((s) => s.event.credential.id === id)?.event.credential,
      chain: async (key) => recorded.filter((s) => s.chain === key).map((s) => s.event.credential),
      inactive: async (credential) => {
        const v = byId.get(String(credential.id));
        if (!v) return 'is not in the passport';
        if (v.status.revoked) return 'is revoked';
        if (v.status.suspended) return 'is suspended';
        // Authority is judged on signatures and status; a licence that expired since still backed what it backed then.
        const failed = v.report.checks.find((c) => c.status === 'fail' && c.code !== 'EXPIRED');
        return failed ? `does not verify (${failed.code})` : undefined;
      },
    };
  };
}

/**
 * Issuer authority: the ledger's write policy replayed over each credential as of its place in the log (the GTIN's
 * key-credential chain to a trusted registrar, the registry alone for ownership, the owner for end of life, …),
 * each transfer carrying the seller's signed authorisation, and each repair claiming only the accreditation it has.
 */
async function authorityChecks(
  served: readonly { event: BundledEvent; chain: string; level: string }[],
  byId: ReadonlyMap<string, VerifiedCredential>,
  registry: string,
  trustedRegistrars: readonly string[] | undefined,
  lookups: Lookups,
  checkSignature: (credential: JsonObject) => Promise<Check[]>,
): Promise<Check[]> {
  const checks: Check[] = [];
  if (!trustedRegistrars?.length) checks.push(warn('authority', 'CHECK_UNAVAILABLE', 'No trusted registrars given (--trust FILE): licences are followed, but any registrar is taken at its word'));
  let allowed = 0;
  let judged = 0;
  for (const [at, item] of served.entries()) {
    const credential = item.event.credential;
    const id = credentialLabel(credential);
    // Another unit's credential served as a reference (a successor's passport) is judged on its own passport.
    if (item.level === 'reference' && !isPartySubject(item.chain)) continue;
    judged++;
    try {
      await checkPolicy(credential, String(issuerId(credential)), { ...lookups(at), registry });
      allowed++;
    } catch (err) {
      const code: ErrorCode = isDppError(err) ? err.code : 'POLICY_DENIED';
      const message = (err as Error).message;
      checks.push(fail('authority', code, message.startsWith(id) ? message : `${id}: ${message}`, { credential: id, evidence: isDppError(err) ? err.evidence : undefined }));
    }
    if (typesOf(credential).includes('OwnershipTransferCredential')) checks.push(...(await transferChecks(credential, byId, checkSignature)));
  }
  if (allowed === judged) checks.push(pass('authority', `Each of the ${judged} credentials was issued by a party the ledger's policy allows (GTIN authority through the licence chain, the registry for ownership, the owner for end of life)`));
  return checks;
}

/** The owner chain: a transfer names the ownership it ends, and carries that owner's signed authorisation for the buyer. */
async function transferChecks(transfer: JsonObject, byId: ReadonlyMap<string, VerifiedCredential>, checkSignature: (credential: JsonObject) => Promise<Check[]>): Promise<Check[]> {
  const id = credentialLabel(transfer);
  const subject = subjectOf(transfer);
  const previous = typeof subject.previousOwnership === 'string' ? byId.get(subject.previousOwnership) : undefined;
  const authorization = isObject(subject.authorization) ? subject.authorization : undefined;
  const seller = previous ? subjectOf(previous.credential).owner : undefined;
  const problem = !previous
    ? `it ends ${String(subject.previousOwnership)}, which is not in the passport`
    : seller !== subject.transferredFrom
      ? `it is from ${String(subject.transferredFrom)}, but ${String(subject.previousOwnership)} was ${String(seller)}'s`
      : !authorization || issuerId(authorization) !== seller || subjectOf(authorization).transferredTo !== subject.transferredTo || subjectOf(authorization).ownership !== subject.previousOwnership
        ? `it does not carry ${String(seller)}'s authorisation to transfer ${String(subject.previousOwnership)} to ${String(subject.transferredTo)}`
        : undefined;
  if (problem) return [fail('authority', 'AUTHORISATION_INVALID', `${id}: ${problem}`, { credential: id })];
  // Its signature by the seller; it was short-lived, so that it has expired since is no fault.
  const signature = (await checkSignature(authorization!)).find((c) => c.status === 'fail');
  return signature ? [fail('authority', 'AUTHORISATION_INVALID', `${id}: the seller's authorisation does not verify: ${signature.message}`, { credential: id })] : [];
}

