// The whole life of a unit, every role through the `dpp` command against a server on loopback: minting
// to end of life, with the unit's chain, the log and the credentials checked after each step.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash, parseCheckpoint, verifyInclusion } from '../../src/log/index.js';
import { startLifecycleWorld, OPERATOR_TOKEN, GTIN, PASSPORT, unitLink, type LifecycleWorld } from '../lifecycle-world.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** The command, run asynchronously: the server in this process must keep answering while it runs. */
function dpp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DPP_SECRET: 'lifecycle-cli', DPP_DID_WEB_HTTP: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `dpp <role> <action> --wallet <role wallet> …` and expects exit 0; returns stdout trimmed. */
async function ok(wallet: string, role: string, action: string, ...args: string[]): Promise<string> {
  const run = await dpp([role, action, '--wallet', join(world.dir, 'wallets', wallet), ...args]);
  expect(run.code, `${role} ${action}: ${run.stderr}`).toBe(0);
  return run.stdout.trim();
}

let world: LifecycleWorld;
const unit = unitLink('LIFE-1', 'B7');
const successor = `https://id.gs1.org/01/${GTIN}/10/R1/21/LIFE-1-R`;

interface Event {
  type: string;
  sequence: number;
  leafIndex: number;
  id: string;
}
const events = async (subject = unit) => (await world.get<{ events: Event[] }>(`/ledger/events?subject=${encodeURIComponent(subject)}`)).events;
const credential = (id: string) => world.get<Record<string, any>>(`/credentials/${encodeURIComponent(id)}`);
const verify = async (id: string) => {
  const res = await fetch(`${world.origin}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential: await credential(id) }) });
  return (await res.json()) as { verified: boolean; checks: { id: string; status: string; code?: string; message: string }[] };
};

/** The chain is linear, numbered from 0, each event in the log once, and its types are `types`. */
async function expectChain(types: string[]) {
  const chain = await events();
  expect(chain.map((e) => e.type)).toEqual(types);
  expect(chain.map((e) => e.sequence)).toEqual(types.map((_, i) => i));
  expect(new Set(chain.map((e) => e.leafIndex)).size).toBe(chain.length);
  expect(Math.max(...chain.map((e) => e.leafIndex))).toBeLessThan(await world.logSize());
  for (const [i, e] of chain.entries()) {
    const c = await credential(e.id);
    if (i > 0) expect(c.previousEvent.id).toBe(chain[i - 1]!.id);
    else expect(c.previousEvent).toBeUndefined();
  }
  return chain;
}

beforeAll(async () => {
  // The registrar is trusted; nobody is licensed yet: the CLI does it all.
  world = await startLifecycleWorld({ parties: false });
}, 60_000);
afterAll(() => world?.close());

describe('a unit\'s whole life through the CLI', { timeout: 60_000 }, () => {
  const did: Record<string, string> = {};

  it('sets up each party\'s wallet and identity', async () => {
    for (const [wallet, role, name] of [
      ['registrar', 'registrar', 'registrar'],
      ['acme', 'manufacturer', 'acme-cli'],
      ['fixit', 'repairer', 'fixit'],
      ['corner-shop', 'repairer', undefined],
      ['alice', 'owner', undefined],
      ['bob', 'reseller', undefined],
      ['recycle', 'recycler', 'recycle-co'],
      ['inspector', 'regulator', 'inspector'],
    ] as const) {
      did[wallet] = await ok(wallet, role, 'init', '--server', world.origin, ...(name ? ['--name', name] : []), ...(wallet === 'registrar' ? ['--token', OPERATOR_TOKEN] : []));
      expect(did[wallet]).toMatch(name ? new RegExp(`^did:web:127\\.0\\.0\\.1%3A\\d+:parties:${name}$`) : /^did:key:z6Mk/);
    }
    const hosted = await world.get<{ id: string }>('/parties/acme-cli/did.json');
    expect(hosted.id).toBe(did.acme);
  });

  it('licenses the manufacturer, which speaks for its GTIN and mints the unit', async () => {
    const licence = await ok('registrar', 'registrar', 'license', '--to', did.acme!, '--prefix', '9506000', '--org', 'Acme');
    expect((await verify(licence)).verified).toBe(true);
    await ok('acme', 'manufacturer', 'gtin', '--gtin', GTIN, '--licence', licence);
    const passport = join(world.dir, 'passport.json');
    writeFileSync(passport, JSON.stringify(PASSPORT));
    const size = await world.logSize();
    await ok('acme', 'manufacturer', 'mint', '--unit', unit, '--passport', passport, '--warranty-period', 'P2Y', '--transferable');
    expect(await world.logSize()).toBe(size + 3);
    const chain = await expectChain(['KeyCredential', 'DigitalProductPassport', 'WarrantyCredential']);
    const dpp = await credential(chain[1]!.id);
    expect(dpp.issuer).toBe(did.acme);
    expect((await verify(dpp.id)).verified).toBe(true);
  });

  it('adds the material composition and accredits a repairer', async () => {
    const file = join(world.dir, 'composition.json');
    writeFileSync(file, JSON.stringify({ materialProvenance: [{ name: 'Copper', casNumber: '7440-50-8', massFraction: 0.1, hazardous: false, criticalRawMaterial: true }] }));
    await ok('acme', 'manufacturer', 'compose', '--unit', unit, '--file', file);
    await expectChain(['KeyCredential', 'DigitalProductPassport', 'WarrantyCredential', 'MaterialCompositionCredential']);
    did.accreditation = await ok('acme', 'manufacturer', 'accredit', '--repairer', did.fixit!, '--name', 'Fixit', '--gtin', GTIN);
    expect((await verify(did.accreditation)).verified).toBe(true);
  });

  it('registers the first owner, whose warranty starts then, contact details kept privately', async () => {
    const ownership = await ok('alice', 'owner', 'register', '--unit', unit, '--email', 'alice@example.org');
    const vc = await credential(ownership);
    expect(vc.issuer).toMatch(/^did:web:127\.0\.0\.1/);
    expect(vc.credentialSubject.owner).toBe(did.alice);
    const inTwoYears = new Date();
    inTwoYears.setUTCFullYear(inTwoYears.getUTCFullYear() + 2);
    expect(vc.credentialSubject.warrantyUntil).toBe(inTwoYears.toISOString().slice(0, 10));
    expect(JSON.stringify(vc)).not.toContain('alice@example.org');
    expect(JSON.parse(await ok('alice', 'owner', 'contact', '--unit', unit, '--json')).contact.email).toBe('alice@example.org');
  });

  it('records two repairs: one by the accredited repairer, one independent', async () => {
    await ok('fixit', 'repairer', 'repair', '--unit', unit, '--fault', 'E27', '--work', 'Replaced the compressor', '--part', '09506000134369:CMP-1:Compressor', '--firmware', '1.1.0', '--accreditation', did.accreditation!);
    await ok('corner-shop', 'repairer', 'repair', '--unit', unit, '--fault', 'Drain blocked', '--work', 'Cleaned the drain');
    const chain = await expectChain(['KeyCredential', 'DigitalProductPassport', 'WarrantyCredential', 'MaterialCompositionCredential', 'OwnershipCredential', 'RepairRecordCredential', 'RepairRecordCredential']);
    const [authorised, independent] = await Promise.all([credential(chain[5]!.id), credential(chain[6]!.id)]);
    expect(authorised.credentialSubject.accreditation).toBe(did.accreditation);
    expect(independent.credentialSubject.accreditation).toBeUndefined();
    expect(independent.issuer).toBe(did['corner-shop']);
    // Read back: the accredited repairer's record as authorised, the other as independent.
    const { records } = await world.get<{ records: { issuer: string; label: string }[] }>(`/unit/service-history${new URL(unit).pathname}`);
    expect(records.map((r) => [r.issuer, r.label])).toEqual([
      [did.fixit, 'authorised'],
      [did['corner-shop'], 'independent'],
    ]);
  });

  it('resells: the seller authorises, the buyer accepts, the seller\'s ownership is revoked and the warranty handed over', async () => {
    // The buyer first checks the seller is the current owner, over the buyer's own challenge.
    const challenge = 'buyer-challenge-0123456789';
    const presentation = join(world.dir, 'seller.json');
    writeFileSync(presentation, await ok('alice', 'owner', 'prove', '--unit', unit, '--challenge', challenge, '--domain', did.bob!));
    expect(await ok('bob', 'reseller', 'check', '--unit', unit, '--presentation', presentation, '--challenge', challenge)).toContain('is the current owner');
    // The same, as any buyer would check it with the independent verifier; over another challenge it is refused.
    const asBuyer = (c: string) => dpp(['verify', unit.replace('https://id.gs1.org', world.origin), '--role', 'buyer', '--presentation', presentation, '--challenge', c, '--domain', did.bob!, '--trust', world.trustFile, '--json', '--checkpoints', join(world.dir, 'seen')]);
    const bought = await asBuyer(challenge);
    expect(bought.code, bought.stdout).toBe(0);
    expect(JSON.parse(bought.stdout).checks.find((c: { id: string }) => c.id === 'seller')).toMatchObject({ status: 'pass' });
    const replayed = await asBuyer('another-challenge-0123456789');
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.stdout).checks.find((c: { id: string }) => c.id === 'seller')).toMatchObject({ status: 'fail', code: 'CHALLENGE_MISMATCH' });
    const authorization = join(world.dir, 'authorization.json');
    await ok('alice', 'owner', 'authorize', '--unit', unit, '--buyer', did.bob!, '--out', authorization);
    const before = (await events()).at(-1)!;
    await ok('bob', 'reseller', 'accept', '--authorization', authorization);
    const chain = await events();
    expect(chain.slice(-2).map((e) => e.type)).toEqual(['OwnershipTransferCredential', 'OwnershipCredential']);
    const [transfer, ownership] = await Promise.all([credential(chain.at(-2)!.id), credential(chain.at(-1)!.id)]);
    expect(transfer.previousEvent.id).toBe(before.id);
    expect(transfer.credentialSubject).toMatchObject({ transferredFrom: did.alice, transferredTo: did.bob, warrantyTransferred: true });
    expect(transfer.credentialSubject.authorization.issuer).toBe(did.alice);
    expect(ownership.credentialSubject.owner).toBe(did.bob);
    const first = chain.find((e) => e.type === 'OwnershipCredential')!;
    expect(ownership.credentialSubject.warrantyUntil).toBe((await credential(first.id)).credentialSubject.warrantyUntil);
    const revoked = await verify(first.id);
    expect(revoked.verified).toBe(false);
    expect(revoked.checks.find((c) => c.status === 'fail')?.code).toBe('STATUS_REVOKED');
    expect((await verify(ownership.id)).verified).toBe(true);
    // The seller's contact details went with the sale.
    expect((await dpp(['owner', 'contact', '--wallet', join(world.dir, 'wallets', 'alice'), '--unit', unit])).code).toBe(2);
  });

  it('a stolen report suspends the ownership (the buyer sees it) until found; the seller cannot sell again', async () => {
    await ok('bob', 'reseller', 'report', '--unit', unit, '--state', 'stolen');
    const current = (await events()).at(-1)!;
    expect((await verify(current.id)).checks.find((c) => c.status === 'fail')?.code).toBe('STATUS_SUSPENDED');
    const asBuyer = await dpp(['verify', unit.replace('https://id.gs1.org', world.origin), '--role', 'buyer', '--trust', world.trustFile, '--json', '--checkpoints', join(world.dir, 'seen')]);
    expect(asBuyer.code).toBe(1);
    expect(JSON.parse(asBuyer.stdout).checks.filter((c: { status: string }) => c.status === 'fail').map((c: { code: string }) => c.code)).toContain('UNIT_REPORTED_STOLEN');
    const refused = await dpp(['reseller', 'transfer', '--wallet', join(world.dir, 'wallets', 'bob'), '--unit', unit, '--buyer', did.alice!]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('UNIT_REPORTED_STOLEN');
    await ok('bob', 'reseller', 'report', '--unit', unit, '--state', 'found');
    expect((await verify(current.id)).verified).toBe(true);
    const again = await dpp(['owner', 'transfer', '--wallet', join(world.dir, 'wallets', 'alice'), '--unit', unit, '--buyer', did.alice!]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('NOT_OWNER');
  });

  it('recalls the batch: the unit\'s recall state is open, then remedied', async () => {
    const out = JSON.parse(await ok('acme', 'manufacturer', 'recall', '--batch', unit, '--reason', 'Connector may overheat', '--remedy', 'Replace the connector', '--json'));
    expect(out.units).toHaveLength(1);
    const passport = (await events()).find((e) => e.type === 'DigitalProductPassport')!;
    const message = async () => (await verify(passport.id)).checks.find((c) => c.code === 'STATUS_MESSAGE')?.message;
    expect(await message()).toMatch(/open/);
    const status = () => world.get<{ recalled: boolean; state: string }>(`/unit/recall-status${new URL(unit).pathname}`);
    expect(await status()).toMatchObject({ recalled: true, state: 'open' });
    const notices = await events(`https://id.gs1.org/01/${GTIN}/10/B7`);
    expect(notices.map((e) => e.type)).toEqual(['RecallNoticeCredential']);
    await ok('acme', 'manufacturer', 'remedy', '--unit', unit);
    expect(await message()).toMatch(/remedied/);
    expect(await status()).toMatchObject({ recalled: true, state: 'remedied' });
  });

  it('ends its life repurposed: the successor names its predecessor, the predecessor its successor', async () => {
    // The recycler holds a licence of its own for the successor's GTIN, and takes the unit over from its owner.
    const licence = await ok('registrar', 'registrar', 'license', '--to', did.recycle!, '--prefix', '9506000', '--org', 'Recycle Co');
    await ok('recycle', 'recycler', 'gtin', '--gtin', GTIN, '--licence', licence);
    await ok('bob', 'reseller', 'transfer', '--unit', unit, '--buyer', did.recycle!);
    const passport = join(world.dir, 'successor.json');
    writeFileSync(passport, JSON.stringify({ ...PASSPORT, name: 'Refurbished test heat pump' }));
    await ok('recycle', 'recycler', 'repurpose', '--unit', unit, '--successor', successor, '--passport', passport);
    const end = await credential((await events()).at(-1)!.id);
    expect(end.type).toContain('EndOfLifeCredential');
    expect(end.credentialSubject).toMatchObject({ endOfLifeState: 'repurposed', successor });
    const successorPassport = await credential((await events(successor)).find((e) => e.type === 'DigitalProductPassport')!.id);
    expect(successorPassport.credentialSubject.predecessor).toBe(unit);
    // Nothing more happens to the recycled unit.
    const size = await world.logSize();
    const refused = await dpp(['repairer', 'repair', '--wallet', join(world.dir, 'wallets', 'fixit'), '--unit', unit, '--fault', 'x', '--work', 'y']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('UNIT_ENDED');
    expect(await world.logSize()).toBe(size);
  });

  it('lets the regulator inspect the successor: every credential verifies and the GTIN authority chains to the trusted registrar', async () => {
    const run = await dpp(['regulator', 'inspect', '--wallet', join(world.dir, 'wallets', 'inspector'), '--unit', successor, '--trust', world.trustFile, '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const inspection = JSON.parse(run.stdout);
    expect(inspection).toMatchObject({ verified: true, role: 'regulator' });
    expect(inspection.view.authority.every((a: { ok: boolean }) => a.ok)).toBe(true);
    expect(inspection.credentials.length).toBeGreaterThanOrEqual(2);
  });

  it('bundles what authority rests on: the licence and the accreditation, each with its proof', async () => {
    const bundle = await world.get<any>(`/bundle${new URL(unit).pathname}`);
    const types = bundle.references.map((r: any) => r.credential.type[1]);
    expect(types).toEqual(expect.arrayContaining(['GS1CompanyPrefixLicenseCredential', 'RepairerAccreditationCredential']));
    const { size, root } = parseCheckpoint(bundle.checkpoint);
    for (const r of bundle.references) {
      const leaf = leafHash(new Uint8Array(Buffer.from(r.entry, 'base64')));
      expect(() => verifyInclusion(r.leafIndex, size, leaf, r.inclusionProof.map((p: string) => new Uint8Array(Buffer.from(p, 'base64'))), root)).not.toThrow();
    }
    expect(Object.keys(bundle.didDocuments)).toEqual(expect.arrayContaining([did.registrar, did.acme, did.fixit]));
  });

  it('verifies the whole life with dpp verify, independently: every credential, the chains, the log and each party\'s authority', async () => {
    for (const subject of [unit, successor]) {
      const run = await dpp(['verify', subject.replace('https://id.gs1.org', world.origin), '--trust', world.trustFile, '--json', '--checkpoints', join(world.dir, 'seen')]);
      const report = JSON.parse(run.stdout);
      expect(report.checks.filter((c: { status: string }) => c.status === 'fail'), subject).toEqual([]);
      expect(run.code).toBe(0);
    }
  });
});
