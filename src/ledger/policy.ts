// Who may append what: one table, read by one function. The server enforces it on every write; clients
// are never trusted to. Verifiers apply the same authority rules when they read (src/ledger/authority.ts).
import { AuthError, ChainError, NotFoundError, type ErrorCode } from '../errors.js';
import { parseDigitalLink } from '../gs1/index.js';
import { isObject, issuerId, subjectOf, typesOf, type JsonObject } from '../vc/credential.js';
import { gtinAuthority, keyCredentialProblem, repairAuthority, LICENCE_TYPE, type AuthorityLookups } from './authority.js';
import { isPartySubject, unitOf } from './ledger.js';
import { levelsOf, type Level } from './subjects.js';
import { unitState, type UnitChains, type UnitState } from './unit-state.js';

export type IssuerRule =
  /** a registrar the server trusts (its licences are the root of GTIN authority) */
  | 'trusted-registrar'
  /** the holder of a licence covering the GTIN (KeyCredentials) */
  | 'licensee'
  /** the holder of a KeyCredential for the GTIN (or for every GTIN it names) backed by such a licence */
  | 'gtin-authority'
  /** anyone at all (the right to repair) */
  | 'anyone'
  /** the unit's current owner; while nobody owns it, whoever speaks for its GTIN */
  | 'owner-else-gtin-authority'
  /** the ownership registry (this server), through its own endpoints only */
  | 'registry';

/** What the unit must be, for credentials about one unit (batches and GTINs have no such state): */
export type UnitRule =
  /** no chain yet: this credential opens it */
  | 'new'
  /** opened by its KeyCredential, no passport yet */
  | 'keyed'
  /** has a passport and has not reached its end of life */
  | 'minted'
  | 'any';

export interface PolicyRule {
  type: string;
  /** What the credential may be about: a party (its DID) or a level of a GS1 key. */
  about: readonly ('party' | Level)[];
  issuer: IssuerRule;
  unit: UnitRule;
  /** A `successor` it names must already (or in the same append) have a passport naming this unit as its predecessor. */
  successorNamesPredecessor?: true;
}

export const POLICY: readonly PolicyRule[] = [
  { type: LICENCE_TYPE, about: ['party'], issuer: 'trusted-registrar', unit: 'any' },
  { type: 'KeyCredential', about: ['product'], issuer: 'licensee', unit: 'any' },
  { type: 'KeyCredential', about: ['item'], issuer: 'licensee', unit: 'new' },
  { type: 'DigitalProductPassport', about: ['item'], issuer: 'gtin-authority', unit: 'keyed' },
  { type: 'DigitalProductPassport', about: ['batch', 'product'], issuer: 'gtin-authority', unit: 'any' },
  { type: 'MaterialCompositionCredential', about: ['item', 'batch', 'product'], issuer: 'gtin-authority', unit: 'minted' },
  { type: 'WarrantyCredential', about: ['item', 'product'], issuer: 'gtin-authority', unit: 'minted' },
  { type: 'RecallNoticeCredential', about: ['batch', 'product'], issuer: 'gtin-authority', unit: 'any' },
  { type: 'RepairerAccreditationCredential', about: ['party'], issuer: 'gtin-authority', unit: 'any' },
  { type: 'RepairRecordCredential', about: ['item'], issuer: 'anyone', unit: 'minted' },
  { type: 'EndOfLifeCredential', about: ['item'], issuer: 'owner-else-gtin-authority', unit: 'minted', successorNamesPredecessor: true },
  { type: 'OwnershipCredential', about: ['item'], issuer: 'registry', unit: 'minted' },
  { type: 'OwnershipTransferCredential', about: ['item'], issuer: 'registry', unit: 'minted' },
];

export interface PolicyContext extends AuthorityLookups {
  /** The registry's DID: the only issuer of ownership credentials. */
  registry: string;
}

const deny = (code: ErrorCode, message: string, evidence: Record<string, unknown>) =>
  code === 'UNIT_UNKNOWN' ? new NotFoundError(code, message, { evidence }) : code === 'UNIT_ENDED' || code === 'CHAIN_CONFLICT' ? new ChainError(code, message, { evidence }) : new AuthError(code, message, { evidence });

/** The chains a unit's state is read from: its own, its batch's and its GTIN's. */
export async function chainsOf(subjectId: string, lookups: Pick<AuthorityLookups, 'chain'>): Promise<UnitChains> {
  const dl = parseDigitalLink(subjectId);
  const levels = levelsOf(dl);
  const at = (level: Level) => levels.find((l) => l.level === level);
  const read = async (level: Level) => (at(level) ? lookups.chain(at(level)!.key) : []);
  return { unit: at('item') ? await read('item') : [], batch: await read('batch'), product: await read('product') };
}

/**
 * Throws the stable error of the first rule `credential` breaks when `actor` appends it (`actor` is the
 * registry itself for its own credentials); returns the unit's state it was judged on.
 */
export async function checkPolicy(credential: JsonObject, actor: string, context: PolicyContext): Promise<UnitState | undefined> {
  const types = typesOf(credential).filter((t) => t !== 'VerifiableCredential');
  const type = types[0] ?? 'VerifiableCredential';
  const issuer = String(issuerId(credential));
  const subject = isObject(credential.credentialSubject) ? credential.credentialSubject : {};
  const subjectId = String(subject.id);
  const about: 'party' | Level = isPartySubject(subjectId) ? 'party' : levelsOf(parseDigitalLink(subjectId))[0]!.level;
  const evidence = { credential: credential.id, type, issuer, actor, subject: subjectId };
  // One type per credential: what the policy judges it as is what readers fold it as.
  if (types.length !== 1) throw deny('POLICY_DENIED', `A credential in the ledger has one type besides VerifiableCredential, not ${types.length}`, evidence);
  const rule = POLICY.find((r) => r.type === type && r.about.includes(about));
  if (!rule) throw deny('POLICY_DENIED', `No rule lets anyone append a ${type} about a ${about}`, evidence);
  const ruleEvidence = { ...evidence, rule };
  if (actor !== issuer) throw deny('POLICY_DENIED', `${actor} may only append credentials it issued, not one by ${issuer}`, ruleEvidence);
  if ((rule.issuer === 'registry') !== (issuer === context.registry)) {
    throw deny('POLICY_DENIED', rule.issuer === 'registry' ? `Only the registry issues ${type}: use its register and transfer endpoints` : `The registry does not issue ${type}`, ruleEvidence);
  }

  const chains = about === 'party' ? undefined : await chainsOf(subjectId, context);
  const state = about === 'item' && chains ? unitState(chains, subjectId) : undefined;
  if (state && chains) {
    const keyed = chains.unit.some((c) => typesOf(c).includes('KeyCredential'));
    if (rule.unit === 'new' && chains.unit.length > 0) throw deny('CHAIN_CONFLICT', `${subjectId} is already minted`, ruleEvidence);
    if (rule.unit === 'keyed' && (!keyed || state.passport)) {
      throw deny(keyed ? 'CHAIN_CONFLICT' : 'UNIT_UNKNOWN', keyed ? `${subjectId} already has its passport` : `${subjectId} has no KeyCredential: mint it with one first`, ruleEvidence);
    }
    // The unit's passport is by whoever opened its chain with the unit's KeyCredential.
    const opener = chains.unit.find((c) => typesOf(c).includes('KeyCredential'));
    if (rule.unit === 'keyed' && opener && issuerId(opener) !== issuer) throw deny('GTIN_NOT_LICENSED', `${subjectId} was keyed by ${String(issuerId(opener))}, not ${issuer}`, ruleEvidence);
    if (rule.unit === 'minted' && !state.passport) throw deny('UNIT_UNKNOWN', `No passport was minted for ${subjectId}`, ruleEvidence);
    if (rule.unit === 'minted' && state.endOfLife) {
      throw deny('UNIT_ENDED', `${subjectId} reached its end of life (${String((state.endOfLife.credentialSubject as JsonObject).endOfLifeState)})`, ruleEvidence);
    }
  }

  switch (rule.issuer) {
    case 'trusted-registrar':
      if (!context.trustedRegistrars.has(issuer)) throw deny('POLICY_DENIED', `${issuer} is not a registrar this server trusts`, ruleEvidence);
      break;
    case 'licensee': {
      const problem = await keyCredentialProblem(credential, context);
      if (problem) throw deny('GTIN_NOT_LICENSED', `${String(credential.id)}: ${problem}`, ruleEvidence);
      break;
    }
    case 'gtin-authority': {
      const gtins = about === 'party' ? (Array.isArray(subject.accreditedFor) ? subject.accreditedFor.map(String) : []) : [parseDigitalLink(subjectId).primaryKey.value];
      if (gtins.length === 0) throw deny('POLICY_DENIED', `${type} names no GTIN`, ruleEvidence);
      for (const gtin of gtins) {
        const authority = await gtinAuthority(issuer, gtin, context);
        if (!authority.ok) throw deny('GTIN_NOT_LICENSED', authority.reason, { ...ruleEvidence, gtin });
      }
      break;
    }
    case 'owner-else-gtin-authority':
      if (state?.ownership) {
        if (state.ownership.owner !== issuer) throw deny('NOT_OWNER', `${subjectId} is owned by someone else: its owner transfers it to ${issuer} first`, ruleEvidence);
      } else {
        const authority = await gtinAuthority(issuer, parseDigitalLink(subjectId).primaryKey.value, context);
        if (!authority.ok) throw deny('NOT_OWNER', `Nobody owns ${subjectId} yet: only its manufacturer may end its life`, { ...ruleEvidence, reason: authority.reason });
      }
      break;
    case 'anyone':
    case 'registry':
      break;
  }
  // Anyone may repair, but only as what they are: an accreditation named must be the repairer's own, for this GTIN.
  if (type === 'RepairRecordCredential' && typeof subject.accreditation === 'string') {
    const authority = await repairAuthority(credential, context);
    if (!authority.authorised) throw deny('REPAIRER_NOT_ACCREDITED', `${String(credential.id)} names accreditation ${subject.accreditation}, but is ${authority.reason}`, ruleEvidence);
  }
  if (rule.successorNamesPredecessor && typeof subject.successor === 'string') {
    const successor = await chainsOf(subject.successor, context);
    const passport = successor.unit.find((c) => typesOf(c).includes('DigitalProductPassport'));
    const named = passport && typeof subjectOf(passport).predecessor === 'string' ? unitOf({ credentialSubject: { id: subjectOf(passport).predecessor } }) : undefined;
    if (named !== unitOf(credential)) {
      throw deny('POLICY_DENIED', `The successor ${subject.successor} has no passport naming ${subjectId} as its predecessor: mint it in the same append`, ruleEvidence);
    }
  }
  return state;
}
