// The manufacturer: speaks for its GTINs (KeyCredentials under its licence), mints units, describes what
// they are made of, grants warranties, accredits repairers, recalls and remedies.
import { RECALL_STATUS, digestMultibase, formatDigitalLink, fromElementString, parseDigitalLink, recallCovers, DppError, type StatusPurpose } from '../src/index.js';
import type { Json } from './client.js';
import type { Actor, Secured } from './actor.js';

export interface WarrantyTerms {
  warrantyTerms: string;
  warrantyPeriod: string;
  warrantyStart: 'registration' | 'production';
  transferable: boolean;
}

export interface UnitSpec {
  /** The unit's Digital Link (01 + 10 + 21). */
  digitalLink: string;
  /** The passport's claims beyond what the Digital Link says (name, modelNumber, hardwareRevision, …). */
  passport: Json;
  warranty?: WarrantyTerms;
}

export type RecallScope = { batch: string } | { gtin: string; firstItemNumber: string; lastItemNumber: string } | { gtin: string; itemNumbers: string[] };

export interface RecallNotice {
  reason: string;
  remedy: string;
  hazard?: string;
  recallNumber?: string;
  recallDate?: string;
}

export interface Manufacturer {
  readonly actor: Actor;
  /** A KeyCredential for `gtin`, extending the licence `licenceId`, on the GTIN's chain. */
  registerGtin(gtin: string, licenceId: string): Promise<Secured>;
  /**
   * The unit's KeyCredential, passport and warranty, signed but not sent (for batching); `status` is
   * the passport's revocation and message entries when allocated beforehand in bulk.
   */
  prepareUnit(spec: UnitSpec, status?: Json[]): Promise<Secured[]>;
  /** Mints one unit: KeyCredential, passport (with revocation and recall status), warranty. */
  mint(spec: UnitSpec): Promise<Secured[]>;
  /** Material composition of a unit, batch or GTIN. */
  compose(subject: string, composition: Json): Promise<Secured>;
  warranty(subject: string, terms: WarrantyTerms): Promise<Secured>;
  /** Accredits a repairer for GTINs, on the repairer's party chain. */
  accredit(repairer: string, name: string, gtins: string[], validUntil?: string): Promise<Secured>;
  /** A RecallNoticeCredential, and the recall state of every covered unit set to open. */
  recall(scope: RecallScope, notice: RecallNotice): Promise<{ notice: Secured; units: string[] }>;
  /** A unit's recall state set to remedied. */
  remedy(unit: string): Promise<void>;
  /** Revokes a credential of ours. */
  revoke(credential: Json): Promise<void>;
}

const GTIN_KEY = (gtin: string) => `https://id.gs1.org/01/${gtin}`;

export function createManufacturer(actor: Actor): Manufacturer {
  // The GTIN KeyCredential each unit's extends, found once per GTIN.
  const gtinKeys = new Map<string, string>();
  async function gtinKeyOf(gtin: string): Promise<string> {
    if (!gtinKeys.has(gtin)) {
      const key = (await actor.chain(GTIN_KEY(gtin))).find((c) => (c.type as string[]).includes('KeyCredential') && c.issuer === actor.did);
      if (!key) throw new DppError('GTIN_NOT_LICENSED', `${actor.did} has no KeyCredential for GTIN ${gtin}: register it first`);
      gtinKeys.set(gtin, String(key.id));
    }
    return gtinKeys.get(gtin)!;
  }

  async function statusOf(purpose: StatusPurpose, passport: Json): Promise<Json | undefined> {
    return ((passport.credentialStatus as Json[]) ?? []).find((e) => e.statusPurpose === purpose);
  }

  async function passportOf(unit: string): Promise<Json | undefined> {
    return (await actor.chain(unit)).find((c) => (c.type as string[]).includes('DigitalProductPassport'));
  }

  const manufacturer: Manufacturer = {
    actor,
    async registerGtin(gtin, licenceId) {
      const key = await actor.record('KeyCredential', GTIN_KEY(gtin), { extendsCredential: licenceId });
      gtinKeys.set(gtin, key.id);
      return key;
    },
    async prepareUnit(spec, status) {
      const dl = parseDigitalLink(spec.digitalLink);
      const gtin = dl.primaryKey.value;
      const link = formatDigitalLink(dl);
      const key = await actor.credential('KeyCredential', link, { extendsCredential: await gtinKeyOf(gtin) }, { previous: null });
      const credentialStatus = status ?? [...(await actor.allocateStatus('revocation')), ...(await actor.allocateStatus('message'))];
      // The operator (ESPR Annex III): this manufacturer, unless the passport names its parties itself.
      const relatedParty = [{ role: 'manufacturer', party: { id: actor.did, name: actor.did.slice(actor.did.lastIndexOf(':') + 1) } }];
      const passport = await actor.credential('DigitalProductPassport', link, { ...identityOf(link), relatedParty, ...spec.passport }, { previous: chained(key), credentialStatus });
      const out = [key, passport];
      if (spec.warranty) out.push(await actor.credential('WarrantyCredential', link, { ...spec.warranty }, { previous: chained(passport) }));
      return out;
    },
    async mint(spec) {
      const items = await manufacturer.prepareUnit(spec);
      await actor.append(items);
      return items;
    },
    compose: (subject, composition) => actor.record('MaterialCompositionCredential', subject, { ...identityOf(subject), ...composition }),
    warranty: (subject, terms) => actor.record('WarrantyCredential', subject, { ...terms }),
    accredit: (repairer, name, gtins, validUntil) => actor.record('RepairerAccreditationCredential', repairer, { name, accreditedFor: gtins }, { validUntil }),
    async recall(scope, notice) {
      const today = actor.now().toISOString().slice(0, 10);
      const claims: Json = { reason: notice.reason, remedy: notice.remedy, recallDate: notice.recallDate ?? today };
      if (notice.hazard) claims.hazard = notice.hazard;
      if (notice.recallNumber) claims.recallNumber = notice.recallNumber;
      let subject: string;
      if ('batch' in scope) {
        const dl = parseDigitalLink(scope.batch);
        subject = formatDigitalLink({ ...dl, qualifiers: dl.qualifiers.filter((q) => q.ai === '10'), attributes: [] });
        claims.affects = { batchNumber: dl.qualifiers.find((q) => q.ai === '10')?.value };
      } else {
        subject = GTIN_KEY(scope.gtin);
        claims.affects = 'itemNumbers' in scope ? { itemNumber: scope.itemNumbers } : { firstItemNumber: scope.firstItemNumber, lastItemNumber: scope.lastItemNumber };
      }
      const secured = await actor.record('RecallNoticeCredential', subject, claims);
      // The units it covers, as the server lists them under the batch or GTIN, filtered by serial.
      const covered: string[] = [];
      const entries: Json[] = [];
      for (const key of await actor.client.members(subject)) {
        const unit = formatDigitalLink(fromElementString(key));
        const passport = await passportOf(unit);
        const about = passport?.credentialSubject as Json | undefined;
        if (!passport || !recallCovers(secured.dataIntegrity, { itemNumber: about?.itemNumber as string, batchNumber: about?.batchNumber as string })) continue;
        const entry = await statusOf('message', passport);
        if (entry) entries.push(entry);
        covered.push(String(about!.id));
      }
      await actor.setStatus(entries, RECALL_STATUS.open);
      return { notice: secured, units: covered };
    },
    async remedy(unit) {
      const passport = await passportOf(unit);
      const entry = passport && (await statusOf('message', passport));
      if (!entry) throw new DppError('UNIT_UNKNOWN', `${unit} has no passport with a recall status of ours`);
      await actor.setStatus([entry], RECALL_STATUS.remedied);
    },
    revoke: (credential) => actor.setStatus(((credential.credentialStatus as Json[]) ?? []).filter((e) => e.statusPurpose === 'revocation'), 1),
  };
  return manufacturer;
}

/** The product claims a Digital Link already says: GTIN, and lot and serial when it names them. */
export function identityOf(digitalLink: string): Json {
  const dl = parseDigitalLink(digitalLink);
  const q = (ai: string) => dl.qualifiers.find((x) => x.ai === ai)?.value;
  const granularity = q('21') ? 'item' : q('10') ? 'batch' : 'model';
  return { type: ['Product'], gtin: dl.primaryKey.value, idGranularity: granularity, ...(q('10') ? { batchNumber: q('10') } : {}), ...(q('21') ? { itemNumber: q('21') } : {}) };
}

/** What `previousEvent` names to follow `secured`. */
export function chained(secured: Secured): { id: string; digestMultibase: string } {
  return { id: secured.id, digestMultibase: digestMultibase(secured.dataIntegrity) };
}
