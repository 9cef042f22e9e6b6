// A running server on loopback with a trusted registrar and a licensed manufacturer, and a factory for
// more parties: the world the lifecycle tests act in, every step through the real signed write API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../src/cli/serve.js';
import { networkFetch } from '../src/cli/network.js';
import { createMemoryStore } from '../src/storage/memory-store.js';
import { createParty } from '../agents/party.js';
import { createLedgerClient } from '../agents/client.js';
import { createActor, type Actor } from '../agents/actor.js';
import { hostedIdentity } from '../agents/identity.js';
import { createRegistrar, type Registrar } from '../agents/registrar.js';
import { createManufacturer, type Manufacturer } from '../agents/manufacturer.js';
import { TEST_SECRET, freePort } from './helpers.js';

export const GTIN = '09506000134352';
/** The operator's bearer token of the world's server (the trusted registrar's name is claimed with it). */
export const OPERATOR_TOKEN = 'lifecycle-token-0123456789';
export const PREFIX = '9506000';
export const unitLink = (serial: string, lot = 'L1') => `https://id.gs1.org/01/${GTIN}/10/${lot}/21/${serial}`;
export const PASSPORT = {
  name: 'Test heat pump',
  modelNumber: 'T-1',
  hardwareRevision: 'A',
  firmwareVersion: '1.0.0',
  productionDate: '2026-01-10',
  productCategory: [{ code: '841861', name: 'Heat pumps', schemeId: 'https://www.wcoomd.org/en/topics/nomenclature.aspx', schemeName: 'Harmonized System 2022' }],
  producedAtFacility: { id: 'https://id.gs1.org/414/9506000130002', name: 'Test plant', countryOfOperation: { countryCode: 'DE' } },
};
export const WARRANTY = { warrantyTerms: 'Two years', warrantyPeriod: 'P2Y', warrantyStart: 'registration' as const, transferable: true };

export interface LifecycleWorld {
  origin: string;
  dir: string;
  trustFile: string;
  registrar: Registrar;
  manufacturer: Manufacturer;
  licenceId: string;
  /** A new party: hosted did:web under `name`, or a did:key without. */
  party(name?: string): Promise<Actor>;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  /** The log's size now. */
  logSize(): Promise<number>;
  close(): Promise<void>;
}

/**
 * With `parties: false` nobody is created: the trusted registrar's name (`registrar`) is left for the
 * caller to claim, and `registrar`, `manufacturer` and `licenceId` are not to be used.
 */
export async function startLifecycleWorld(options: { demo?: boolean; parties?: boolean } = {}): Promise<LifecycleWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'dpp-life-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const registrarDid = `did:web:127.0.0.1%3A${port}:parties:registrar`;
  const trustFile = join(dir, 'trust.json');
  writeFileSync(trustFile, JSON.stringify({ registrars: [registrarDid] }));
  const running = await serve({ port, host: '127.0.0.1', data: join(dir, 'data'), token: OPERATOR_TOKEN, trust: trustFile, demo: options.demo }, () => {});
  const client = createLedgerClient({ baseUrl: origin });
  const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
  const party = async (name?: string) => {
    const p = createParty({ store: createMemoryStore(), secretKeyHex: TEST_SECRET, now: () => new Date(), fetch });
    const did = name ? await hostedIdentity(p, client, name, name === 'registrar' ? OPERATOR_TOKEN : undefined) : await p.createIdentity();
    return createActor({ party: p, did, client });
  };
  let registrar = undefined as unknown as Registrar;
  let manufacturer = undefined as unknown as Manufacturer;
  let licenceId = '';
  if (options.parties !== false) {
    registrar = createRegistrar(await party('registrar'));
    manufacturer = createManufacturer(await party('acme'));
    licenceId = (await registrar.license(manufacturer.actor.did, PREFIX, { name: 'Acme' })).id;
    await manufacturer.registerGtin(GTIN, licenceId);
  }
  const get = async <T>(path: string) => (await (await globalThis.fetch(origin + path)).json()) as T;
  return {
    origin,
    dir,
    trustFile,
    registrar,
    manufacturer,
    licenceId,
    party,
    get,
    logSize: async () => Number((await (await globalThis.fetch(`${origin}/log/checkpoint`)).text()).split('\n')[1]),
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
