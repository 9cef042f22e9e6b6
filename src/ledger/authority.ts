// Who may speak for a GTIN (GS1 VC data model): a registrar licenses a company prefix to a party's DID;
// the licensee issues a KeyCredential per GTIN extending the licence, and one per unit extending the GTIN's.
// The same checks serve the write policy (over the ledger) and the verifier (over a bundle).
import { parseDigitalLink } from '../gs1/index.js';
import { issuerId, typesOf, type JsonObject, subjectOf } from '../vc/credential.js';

export interface AuthorityLookups {
  /** A credential by id, from the ledger (or a bundle). */
  credential(id: string): Promise<JsonObject | undefined>;
  /** The credentials of one chain (a GS1 element string, e.g. `(01)09506000134352`), in chain order. */
  chain(key: string): Promise<readonly JsonObject[]>;
  /** The registrars whose licences count. */
  trustedRegistrars: ReadonlySet<string>;
  /** Why a credential no longer counts (revoked, suspended, expired, not yet valid), or undefined when it does. */
  inactive(credential: JsonObject): Promise<string | undefined>;
}

export type AuthorityResult = { ok: true; keyCredential: JsonObject; licence: JsonObject } | { ok: false; reason: string };

export const LICENCE_TYPE = 'GS1CompanyPrefixLicenseCredential';


/** A GS1 Company Prefix covers a GTIN-14 when it follows the indicator digit (GTIN-12 and -13 are zero-padded). */
export function prefixCovers(prefix: string, gtin: string): boolean {
  return /^\d{4,12}$/.test(prefix) && /^\d{14}$/.test(gtin) && gtin.slice(1).startsWith(prefix);
}

/** The element-string key of a GTIN's own chain. */
export const gtinKey = (gtin: string) => `(01)${gtin}`;

/** Why `licence` does not give `licensee` authority over `gtin`, or undefined when it does. */
export async function licenceProblem(licence: JsonObject | undefined, licensee: string, gtin: string, lookups: AuthorityLookups): Promise<string | undefined> {
  if (!licence || !typesOf(licence).includes(LICENCE_TYPE)) return 'it extends no company prefix licence in the ledger';
  const subject = subjectOf(licence);
  const registrar = String(issuerId(licence));
  if (!lookups.trustedRegistrars.has(registrar)) return `the licence ${String(licence.id)} is by ${registrar}, not a trusted registrar`;
  if (subject.id !== licensee) return `the licence ${String(licence.id)} is held by ${String(subject.id)}, not ${licensee}`;
  if (!prefixCovers(String(subject.licenseValue), gtin)) return `GTIN ${gtin} is outside the licensed company prefix ${String(subject.licenseValue)}`;
  const inactive = await lookups.inactive(licence);
  return inactive && `the licence ${String(licence.id)} ${inactive}`;
}

/** Whether `issuer` speaks for `gtin`: a KeyCredential of theirs for the GTIN extending a licence that covers it. */
export async function gtinAuthority(issuer: string, gtin: string, lookups: AuthorityLookups): Promise<AuthorityResult> {
  let reason = `${issuer} has no KeyCredential for GTIN ${gtin}`;
  for (const key of await lookups.chain(gtinKey(gtin))) {
    if (!typesOf(key).includes('KeyCredential') || issuerId(key) !== issuer) continue;
    const licence = await lookups.credential(String(subjectOf(key).extendsCredential));
    const problem = (await licenceProblem(licence, issuer, gtin, lookups)) ?? (await lookups.inactive(key));
    if (!problem) return { ok: true, keyCredential: key, licence: licence! };
    reason = `${String(key.id)}: ${problem}`;
  }
  return { ok: false, reason };
}

/** Why a KeyCredential (for a GTIN, or for one unit) is not backed by a chain to a trusted licence, or undefined. */
export async function keyCredentialProblem(key: JsonObject, lookups: AuthorityLookups): Promise<string | undefined> {
  const subject = subjectOf(key);
  const issuer = String(issuerId(key));
  const dl = parseDigitalLink(String(subject.id));
  const gtin = dl.primaryKey.ai === '01' ? dl.primaryKey.value : undefined;
  if (!gtin) return 'a KeyCredential names a GTIN or a unit of one';
  const parent = await lookups.credential(String(subject.extendsCredential));
  if (dl.qualifiers.length === 0) return licenceProblem(parent, issuer, gtin, lookups);
  if (!parent || !typesOf(parent).includes('KeyCredential') || subjectOf(parent).id === undefined) return 'a unit\'s KeyCredential extends its GTIN\'s KeyCredential';
  const parentLink = parseDigitalLink(String(subjectOf(parent).id));
  if (parentLink.qualifiers.length > 0 || parentLink.primaryKey.value !== gtin) return `it extends ${String(parent.id)}, which is not the KeyCredential of GTIN ${gtin}`;
  if (issuerId(parent) !== issuer) return `it extends ${String(parent.id)}, which is by another issuer`;
  const authority = await gtinAuthority(issuer, gtin, lookups);
  return authority.ok ? undefined : authority.reason;
}

/**
 * Whether a repair record reads as authorised: it names an accreditation, recorded and active, of its
 * own issuer, for its GTIN, by a party that speaks for that GTIN. Anything else is an independent repair.
 */
export async function repairAuthority(record: JsonObject, lookups: AuthorityLookups): Promise<{ authorised: boolean; reason: string; accreditation?: string }> {
  const subject = subjectOf(record);
  const repairer = String(issuerId(record));
  if (typeof subject.accreditation !== 'string') return { authorised: false, reason: 'independent: the record names no accreditation' };
  const accreditation = await lookups.credential(subject.accreditation);
  const independent = (why: string) => ({ authorised: false, reason: `independent: ${why}`, accreditation: String(subject.accreditation) });
  if (!accreditation || !typesOf(accreditation).includes('RepairerAccreditationCredential')) return independent('the accreditation it names is not in the ledger');
  const accredited = subjectOf(accreditation);
  const gtin = parseDigitalLink(String(subject.id)).primaryKey.value;
  if (accredited.id !== repairer) return independent(`the accreditation is of ${String(accredited.id)}, not ${repairer}`);
  if (!Array.isArray(accredited.accreditedFor) || !accredited.accreditedFor.includes(gtin)) return independent(`the accreditation does not cover GTIN ${gtin}`);
  const authority = await gtinAuthority(String(issuerId(accreditation)), gtin, lookups);
  if (!authority.ok) return independent(`the accreditation's issuer does not speak for GTIN ${gtin}`);
  const inactive = await lookups.inactive(accreditation);
  if (inactive) return independent(`the accreditation ${inactive}`);
  return { authorised: true, reason: `accredited by ${String(issuerId(accreditation))}`, accreditation: String(accreditation.id) };
}
