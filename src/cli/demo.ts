// The demo `npm start` seeds once per data folder: one heat pump unit, its passport and its material composition.
import { randomUUID } from 'node:crypto';
import { formatDigitalLink, parseDigitalLink } from '../gs1/index.js';
import type { Issuer } from '../vc/issue.js';
import type { Signer } from '../vc/signer.js';
import { unitOf, type Ledger } from '../ledger/ledger.js';
import { digestMultibase } from '../vc/jcs.js';
import type { JsonObject } from '../vc/credential.js';

export const DEMO_UNIT = 'https://id.gs1.org/01/09506000134352/10/B2026-11/21/HP-000123';
const CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://dppledger.org/contexts/dpp/v1'];
const NAME = 'AeroTherm 9 air-to-water heat pump';

/** A credential of `type` about the demo unit: its identity, then `claims`. */
function demoCredential(type: string, issuer: string, claims: JsonObject): JsonObject {
  return {
    '@context': CONTEXTS,
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', type],
    issuer,
    credentialSchema: { id: `https://dppledger.org/schemas/${type}/v1`, type: 'JsonSchema' },
    credentialSubject: {
      id: DEMO_UNIT,
      type: ['Product'],
      name: NAME,
      gtin: '09506000134352',
      idGranularity: 'item',
      batchNumber: 'B2026-11',
      itemNumber: 'HP-000123',
      ...claims,
    },
  };
}

function demoPassport(issuer: string): JsonObject {
  return demoCredential('DigitalProductPassport', issuer, {
    modelNumber: 'AT9-M-R290',
    hardwareRevision: 'C',
    firmwareVersion: '4.2.1',
    productionDate: '2025-12-15',
    producedAtFacility: { id: 'https://id.gs1.org/414/9506000130002', name: 'Demo plant', countryOfOperation: { countryCode: 'DE' } },
    countryOfProduction: { countryCode: 'DE' },
    productCategory: [{ code: '841861', name: 'Heat pumps', schemeId: 'https://www.wcoomd.org/en/topics/nomenclature.aspx', schemeName: 'Harmonized System 2022' }],
    relatedParty: [{ role: 'manufacturer', party: { id: issuer, name: 'Demo manufacturer' } }],
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
  });
}

function demoComposition(issuer: string): JsonObject {
  const material = (name: string, massFraction: number, extra: JsonObject = {}) => ({ name, massFraction, hazardous: false, criticalRawMaterial: false, ...extra });
  return demoCredential('MaterialCompositionCredential', issuer, {
    materialProvenance: [
      material('Steel (casing, frame)', 0.63, { recycledMassFraction: 0.42 }),
      material('Copper (heat exchanger, wiring)', 0.12, { casNumber: '7440-50-8', criticalRawMaterial: true }),
      material('Aluminium (fins)', 0.08, { casNumber: '7429-90-5', criticalRawMaterial: true }),
      material('Propane, refrigerant R290', 0.01, { casNumber: '74-98-6', hazardous: true, component: { name: 'Sealed refrigerant circuit' } }),
    ],
  });
}

export interface DemoDeps {
  origin: string;
  did: string;
  issuer: Issuer;
  signer: () => Promise<Signer>;
  ledger: Ledger;
}

/**
 * Seeds the demo unit on first start and returns it; later starts (on any port or origin) find it in
 * the ledger and return the same unit.
 */
export async function seedDemo(deps: DemoDeps): Promise<{ digitalLink: string; passportUrl: string }> {
  let [first] = await deps.ledger.events(unitOf({ credentialSubject: { id: DEMO_UNIT } }));
  if (!first) {
    const signer = await deps.signer();
    // Both forms secure the same credential: the vc+jwt is made from the signed one, less its proof.
    const secure = async (credential: JsonObject) => {
      const dataIntegrity = await deps.issuer.issue(credential, { signer });
      const { proof: _proof, ...unsecured } = dataIntegrity;
      return { id: String(dataIntegrity.id), dataIntegrity, jwt: await deps.issuer.issue(unsecured, { signer, format: 'vc+jwt' }) };
    };
    // The passport opens the unit's event chain; the composition names it as its previous event.
    const passport = await secure(demoPassport(deps.did));
    const composition = await secure({ ...demoComposition(deps.did), previousEvent: { id: passport.id, digestMultibase: digestMultibase(passport.dataIntegrity) } });
    [first] = await deps.ledger.append([passport, composition]);
  }
  return {
    digitalLink: formatDigitalLink(parseDigitalLink(DEMO_UNIT), { stem: deps.origin }),
    passportUrl: `${deps.origin}/credentials/${encodeURIComponent(first!.id)}`,
  };
}
