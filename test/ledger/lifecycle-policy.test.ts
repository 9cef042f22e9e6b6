// Refused writes over the real signed write API: each with its stable code, each leaving the ledger as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DppError } from '../../src/errors.js';
import { createOwner } from '../../agents/owner.js';
import { createRepairer } from '../../agents/repairer.js';
import { createRecycler } from '../../agents/recycler.js';
import { createManufacturer } from '../../agents/manufacturer.js';
import { PASSPORT, WARRANTY, GTIN, OPERATOR_TOKEN, startLifecycleWorld, unitLink, type LifecycleWorld } from '../lifecycle-world.js';

let world: LifecycleWorld;
beforeAll(async () => {
  world = await startLifecycleWorld();
}, 60_000);
afterAll(() => world?.close());

/** Runs `write`, expects it refused with `code`, and the log and the unit's chain unchanged. */
async function refused(code: string, unit: string | undefined, write: () => Promise<unknown>): Promise<void> {
  const size = await world.logSize();
  const before = unit ? await world.get(`/ledger/head?subject=${encodeURIComponent(unit)}`) : undefined;
  const error = await write().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(DppError);
  expect((error as DppError).code).toBe(code);
  expect(await world.logSize()).toBe(size);
  if (unit) expect(await world.get(`/ledger/head?subject=${encodeURIComponent(unit)}`)).toEqual(before);
}

describe('the write policy', () => {
  it('judges a credential with one type besides VerifiableCredential only', async () => {
    const { checkPolicy } = await import('../../src/ledger/policy.js');
    const twoTypes = { type: ['VerifiableCredential', 'RepairRecordCredential', 'OwnershipCredential'], issuer: 'did:key:z6Mkx', credentialSubject: { id: unitLink('X-1') } };
    const context = { registry: 'did:web:registry.example', trustedRegistrars: new Set<string>(), credential: async () => undefined, chain: async () => [], inactive: async () => undefined };
    await expect(checkPolicy(twoTypes, 'did:key:z6Mkx', context)).rejects.toMatchObject({ code: 'POLICY_DENIED' });
  });

  it('mints, then refuses a second mint of the same unit and writes without a signature', async () => {
    const unit = unitLink('P-1');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT, warranty: WARRANTY });
    const events = (await world.get<{ events: { type: string }[] }>(`/ledger/events?subject=${encodeURIComponent(unit)}`)).events;
    expect(events.map((e) => e.type)).toEqual(['KeyCredential', 'DigitalProductPassport', 'WarrantyCredential']);
    await refused('CHAIN_CONFLICT', unit, () => world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT }));
    const unsigned = await fetch(`${world.origin}/ledger/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"credentials":[]}' });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { code: string }).code).toBe('REQUEST_SIGNATURE_MISSING');
  });

  it('verifies proofs before the policy, and refuses a composition for a unit not minted yet', async () => {
    const unit = unitLink('P-6');
    const composition = { materialProvenance: [{ name: 'Steel', massFraction: 0.5, hazardous: false, criticalRawMaterial: false }] };
    await refused('UNIT_UNKNOWN', unit, () => world.manufacturer.compose(unit, composition));
    const [key, passport] = await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const tampered = { ...passport!, dataIntegrity: { ...passport!.dataIntegrity, id: 'urn:uuid:tampered' }, id: 'urn:uuid:tampered' };
    await refused('CREDENTIAL_NOT_VERIFIED', unit, () => world.manufacturer.actor.append([tampered]));
    expect((await world.manufacturer.actor.append([key!, passport!])).map((a) => a.duplicate)).toEqual([true, true]);
  });

  it('refuses a KeyCredential outside the licensed prefix, and a manufacturer without a licence', async () => {
    // 9506001… is not under the prefix 9506000.
    await refused('GTIN_NOT_LICENSED', undefined, () => world.manufacturer.registerGtin('09506001000007', world.licenceId));
    const rogue = createManufacturer(await world.party('rogue'));
    await refused('GTIN_NOT_LICENSED', undefined, () => rogue.registerGtin(GTIN, world.licenceId));
    await refused('GTIN_NOT_LICENSED', unitLink('R-1'), () => rogue.mint({ digitalLink: unitLink('R-1'), passport: PASSPORT }));
  });

  it('refuses a licence by a registrar the server does not trust', async () => {
    const { createRegistrar } = await import('../../agents/registrar.js');
    const untrusted = createRegistrar(await world.party('untrusted-registrar'));
    await refused('POLICY_DENIED', undefined, () => untrusted.license(world.manufacturer.actor.did, '9506000', { name: 'Acme' }));
  });

  it('refuses a recall by someone who is not the manufacturer, and ownership credentials from anyone but the registry', async () => {
    const unit = unitLink('P-2');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const stranger = createManufacturer(await world.party('stranger'));
    await refused('GTIN_NOT_LICENSED', undefined, () => stranger.recall({ batch: unit }, { reason: 'r', remedy: 'r' }));
    await refused('POLICY_DENIED', unit, () => stranger.actor.record('OwnershipCredential', unit, { owner: stranger.actor.did, ownedSince: new Date().toISOString() }));
  });

  it('refuses a repair that names an accreditation its repairer does not hold; an independent one is welcome', async () => {
    const unit = unitLink('P-REP');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const accredited = createRepairer(await world.party('fixer'));
    const accreditation = await world.manufacturer.accredit(accredited.actor.did, 'Fixer', [GTIN]);
    const stranger = createRepairer(await world.party());
    const record = { serviceDate: '2026-11-01', fault: 'Noise', workDone: 'Fan replaced', firmwareUpdated: false };
    await refused('REPAIRER_NOT_ACCREDITED', unit, () => stranger.repair(unit, { ...record, accreditation: accreditation.id }));
    await refused('REPAIRER_NOT_ACCREDITED', unit, () => accredited.repair(unit, { ...record, accreditation: 'urn:uuid:00000000-0000-4000-8000-000000000000' }));
    await stranger.repair(unit, record);
    await accredited.repair(unit, { ...record, accreditation: accreditation.id });
  });

  it('refuses unknown and malformed units', async () => {
    const repairer = createRepairer(await world.party());
    const record = { serviceDate: '2026-05-01', fault: 'f', workDone: 'w', firmwareUpdated: false };
    await refused('UNIT_UNKNOWN', unitLink('NOPE-1'), () => repairer.repair(unitLink('NOPE-1'), record));
    await refused('DL_CHECK_DIGIT', undefined, () => repairer.repair('https://id.gs1.org/01/09506000134353/21/X', record));
    const owner = createOwner(await world.party());
    await refused('UNIT_UNKNOWN', undefined, () => owner.register(unitLink('NOPE-2')));
  });

  it('refuses a transfer signed by someone who is not the current owner, and a replayed presentation', async () => {
    const unit = unitLink('P-3');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT, warranty: WARRANTY });
    const owner = createOwner(await world.party());
    const thief = createOwner(await world.party());
    await owner.register(unit);
    await refused('UNIT_REGISTERED', unit, () => thief.register(unit));
    await refused('NOT_OWNER', unit, () => thief.transfer(unit, thief.actor.did));
    // A presentation over a used challenge is refused: the registry's challenges are single-use.
    const { challenge, domain } = await owner.actor.client.send<{ challenge: string; domain: string }>('POST', '/registry/challenge', { subject: unit, purpose: 'report' });
    const { signPresentationDataIntegrity, createDocumentLoader, loadBundledContexts } = await import('../../src/index.js');
    const presentation = await signPresentationDataIntegrity(
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: owner.actor.did },
      { signer: await owner.actor.signer(), documentLoader: createDocumentLoader({ contexts: loadBundledContexts() }), created: new Date(), challenge, domain },
    );
    const report = () => owner.actor.client.send('POST', '/registry/report', { subject: unit, presentation, state: 'lost' }, undefined);
    await expect(report()).rejects.toMatchObject({ code: 'REQUEST_SIGNATURE_MISSING' });
    const signed = async () => owner.actor.client.send('POST', '/registry/report', { subject: unit, presentation, state: 'lost' }, await owner.actor.signer());
    await signed();
    await refused('CHALLENGE_INVALID', unit, signed);
    await owner.report(unit, 'found');
  });

  it('refuses a transfer while the unit is reported stolen, and a repair or anything else after end of life', async () => {
    const unit = unitLink('P-4');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const owner = createOwner(await world.party());
    const recycler = createRecycler(await world.party('recycler-p4'));
    await owner.register(unit);
    await owner.report(unit, 'stolen');
    await refused('UNIT_REPORTED_STOLEN', unit, () => owner.transfer(unit, recycler.actor.did));
    await owner.report(unit, 'found');
    // End of life needs the unit's owner: the owner hands it over first.
    await refused('NOT_OWNER', unit, () => recycler.endOfLife(unit, 'recycled'));
    await owner.transfer(unit, recycler.actor.did);
    await recycler.endOfLife(unit, 'recycled');
    const repairer = createRepairer(await world.party());
    await refused('UNIT_ENDED', unit, () => repairer.repair(unit, { serviceDate: '2026-05-01', fault: 'f', workDone: 'w', firmwareUpdated: false }));
    await refused('UNIT_ENDED', unit, () => world.manufacturer.compose(unit, { materialProvenance: [{ name: 'Steel', massFraction: 0.5, hazardous: false, criticalRawMaterial: false }] }));
  });

  it('hosts a party\'s DID document: its own key may replace it, another party\'s may not', async () => {
    const intruder = await world.party('intruder');
    const acme = world.manufacturer.actor;
    const document = await acme.party.didDocument(acme.did);
    const hijack = acme.client.send('PUT', '/parties/acme/did.json', document, await intruder.signer());
    await expect(hijack).rejects.toMatchObject({ code: 'PARTY_TAKEN' });
    // Nor can the intruder pass its request off as acme's: the key is not in acme's document.
    const forged = { ...(await intruder.signer()), id: `${acme.did}#${(await intruder.signer()).id.split('#')[1]}` };
    await expect(acme.client.send('PUT', '/parties/acme/did.json', document, forged)).rejects.toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID' });
    await expect(acme.client.send('PUT', '/parties/acme/did.json', document, await acme.signer())).resolves.toMatchObject({ id: acme.did });
    const bad = acme.client.send('PUT', '/parties/acme/did.json', { ...document, verificationMethod: [] }, await acme.signer());
    await expect(bad).rejects.toMatchObject({ code: 'DID_INVALID' });
  });

  it('recalls a serial range and a list: exactly the units named are open, the rest untouched', async () => {
    const units = ['R-010', 'R-011', 'R-012', 'R-020'].map((serial) => unitLink(serial, 'L9'));
    for (const unit of units) await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const state = async (unit: string) => (await world.get<{ state: string }>(`/unit/recall-status${new URL(unit).pathname}`)).state;
    const range = await world.manufacturer.recall({ gtin: GTIN, firstItemNumber: 'R-010', lastItemNumber: 'R-011' }, { reason: 'r', remedy: 'm' });
    expect(range.units.sort()).toEqual([units[0], units[1]]);
    const list = await world.manufacturer.recall({ gtin: GTIN, itemNumbers: ['R-020'] }, { reason: 'r', remedy: 'm' });
    expect(list.units).toEqual([units[3]]);
    expect(await Promise.all(units.map(state))).toEqual(['open', 'open', 'none', 'open']);
    await world.manufacturer.remedy(units[0]!);
    expect(await Promise.all(units.map(state))).toEqual(['remedied', 'open', 'none', 'open']);
  });

  it('describes a model by its GTIN: a composition on the GTIN\'s chain, by the GTIN\'s manufacturer only', async () => {
    const model = `https://id.gs1.org/01/${GTIN}`;
    const composition = { materialProvenance: [{ name: 'Copper', casNumber: '7440-50-8', massFraction: 0.1, hazardous: false, criticalRawMaterial: true }] };
    await world.manufacturer.compose(model, composition);
    const { events } = await world.get<{ events: { type: string }[] }>(`/ledger/events?subject=${encodeURIComponent(model)}`);
    expect([events[0]!.type, events.at(-1)!.type]).toEqual(['KeyCredential', 'MaterialCompositionCredential']);
    const other = createManufacturer(await world.party('other-maker'));
    await refused('GTIN_NOT_LICENSED', model, () => other.compose(model, composition));
  });

  it('refuses a stale transfer authorisation', async () => {
    const unit = unitLink('P-7');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const owner = createOwner(await world.party());
    const buyer = await world.party();
    await owner.register(unit);
    const stale = await owner.authorizeTransfer(unit, buyer.did, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await refused('AUTHORISATION_INVALID', unit, () => owner.completeTransfer(stale));
  });

  it('keeps the trusted registrar\'s name for the operator, and refuses a malformed first document with 4xx', async () => {
    const { createParty } = await import('../../agents/party.js');
    const { createMemoryStore } = await import('../../src/storage/memory-store.js');
    const { hostedIdentity } = await import('../../agents/identity.js');
    const { TEST_SECRET } = await import('../helpers.js');
    // A fresh world whose trusted registrar's name nobody has claimed yet.
    const fresh = await startLifecycleWorld({ parties: false });
    try {
      const squatter = createParty({ store: createMemoryStore(), secretKeyHex: TEST_SECRET, now: () => new Date() });
      const client = (await fresh.party()).client;
      await expect(hostedIdentity(squatter, client, 'registrar')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      const did = `${(await import('../../src/did/did-web.js')).didWebFromOrigin(fresh.origin)}:parties:odd`;
      await squatter.createIdentity(did);
      const document = await squatter.didDocument(did);
      for (const broken of [{ ...document, authentication: [{ id: 5 }] }, { ...document, verificationMethod: 5 }]) {
        await expect(client.send('PUT', '/parties/odd/did.json', broken, await squatter.signer(did))).rejects.toMatchObject({ code: 'DID_INVALID' });
      }
    } finally {
      await fresh.close();
    }
  });

  it('ends a life only by the owner (or, unowned, the manufacturer), and a successor only with its passport', async () => {
    const unit = unitLink('E-1');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const stranger = createRecycler(await world.party());
    await refused('NOT_OWNER', unit, () => stranger.endOfLife(unit, 'recycled'));
    const maker = createRecycler(world.manufacturer.actor);
    const repurposed = { endOfLifeState: 'repurposed', endOfLifeDate: '2026-05-01', successor: unitLink('E-1-NEXT') };
    await refused('POLICY_DENIED', unit, () => maker.actor.record('EndOfLifeCredential', unit, repurposed));
    await maker.endOfLife(unit, 'recycled');
  });

  it('does not let a stranger burn a transfer authorisation, nor the seller file the buyer\'s contact', async () => {
    const unit = unitLink('T-1');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    const seller = createOwner(await world.party());
    const buyer = createOwner(await world.party());
    const stranger = createOwner(await world.party());
    await seller.register(unit);
    const authorization = await seller.authorizeTransfer(unit, buyer.actor.did);
    await refused('POLICY_DENIED', unit, () => stranger.completeTransfer(authorization));
    await refused('INVALID_INPUT', unit, () => seller.completeTransfer(authorization, { email: 'spam@evil.example' }));
    const { ownership } = await buyer.completeTransfer(authorization, { email: 'buyer@example.org' });
    expect((ownership.credentialSubject as { owner: string }).owner).toBe(buyer.actor.did);
  });

  it('queues a recall notification for each owner of a covered unit who left contact details, for the operator\'s mailer', async () => {
    const [covered, other] = [unitLink('N-1', 'LN'), unitLink('N-2', 'LX')];
    for (const unit of [covered, other]) await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT });
    await createOwner(await world.party()).register(covered, { email: 'owner@example.org' });
    await createOwner(await world.party()).register(other, { email: 'other@example.org' });
    const drain = (token?: string) => fetch(`${world.origin}/registry/outbox`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await drain()).status).toBe(401);
    await drain(OPERATOR_TOKEN); // whatever earlier tests queued
    const { notice } = await world.manufacturer.recall({ batch: covered }, { reason: 'Overheating connector', remedy: 'Free repair' });
    const { notifications } = (await (await drain(OPERATOR_TOKEN)).json()) as { notifications: Record<string, unknown>[] };
    expect(notifications).toEqual([expect.objectContaining({ notice: notice.id, unit: 'https://id.gs1.org/01/09506000134352/21/N-1', contact: expect.objectContaining({ email: 'owner@example.org' }), reason: 'Overheating connector' })]);
    expect(((await (await drain(OPERATOR_TOKEN)).json()) as { notifications: unknown[] }).notifications).toEqual([]);
  });

  it('lets exactly one of fifty concurrent transfers of one unit succeed', async () => {
    const unit = unitLink('P-5');
    await world.manufacturer.mint({ digitalLink: unit, passport: PASSPORT, warranty: WARRANTY });
    const owner = createOwner(await world.party());
    await owner.register(unit);
    const buyers = await Promise.all(Array.from({ length: 50 }, () => world.party()));
    const authorizations = await Promise.all(buyers.map((b) => owner.authorizeTransfer(unit, b.did)));
    const size = await world.logSize();
    const results = await Promise.allSettled(authorizations.map((a) => owner.completeTransfer(a)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(['CHAIN_CONFLICT', 'NOT_OWNER']).toContain((r.reason as DppError).code);
    // One transfer and one ownership credential more, nothing else.
    expect(await world.logSize()).toBe(size + 2);
    const events = (await world.get<{ events: { type: string }[] }>(`/ledger/events?subject=${encodeURIComponent(unit)}`)).events;
    expect(events.filter((e) => e.type === 'OwnershipTransferCredential')).toHaveLength(1);
  });
});
