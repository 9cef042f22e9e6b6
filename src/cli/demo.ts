// The demo `npm start` seeds once per data folder: one heat pump unit with a full life so far, every step
// taken by the party that knows it, through the server's signed write API on loopback: a registrar's
// licence, the manufacturer's key credentials, passport, composition and warranty, a registration, two
// repairs (one authorised, one independent), a resale, and an open recall on its batch.
import { formatDigitalLink, parseDigitalLink } from '../gs1/index.js';
import { didWebFromOrigin } from '../did/did-web.js';
import { unitOf, type Ledger } from '../ledger/ledger.js';
import type { Store } from '../storage/store.js';
import { prefixedStore } from '../storage/prefixed-store.js';
import type { JsonObject } from '../vc/credential.js';
import { networkFetch } from './network.js';
import { createParty } from '../../agents/party.js';
import { createLedgerClient } from '../../agents/client.js';
import { createActor, type Actor } from '../../agents/actor.js';
import { hostedIdentity } from '../../agents/identity.js';
import { createRegistrar } from '../../agents/registrar.js';
import { createManufacturer } from '../../agents/manufacturer.js';
import { createRepairer } from '../../agents/repairer.js';
import { createOwner } from '../../agents/owner.js';

export const DEMO_UNIT = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123';
export const DEMO_PREFIX = '9506000';
const GTIN = '09506000134352';
const NAME = 'AeroTherm 9 air-to-water heat pump';

export const DEMO_PASSPORT: JsonObject = {
  name: NAME,
  modelNumber: 'AT9-M-R290',
  hardwareRevision: 'C',
  firmwareVersion: '4.2.1',
  productionDate: '2025-12-15',
  producedAtFacility: { id: 'https://id.gs1.org/414/9506000130002', name: 'Demo plant', countryOfOperation: { countryCode: 'DE' } },
  countryOfProduction: { countryCode: 'DE' },
  productCategory: [{ code: '841861', name: 'Heat pumps', schemeId: 'https://www.wcoomd.org/en/topics/nomenclature.aspx', schemeName: 'Harmonized System 2022' }],
  performanceClaim: [
    {
      id: 'https://dppledger.org/demo/claims/ecodesign-813-2013',
      name: 'Seasonal space heating energy efficiency meets the ecodesign requirements',
      conformityTopic: [{ id: 'https://test.uncefact.org/vocabulary/untp/topic/energy.efficiency', name: 'Energy efficiency' }],
      referenceRegulation: [{ id: 'https://eur-lex.europa.eu/eli/reg/2013/813/oj', name: 'Commission Regulation (EU) No 813/2013' }],
      conformance: true,
    },
  ],
  compatibleSparePart: [
    { gtin: '09506000134369', name: 'Inverter rotary compressor, R290', compatibleHardwareRevision: ['B', 'C'] },
    { gtin: '09506000134376', name: 'Main controller board', compatibleHardwareRevision: ['C'] },
  ],
};

const material = (name: string, massFraction: number, extra: JsonObject = {}) => ({ name, massFraction, hazardous: false, criticalRawMaterial: false, ...extra });
export const DEMO_COMPOSITION: JsonObject = {
  name: NAME,
  materialProvenance: [
    material('Steel (casing, frame)', 0.63, { recycledMassFraction: 0.42 }),
    material('Copper (heat exchanger, wiring)', 0.12, { casNumber: '7440-50-8', criticalRawMaterial: true }),
    material('Aluminium (fins)', 0.08, { casNumber: '7429-90-5', criticalRawMaterial: true }),
    material('Propane, refrigerant R290', 0.01, {
      casNumber: '74-98-6',
      hazardous: true,
      component: { name: 'Sealed refrigerant circuit' },
      materialSafetyInformation: { linkURL: 'https://manufacturer.example/docs/sds/R290.pdf', linkName: 'Safety data sheet: propane (R290)', linkType: 'https://gs1.org/voc/safetyInfo', mediaType: 'application/pdf' },
    }),
  ],
  disassemblyInstructions: {
    disassemblyStep: [
      { position: 1, description: 'Isolate mains power and lock it off; wait 5 minutes for the inverter capacitors to discharge.', tool: ['Voltage tester'] },
      { position: 2, description: 'Recover the R290 charge with an ATEX-rated recovery unit before opening the refrigerant circuit; no open flames within 3 m.', component: { name: 'Sealed refrigerant circuit' }, tool: ['ATEX recovery unit', 'Gas detector'] },
      { position: 3, description: 'Cut the refrigerant lines, unbolt the compressor and separate the copper-aluminium heat exchanger for non-ferrous recycling.', tool: ['Pipe cutter', '13 mm socket'] },
    ],
  },
};

export interface DemoDeps {
  origin: string;
  /** The operator's token: the demo registrar's name is a trusted one. */
  token: string;
  /** The node's store and secret: the demo parties keep their keys there, each under its own prefix. */
  store: Store;
  secret: string;
  /** The demo registrar is added to the server's trusted registrars. */
  trustedRegistrars: Set<string>;
  ledger: Ledger;
}

/**
 * Seeds the demo unit on first start and returns it; later starts (on any port or origin) find it in
 * the ledger and return the same unit.
 */
export async function seedDemo(deps: DemoDeps): Promise<{ digitalLink: string; passportUrl: string }> {
  const client = createLedgerClient({ baseUrl: deps.origin });
  // Parties reach each other's did:web documents on this loopback server over plain http.
  const fetch = networkFetch({ DPP_DID_WEB_HTTP: '1' });
  const actor = async (name: string, hosted: boolean): Promise<Actor> => {
    const party = createParty({ store: prefixedStore(deps.store, `demo/${name}/`), secretKeyHex: deps.secret, now: () => new Date(), fetch });
    const did = hosted ? await hostedIdentity(party, client, `demo-${name}`, deps.token) : await party.createIdentity();
    return createActor({ party, did, client });
  };
  deps.trustedRegistrars.add(`${didWebFromOrigin(deps.origin)}:parties:demo-registrar`);
  const unit = unitOf({ credentialSubject: { id: DEMO_UNIT } });
  if (!(await deps.ledger.head(unit))) {
    const manufacturer = createManufacturer(await actor('manufacturer', true));
    const licence = await createRegistrar(await actor('registrar', true)).license(manufacturer.actor.did, DEMO_PREFIX, { name: 'Demo manufacturer' });
    await manufacturer.registerGtin(GTIN, licence.id);
    const passport = { ...DEMO_PASSPORT, relatedParty: [{ role: 'manufacturer', party: { id: manufacturer.actor.did, name: 'Demo manufacturer' } }] };
    await manufacturer.mint({
      digitalLink: DEMO_UNIT,
      passport,
      warranty: { warrantyTerms: 'Parts and labour, two years from registration; transferable on resale.', warrantyPeriod: 'P2Y', warrantyStart: 'registration', transferable: true },
    });
    await manufacturer.compose(DEMO_UNIT, DEMO_COMPOSITION);

    const authorised = createRepairer(await actor('repairer', true));
    const accreditation = await manufacturer.accredit(authorised.actor.did, 'Demo authorised service partner', [GTIN]);
    const firstOwner = createOwner(await actor('first-owner', false));
    await firstOwner.register(DEMO_UNIT);
    await authorised.repair(DEMO_UNIT, {
      serviceDate: '2026-03-02',
      fault: 'E27: compressor does not start',
      workDone: 'Replaced the inverter compressor; refrigerant circuit evacuated, recharged and leak-tested',
      partReplaced: [{ gtin: '09506000134369', itemNumber: 'CMP-88812', name: 'Inverter rotary compressor, R290' }],
      firmwareUpdated: true,
      firmwareVersion: '4.3.0',
      accreditation: accreditation.id,
    });
    await createRepairer(await actor('independent-repairer', false)).repair(DEMO_UNIT, {
      serviceDate: '2026-07-19',
      fault: 'Condensate drain blocked',
      workDone: 'Cleaned the condensate drain and the outdoor unit fins',
      firmwareUpdated: false,
    });
    const secondOwner = createOwner(await actor('second-owner', false));
    await firstOwner.transfer(DEMO_UNIT, secondOwner.actor.did);
    await manufacturer.recall({ batch: DEMO_UNIT }, { reason: 'Fan motor connector may overheat', hazard: 'Risk of fire at the outdoor unit', remedy: 'Free replacement of the fan motor connector by an authorised service partner', recallNumber: 'DEMO-2026-01' });
  }
  const passport = (await deps.ledger.events(unit)).find((e) => e.type === 'DigitalProductPassport')!;
  return {
    digitalLink: formatDigitalLink(parseDigitalLink(DEMO_UNIT), { stem: deps.origin }),
    passportUrl: `${deps.origin}/credentials/${encodeURIComponent(passport.id)}`,
  };
}
