// The demo product `npm start` seeds: one heat pump's passport, issued by the server's own DID.
import type { JsonObject } from '../vc/credential.js';

export const DEMO_GTIN = '09506000134352';
export const DEMO_SERIAL = 'HP-000123';
export const DEMO_LOT = 'B2026-11';

export function demoPassport(issuer: string, id: string): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://dpp-ledger.org/contexts/dpp/v1'],
    id,
    type: ['VerifiableCredential', 'DigitalProductPassport'],
    issuer,
    credentialSchema: { id: 'https://dpp-ledger.org/schemas/DigitalProductPassport/v1', type: 'JsonSchema' },
    credentialSubject: {
      id: `https://id.gs1.org/01/${DEMO_GTIN}/10/${DEMO_LOT}/21/${DEMO_SERIAL}`,
      type: ['Product'],
      name: 'AeroTherm 9 air-to-water heat pump',
      gtin: DEMO_GTIN,
      idGranularity: 'item',
      modelNumber: 'AT9-M-R290',
      batchNumber: DEMO_LOT,
      itemNumber: DEMO_SERIAL,
      hardwareRevision: 'C',
      firmwareVersion: '4.2.1',
      productionDate: '2025-12-15',
      producedAtFacility: { id: 'https://id.gs1.org/414/9506000130002', name: 'Demo plant', countryOfOperation: { countryCode: 'DE' } },
      countryOfProduction: { countryCode: 'DE' },
      productCategory: [{ code: '841861', name: 'Heat pumps', schemeId: 'https://www.wcoomd.org/en/topics/nomenclature.aspx', schemeName: 'Harmonized System 2022' }],
      relatedParty: [{ role: 'manufacturer', party: { id: issuer, name: 'Demo manufacturer' } }],
    },
  };
}
