// The verifier against a lying server: one real server (and, for a rewritten log, a second one on a copy of its
// data folder: the same log key and origin, another history) behind the proxy of ./lying-server.ts, which tells
// one lie per test. Each lie must leave the passport not verified, with a failed check of the lie's own code;
// bad answers (404, a timeout, HTML, 50 MB, not JSON) likewise, and never a throw. The honest path through the
// same proxy verifies. `LIES_DEBUG=1` prints each lie's failed and warned checks.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve, serveMirror } from '../../src/cli/serve.js';
import { mirrorCommand } from '../../src/cli/mirror.js';
import { networkFetch } from '../../src/cli/network.js';
import { formatDigitalLink, parseDigitalLink } from '../../src/gs1/index.js';
import { LINK_TYPES } from '../../src/ledger/link-types.js';
import { levelsOf } from '../../src/ledger/subjects.js';
import { encodeEntryBundle, parseEntryBundle } from '../../src/log/index.js';
import type { BundledEvent, PassportBundle } from '../../src/ledger/bundle.js';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';
import { signDataIntegrity } from '../../src/vc/data-integrity.js';
import type { JsonObject } from '../../src/vc/credential.js';
import { memoryCheckpointStore, type CheckpointStore } from '../../src/verify/checkpoints.js';
import { verifyPassport, type PassportVerifierDeps } from '../../src/verify/passport.js';
import type { PassportReport } from '../../src/verify/types.js';
import { createParty } from '../../agents/party.js';
import { createLedgerClient } from '../../agents/client.js';
import { createActor, type Actor, type Secured } from '../../agents/actor.js';
import { hostedIdentity } from '../../agents/identity.js';
import { createRegistrar } from '../../agents/registrar.js';
import { chained, createManufacturer, identityOf, type Manufacturer } from '../../agents/manufacturer.js';
import { createRepairer } from '../../agents/repairer.js';
import { createOwner } from '../../agents/owner.js';
import { GTIN, PASSPORT, PREFIX, WARRANTY, unitLink } from '../lifecycle-world.js';
import { TEST_SECRET, freePort } from '../helpers.js';
import {
  startLyingServer, rewriteJson, rewriteBytes, rewriteText, reply, replay, notFound, html, invalidJson, huge, neverEnding, silent, record,
  type LyingServer, type Upstream,
} from './lying-server.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const TOKEN = 'lying-server-token-0123456789';
/** A GTIN outside the licensed prefix 9506000. */
const FOREIGN_GTIN = '04006381333931';

let dir: string;
let proxy: LyingServer;
let trustFile: string;
let registrarDid: string;
const running: { close(): Promise<void> }[] = [];
let manufacturer: Manufacturer;
let repairer: Actor;
let licenceId: string;
/** The unit whose whole life is honest: minted, registered, repaired (authorised), sold on. */
const UNIT = unitLink('LIE-1');
/** Another unit, with a repair by a stranger that claims the authorised repairer's accreditation. */
const OTHER = unitLink('LIE-2');
let link: string;
let otherLink: string;
let ownershipList: { url: string; before: Upstream };
let strangerRepair: JsonObject;

const key = (digitalLink: string) => levelsOf(parseDigitalLink(digitalLink))[0]!.key;
const onProxy = (digitalLink: string) => formatDigitalLink(parseDigitalLink(digitalLink), { stem: proxy.url });

/** Starts a server on a free port with `origin` = the proxy, as backend `name` of the proxy (and switches to it). */
async function start(name: string, data: string): Promise<void> {
  const port = await freePort();
  running.push(await serve({ port, host: '127.0.0.1', data, token: TOKEN, trust: trustFile, origin: proxy.url }, () => {}));
  proxy.use(name, `http://127.0.0.1:${port}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpp-lies-'));
  proxy = await startLyingServer();
  registrarDid = `did:web:127.0.0.1%3A${proxy.port}:parties:registrar`;
  trustFile = join(dir, 'trust.json');
  writeFileSync(trustFile, JSON.stringify({ registrars: [registrarDid] }));
  await start('a', join(dir, 'a'));

  // The parties speak to the server through the proxy, as a verifier will: their did:web documents are on it.
  const client = createLedgerClient({ baseUrl: proxy.url });
  const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
  const party = async (name?: string) => {
    const p = createParty({ store: createMemoryStore(), secretKeyHex: TEST_SECRET, now: () => new Date(), fetch });
    const did = name ? await hostedIdentity(p, client, name, name === 'registrar' ? TOKEN : undefined) : await p.createIdentity();
    return createActor({ party: p, did, client });
  };
  const registrar = createRegistrar(await party('registrar'));
  expect(registrar.actor.did).toBe(registrarDid);
  manufacturer = createManufacturer(await party('acme'));
  licenceId = (await registrar.license(manufacturer.actor.did, PREFIX, { name: 'Acme' })).id;
  await manufacturer.registerGtin(GTIN, licenceId);
  repairer = await party('fixit');
  const accreditation = await manufacturer.accredit(repairer.did, 'Fixit, authorised service partner', [GTIN]);

  await manufacturer.mint({ digitalLink: UNIT, passport: PASSPORT, warranty: WARRANTY });
  const first = createOwner(await party());
  const { ownership } = await first.register(UNIT);
  await createRepairer(repairer).repair(UNIT, { serviceDate: '2026-03-02', fault: 'E27', workDone: 'Replaced the compressor', firmwareUpdated: false, accreditation: accreditation.id });
  // The registry's revocation list of the first ownership, as it was before the sale revoked it.
  const entry = (ownership.credentialStatus as JsonObject[]).find((e) => e.statusPurpose === 'revocation')!;
  ownershipList = { url: String(entry.statusListCredential), before: await record(String(entry.statusListCredential)) };
  await first.transfer(UNIT, (await party()).did);

  await manufacturer.mint({ digitalLink: OTHER, passport: PASSPORT });
  // A stranger's repair naming the authorised repairer's accreditation. The write API takes a repair by anyone (the
  // right to repair) but refuses one that names an accreditation its repairer does not hold: the lying server serves it.
  const stranger = await party();
  const repair = await stranger.credential('RepairRecordCredential', OTHER, { serviceDate: '2026-04-01', fault: 'Noise', workDone: 'Tightened the fan', firmwareUpdated: false, accreditation: accreditation.id });
  const refusal = await stranger.append([repair]).then(() => undefined, (err: { code?: string }) => err.code);
  expect(refusal).toBe('REPAIRER_NOT_ACCREDITED');
  strangerRepair = repair.dataIntegrity as JsonObject;

  // The same log, twice: server a stops, its data folder is copied to b, both start with the proxy's origin, and
  // each is then given a different write. Two trees, each signed by the same log key: the log rewritten.
  await running.pop()!.close();
  cpSync(join(dir, 'a'), join(dir, 'b'), { recursive: true });
  // b's history is the longer one: a verifier that saw a's tree must be given a consistency proof b cannot make.
  await start('b', join(dir, 'b'));
  await manufacturer.mint({ digitalLink: unitLink('FORK-B1'), passport: PASSPORT });
  await manufacturer.mint({ digitalLink: unitLink('FORK-B2'), passport: PASSPORT });
  await start('a', join(dir, 'a'));
  await manufacturer.mint({ digitalLink: unitLink('FORK-A'), passport: PASSPORT });

  link = onProxy(UNIT);
  otherLink = onProxy(OTHER);
}, 120_000);

afterEach(() => {
  proxy.reset();
  proxy.use('a');
});

afterAll(async () => {
  await proxy?.close();
  for (const server of running) await server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function deps(extra: Partial<PassportVerifierDeps> & { env?: NodeJS.ProcessEnv } = {}): PassportVerifierDeps {
  const { env, ...rest } = extra;
  return {
    now: () => new Date(),
    checkpoints: memoryCheckpointStore(),
    trustedRegistrars: [registrarDid],
    fetch: networkFetch({ DPP_DID_WEB_HTTP: '1', ...env }),
    ...rest,
  };
}

const verify = (digitalLink = link, extra: Parameters<typeof deps>[0] = {}) => verifyPassport({ digitalLink }, deps(extra));

const summary = (report: PassportReport) =>
  report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.status} ${c.id} [${c.code}] ${c.message}`).join('\n');

/** Not verified, and a failed check with `code` among the failures; returns that check. */
function caught(report: PassportReport, code: string) {
  if (process.env.LIES_DEBUG) console.log(`---- ${code}\n${summary(report)}`);
  expect(report.verified, summary(report)).toBe(false);
  const check = report.checks.find((c) => c.status === 'fail' && c.code === code);
  expect(check, `no failed ${code} check in:\n${summary(report)}`).toBeDefined();
  expect(check!.message.length).toBeGreaterThan(10);
  return check!;
}

/** The unit's own chain in a bundle. */
const itemChain = (bundle: PassportBundle, digitalLink = UNIT) => bundle.chains.find((c) => c.unit === key(digitalLink))!;
const typeOf = (event: BundledEvent) => (event.credential.type as string[]).find((t) => t !== 'VerifiableCredential')!;
const findEvent = (events: BundledEvent[], type: string) => events.find((e) => typeOf(e) === type)!;

/** The passport bundle the server serves for a Digital Link (on the proxy), as its linkset links to it. */
async function bundleOf(digitalLink: string): Promise<PassportBundle> {
  const linkset = (await (await fetch(`${digitalLink}?linkType=linkset`)).json()) as { linkset: Record<string, { href: string }[]>[] };
  const href = linkset.linkset.map((c) => c[LINK_TYPES.bundle]?.[0]?.href).find((h) => h !== undefined)!;
  return (await (await fetch(new URL(href, digitalLink))).json()) as PassportBundle;
}

/** Lie on the unit's passport bundle (the one the linkset links to). */
const lieOnBundle = (change: (bundle: PassportBundle) => unknown) => proxy.lie('/bundle/', rewriteJson((bundle) => change(bundle as PassportBundle)));

/** A credential of the bundle, re-signed by its real issuer (the manufacturer) with `changes`. */
async function resigned(credential: JsonObject, changes: JsonObject): Promise<JsonObject> {
  const { proof: _proof, ...unsigned } = credential;
  return (await manufacturer.actor.party.issue({ ...unsigned, ...changes })) as JsonObject;
}

describe('the honest path through the proxy', () => {
  it('verifies, every answer having come through the proxy', async () => {
    const report = await verify();
    expect(report.verified, summary(report)).toBe(true);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    // The bundle carries the DID documents and status lists this origin would serve; the log is read beside it.
    expect(proxy.requests.some((r) => r.startsWith('GET /bundle/'))).toBe(true);
    expect(proxy.requests).toContain('GET /log/checkpoint');
    expect(proxy.requests.some((r) => r.startsWith('GET /log/tile/entries/'))).toBe(true);
  });
});

describe('lies about credentials', () => {
  it('a credential altered after signing: PROOF_INVALID', async () => {
    lieOnBundle((bundle) => {
      const passport = findEvent(itemChain(bundle).events, 'DigitalProductPassport');
      (passport.credential.credentialSubject as JsonObject).hardwareRevision = 'Z';
    });
    const check = caught(await verify(), 'PROOF_INVALID');
    expect(check.credential).toMatch(/^urn:uuid:/);
  });

  it('a signature copied from another credential: PROOF_REUSED', async () => {
    let copiedFrom = '';
    lieOnBundle((bundle) => {
      const events = itemChain(bundle).events;
      const passport = findEvent(events, 'DigitalProductPassport');
      copiedFrom = String(passport.credential.id);
      findEvent(events, 'WarrantyCredential').credential.proof = structuredClone(passport.credential.proof);
    });
    const check = caught(await verify(), 'PROOF_REUSED');
    expect(check.evidence?.copiedFrom).toBe(copiedFrom);
  });

  it("a credential re-signed by a key that is not its issuer's, the issuer kept: ISSUER_MISMATCH", async () => {
    const signer = await repairer.signer();
    const documentLoader = createDocumentLoader({ contexts: loadBundledContexts() });
    lieOnBundle(async (bundle) => {
      const warranty = findEvent(itemChain(bundle).events, 'WarrantyCredential');
      const { proof: _proof, ...unsigned } = warranty.credential;
      warranty.credential = await signDataIntegrity(unsigned, { signer, documentLoader, created: new Date() });
      expect(warranty.credential.issuer).toBe(manufacturer.actor.did);
    });
    const check = caught(await verify(), 'ISSUER_MISMATCH');
    expect(check.message).toContain(repairer.did);
  });

  it('a repair by a stranger presented as authorised (naming the accredited repairer\'s accreditation): REPAIRER_NOT_ACCREDITED', async () => {
    // The liar serves it with the accreditation it names among the references, as an authorised repair would be.
    const accreditation = (await bundleOf(link)).references.find((r) => r.credential.id === (strangerRepair.credentialSubject as JsonObject).accreditation);
    expect(accreditation).toBeDefined();
    lieOnBundle((bundle) => {
      const events = itemChain(bundle, OTHER).events;
      events.push({ ...events.at(-1)!, credential: strangerRepair, inclusionProof: [] });
      bundle.references.push(accreditation!);
    });
    const check = caught(await verify(otherLink), 'REPAIRER_NOT_ACCREDITED');
    expect(check.credential).toBe(strangerRepair.id);
    expect(check.message).toContain(`the accreditation is of ${repairer.did}`);
  });

  it('a credential of another unit served in this unit\'s chain: UNIT_MISMATCH', async () => {
    const other = await bundleOf(otherLink);
    const foreign = findEvent(itemChain(other, OTHER).events, 'DigitalProductPassport');
    lieOnBundle((bundle) => {
      itemChain(bundle).events.push(foreign);
    });
    const check = caught(await verify(), 'UNIT_MISMATCH');
    expect(check.credential).toBe(foreign.credential.id);
  });

  it('an expired credential, re-signed by its real issuer: EXPIRED', async () => {
    const dayMs = 86_400_000;
    lieOnBundle(async (bundle) => {
      const warranty = findEvent(itemChain(bundle).events, 'WarrantyCredential');
      warranty.credential = await resigned(warranty.credential, { validFrom: new Date(Date.now() - 3 * dayMs).toISOString(), validUntil: new Date(Date.now() - dayMs).toISOString() });
    });
    caught(await verify(), 'EXPIRED');
  });

  it('a credential not yet valid, re-signed by its real issuer: NOT_YET_VALID', async () => {
    lieOnBundle(async (bundle) => {
      const warranty = findEvent(itemChain(bundle).events, 'WarrantyCredential');
      warranty.credential = await resigned(warranty.credential, { validFrom: new Date(Date.now() + 86_400_000).toISOString() });
    });
    caught(await verify(), 'NOT_YET_VALID');
  });

  it('a GTIN outside the licensed prefix, keyed and passported by the licensed manufacturer: GTIN_NOT_LICENSED', async () => {
    const unit = `https://id.gs1.org/01/${FOREIGN_GTIN}/10/L1/21/X1`;
    const actor = manufacturer.actor;
    const gtinKey = await actor.credential('KeyCredential', `https://id.gs1.org/01/${FOREIGN_GTIN}`, { extendsCredential: licenceId }, { previous: null });
    const unitKey = await actor.credential('KeyCredential', unit, { extendsCredential: gtinKey.id }, { previous: null });
    const relatedParty = [{ role: 'manufacturer', party: { id: actor.did, name: 'Acme' } }];
    const passport = await actor.credential('DigitalProductPassport', unit, { ...identityOf(unit), relatedParty, ...PASSPORT }, { previous: chained(unitKey) });
    // Everything else (the licence, the checkpoint, the log, the DID documents) is the real server's.
    const real = await bundleOf(link);
    const licence = real.references.find((r) => r.credential.id === licenceId)!;
    expect(licence).toBeDefined();
    const event = (secured: Secured, sequence: number, leafIndex: number): BundledEvent => ({ credential: secured.dataIntegrity as JsonObject, sequence, leafIndex, entry: '', inclusionProof: [] });
    const [item, batch, product] = levelsOf(parseDigitalLink(unit));
    const fake: PassportBundle = {
      ...real,
      digitalLink: unit,
      chains: [
        { unit: item!.key, path: new URL(unit).pathname, events: [event(unitKey, 0, 1001), event(passport, 1, 1002)] },
        { unit: batch!.key, path: `/01/${FOREIGN_GTIN}/10/L1`, events: [] },
        { unit: product!.key, path: `/01/${FOREIGN_GTIN}`, events: [event(gtinKey, 0, 1000)] },
      ],
      references: [licence],
    };
    const foreignLink = onProxy(unit);
    proxy.lie(`/01/${FOREIGN_GTIN}/`, reply({ headers: { 'content-type': 'application/linkset+json' }, body: { linkset: [{ anchor: foreignLink, [LINK_TYPES.bundle]: [{ href: `${proxy.url}/lies/bundle.json` }] }] } }));
    proxy.lie('/lies/bundle.json', reply({ body: fake }));
    const report = await verify(foreignLink);
    const check = caught(report, 'GTIN_NOT_LICENSED');
    expect(check.message).toMatch(/outside the licensed company prefix/);
  });
});

describe('lies about the chain', () => {
  it('an event left out of the middle: CHAIN_GAP', async () => {
    let left = '';
    lieOnBundle((bundle) => {
      const events = itemChain(bundle).events;
      left = String(events.splice(2, 1)[0]!.credential.id);
    });
    const check = caught(await verify(), 'CHAIN_GAP');
    expect(check.message).toContain(left);
  });

  it('the newest events left out: CHAIN_TRUNCATED, read from the log', async () => {
    let dropped: string[] = [];
    lieOnBundle((bundle) => {
      dropped = itemChain(bundle).events.splice(-2).map((e) => String(e.credential.id));
    });
    const report = await verify();
    const check = caught(report, 'CHAIN_TRUNCATED');
    const named = report.checks.filter((c) => c.code === 'CHAIN_TRUNCATED').map((c) => c.credential);
    expect(named.sort()).toEqual([...dropped].sort());
    expect(check.evidence?.chain).toBe(key(UNIT));
  });

  it('events reordered: CHAIN_REORDERED', async () => {
    lieOnBundle((bundle) => {
      const events = itemChain(bundle).events;
      [events[2], events[3]] = [events[3]!, events[2]!];
    });
    caught(await verify(), 'CHAIN_REORDERED');
  });

  it('a fork: a second event on the same predecessor, signed by the manufacturer: CHAIN_FORK', async () => {
    const real = await bundleOf(link);
    const previous = findEvent(itemChain(real).events, 'WarrantyCredential').credential.previousEvent as { id: string; digestMultibase: string };
    // Signed before the verifier starts: its clock is read once, at the start.
    const second = await manufacturer.actor.credential('WarrantyCredential', UNIT, { ...WARRANTY, warrantyPeriod: 'P5Y' }, { previous });
    lieOnBundle((bundle) => {
      const events = itemChain(bundle).events;
      const warranty = findEvent(events, 'WarrantyCredential');
      events.splice(events.indexOf(warranty) + 1, 0, { ...warranty, credential: second.dataIntegrity as JsonObject, inclusionProof: [] });
    });
    const check = caught(await verify(), 'CHAIN_FORK');
    expect(check.message).toMatch(/both follow/);
  });
});

describe('lies about the log', () => {
  it('the log rewritten under the same key, after this verifier saw it: LOG_INCONSISTENT', async () => {
    const checkpoints: CheckpointStore = memoryCheckpointStore();
    const first = await verify(link, { checkpoints });
    expect(first.verified, summary(first)).toBe(true);
    proxy.use('b');
    // On its own, the other history verifies: each tree is validly signed by the same log key.
    const alone = await verify(link);
    expect(alone.verified, summary(alone)).toBe(true);
    expect(alone.checkpoint?.origin).toBe(first.checkpoint?.origin);
    expect(alone.checkpoint!.size).toBeGreaterThan(first.checkpoint!.size);
    // Held to the tree it saw, the verifier asks for a consistency proof that this tree cannot give.
    const check = caught(await verify(link, { checkpoints }), 'LOG_INCONSISTENT');
    expect(check.id).toBe('seen');
    expect(check.message).toMatch(/does not extend/);
    expect(check.evidence?.seen).toContain(first.checkpoint!.root);
    // Nor does a made-up proof help: the verifier computes, it does not take the server's word.
    proxy.lie('/log/proof/consistency', rewriteJson((answer: { proof: string[] }) => ({ proof: answer.proof.map(() => Buffer.alloc(32, 7).toString('base64')) })));
    caught(await verify(link, { checkpoints }), 'LOG_INCONSISTENT');
    expect(proxy.requests.some((r) => r.startsWith('GET /log/proof/consistency?'))).toBe(true);
  });

  it('a checkpoint altered after the log signed it: CHECKPOINT_SIGNATURE_INVALID', async () => {
    proxy.lie('/log/checkpoint', rewriteText((note) => note.replace(/^(.*\n)(\d+)\n/, (_all, origin: string, size: string) => `${origin}${Number(size) + 1}\n`)));
    caught(await verify(), 'CHECKPOINT_SIGNATURE_INVALID');
  });

  it('the log rolled back to a smaller tree than this verifier saw: LOG_INCONSISTENT', async () => {
    const checkpoints: CheckpointStore = memoryCheckpointStore();
    proxy.use('b');
    const first = await verify(link, { checkpoints });
    expect(first.verified, summary(first)).toBe(true);
    proxy.use('a');
    const check = caught(await verify(link, { checkpoints }), 'LOG_INCONSISTENT');
    expect(check.message).toMatch(/rolled back/);
  });

  it('the newest events left out and the log\'s entry tiles rewritten to hide them: LOG_INCONSISTENT', async () => {
    lieOnBundle((bundle) => {
      itemChain(bundle).events.splice(-2);
    });
    // The entries of this unit are re-labelled as another unit's: no later event of it is left to find.
    proxy.lie('/log/tile/entries/', rewriteBytes((bytes) => encodeEntryBundle(parseEntryBundle(bytes).map((entry) => {
      const text = new TextDecoder().decode(entry);
      return text.includes(`"unit":"${key(UNIT)}"`) ? new TextEncoder().encode(text.replace(`"unit":"${key(UNIT)}"`, `"unit":"${key(OTHER)}"`)) : entry;
    }))));
    const report = await verify();
    const check = caught(report, 'LOG_INCONSISTENT');
    expect(check.id).toBe('fresh');
    expect(report.checks.some((c) => c.code === 'CHAIN_TRUNCATED')).toBe(false);
  });

  it('a split view: one tree for this verifier, another for the witness: SPLIT_VIEW', async () => {
    const mirrorDir = join(dir, 'mirror');
    const lines: string[] = [];
    // The witness follows server a's history (through the proxy, honest for now).
    expect(await mirrorCommand(proxy.url, { data: mirrorDir, json: true, showKey: false }, (s) => lines.push(s)), lines.join('\n')).toBe(0);
    const mirror = await serveMirror({ port: 0, host: '127.0.0.1', mirror: mirrorDir }, () => {});
    try {
      const witness = `http://127.0.0.1:${(mirror.server.address() as { port: number }).port}`;
      const honest = await verify(link, { witness });
      expect(honest.verified, summary(honest)).toBe(true);
      expect(honest.checks.find((c) => c.id === 'witness')?.status).toBe('pass');
      proxy.use('b');
      caught(await verify(link, { witness }), 'SPLIT_VIEW');
    } finally {
      await mirror.close();
    }
  });
});

describe('lies about status', () => {
  // The bundle carries the lists of its own origin, which the verifier then takes instead of asking again: a liar
  // lies in both places.
  it('a revoked ownership served without its status list (404): STATUS_UNAVAILABLE', async () => {
    lieOnBundle((bundle) => {
      delete (bundle.statusLists as JsonObject)[ownershipList.url];
    });
    proxy.lie(new URL(ownershipList.url).pathname, notFound());
    const check = caught(await verify(), 'STATUS_UNAVAILABLE');
    expect(check.message).toContain(ownershipList.url);
  });

  it('a revoked ownership served with the list as it was before the sale: STATUS_LIST_STALE', async () => {
    lieOnBundle((bundle) => {
      (bundle.statusLists as JsonObject)[ownershipList.url] = JSON.parse(ownershipList.before.body.toString('utf8'));
    });
    proxy.lie(new URL(ownershipList.url).pathname, replay(ownershipList.before));
    caught(await verify(), 'STATUS_LIST_STALE');
  });
});

describe('bad answers: not verified, a clear failed check, never a throw', () => {
  it('a Digital Link that does not resolve: NOT_FOUND', async () => {
    // A GTIN the server knows nothing of: 404 on the linkset.
    const unknown = caught(await verify(onProxy('https://id.gs1.org/01/09506000134369/21/NO-SUCH-UNIT')), 'NOT_FOUND');
    expect(unknown.message).toMatch(/404/);
    // A serial it does not know under a GTIN it does: the GTIN's linkset, which links to no passport of this unit.
    caught(await verify(onProxy(unitLink('NO-SUCH-UNIT'))), 'NOT_FOUND');
    // The lying server's own 404 on a unit that exists.
    proxy.lie(new URL(link).pathname, notFound());
    caught(await verify(), 'NOT_FOUND');
  });

  it('a server that never answers, or never finishes its answer: FETCH_FAILED', async () => {
    const env = { DPP_FETCH_TIMEOUT_MS: '500' };
    proxy.lie(new URL(link).pathname, silent());
    const started = Date.now();
    const check = caught(await verify(link, { env }), 'FETCH_FAILED');
    expect(check.message).toMatch(/did not answer in time/);
    proxy.reset();
    proxy.lie('/bundle/', neverEnding());
    caught(await verify(link, { env }), 'FETCH_FAILED');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an HTML page instead of JSON: MEDIA_TYPE_INVALID', async () => {
    proxy.lie(new URL(link).pathname, html());
    caught(await verify(), 'MEDIA_TYPE_INVALID');
  });

  it('a 50 MB body: BODY_TOO_LARGE', async () => {
    proxy.lie('/bundle/', huge());
    const check = caught(await verify(), 'BODY_TOO_LARGE');
    expect(check.message).toMatch(/more than/);
  });

  it('invalid JSON: INVALID_JSON', async () => {
    proxy.lie('/bundle/', invalidJson());
    caught(await verify(), 'INVALID_JSON');
  });
});

describe('dpp verify against the lying server', () => {
  function dpp(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DPP_HOME: home, DPP_DID_WEB_HTTP: '1' } }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('exits 0 on the honest path and 1, with the lie\'s code in its JSON report, on a lie', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const honest = await dpp(['verify', link, '--json', '--trust', trustFile], home);
    expect(honest.code, honest.stderr + honest.stdout).toBe(0);
    expect(JSON.parse(honest.stdout).verified).toBe(true);

    lieOnBundle((bundle) => {
      const passport = findEvent(itemChain(bundle).events, 'DigitalProductPassport');
      (passport.credential.credentialSubject as JsonObject).hardwareRevision = 'Z';
    });
    const lied = await dpp(['verify', link, '--json', '--trust', trustFile], home);
    expect(lied.code, lied.stderr).toBe(1);
    const report = JSON.parse(lied.stdout) as PassportReport;
    expect(report.verified).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.code)).toContain('PROOF_INVALID');
  });
});
