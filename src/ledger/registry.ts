// The ownership registry: registration by scanning, transfer on resale, stolen and found. Owners prove
// themselves with presentations and authorisations over fresh challenges; the registry issues, as
// itself, the OwnershipCredential and OwnershipTransferCredential, and keeps their status bits.
import { randomUUID } from 'node:crypto';
import { AuthError, DataModelError, InputError, NotFoundError, ChainError, isDppError } from '../errors.js';
import { canonicalDigitalLink, formatDigitalLink, fromElementString, parseDigitalLink } from '../gs1/index.js';
import { asArray, isObject, issuerId, typesOf, type JsonObject, subjectOf } from '../vc/credential.js';
import { digestMultibase } from '../vc/jcs.js';
import type { StatusPurpose } from '../vc/status-list.js';
import type { Verifier } from '../vc/verify.js';
import type { StoredCredential } from '../storage/credential-repository.js';
import type { Contact, ContactStore, RecallNotification } from '../storage/contact-store.js';
import type { PreparedWrite } from '../storage/store.js';
import { unitOf, type Acknowledgement, type Ledger } from './ledger.js';
import { chainsOf } from './policy.js';
import { addPeriod, recallCovers, unitState, type UnitState } from './unit-state.js';
import type { WriteGate } from './write-gate.js';

export type ChallengePurpose = 'register' | 'transfer' | 'report';
/** How long a transfer challenge (inside an authorisation) stays usable: a week. */
const TRANSFER_CHALLENGE_SECONDS = 7 * 24 * 3600;
export const CHALLENGE_PURPOSES: readonly ChallengePurpose[] = ['register', 'transfer', 'report'];

export interface RegistryDeps {
  /** The registry's DID (the server's) and the origin presentations must be bound to (their `domain`). */
  did: string;
  domain: string;
  ledger: Pick<Ledger, 'head' | 'commit' | 'members'>;
  gate: WriteGate;
  verifier: Pick<Verifier, 'verifyCredential' | 'verifyPresentation'>;
  challenges: {
    issue(purpose: string, ttlSeconds?: number): Promise<{ challenge: string; expires: string }>;
    consume(challenge: string, purpose: string): Promise<void>;
  };
  statusLists: {
    allocate(issuer: string, purpose: StatusPurpose, count?: number): Promise<JsonObject[]>;
    prepareSet(listUrl: string, index: number, value: number): Promise<PreparedWrite>;
    get(listUrl: string, index: number): Promise<number>;
  };
  contacts: ContactStore;
  /** Signs a credential as the registry, in both forms. */
  secure(credential: JsonObject): Promise<StoredCredential>;
  now(): Date;
  newId?(): string;
}

export interface Registration {
  ownership: JsonObject;
  acknowledgements: Acknowledgement[];
}

export interface Registry {
  /** A single-use challenge for `purpose` on the unit `subject` (a Digital Link). */
  challenge(subject: string, purpose: ChallengePurpose): Promise<{ challenge: string; domain: string; expires: string }>;
  /** `actor` signed the request; `presentation` is theirs over a `register` challenge for `subject`. */
  register(actor: string, input: { subject: string; presentation: unknown; contact?: unknown }): Promise<Registration>;
  /** `authorization` is the current owner's OwnershipTransferAuthorization; `actor` is the seller or the buyer it names. */
  transfer(actor: string, input: { authorization: unknown; contact?: unknown }): Promise<Registration & { transfer: JsonObject }>;
  /** The current owner reports the unit stolen or lost (its ownership suspended), or found again. */
  report(actor: string, input: { subject: string; presentation: unknown; state: unknown }): Promise<{ suspended: boolean }>;
  /** The contact details `actor` left for `subject` (GDPR access). */
  contact(actor: string, subject: string): Promise<Contact | undefined>;
  /** Erases them (GDPR erasure); the ledger is untouched. */
  forgetContact(actor: string, subject: string): Promise<void>;
  /** The writes that queue a notification to every owner who left contact details on a unit a recall notice among `items` covers. */
  recallNotifications(items: readonly StoredCredential[]): Promise<PreparedWrite[]>;
  /** The queued recall notifications, handed over (to the operator's mailer) and removed. */
  drainOutbox(): Promise<RecallNotification[]>;
}

const CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://dppledger.org/contexts/dpp/v1'];

export function createRegistry(deps: RegistryDeps): Registry {
  const newId = deps.newId ?? (() => `urn:uuid:${randomUUID()}`);
  const purposeKey = (purpose: ChallengePurpose, subject: string) => `${purpose} ${unitOf({ credentialSubject: { id: subject } })}`;

  /**
   * The unit as a Digital Link, its chain's head and its state. The head is read first: a credential
   * naming it as previousEvent is judged on this state, or refused as a fork if the chain moved since.
   */
  async function unitOfLink(subject: unknown): Promise<{ link: string; state: UnitState; head: { id: string; digestMultibase: string } }> {
    if (typeof subject !== 'string') throw new InputError('INVALID_INPUT', '"subject" is the Digital Link of the unit');
    const dl = parseDigitalLink(subject);
    if (!dl.qualifiers.some((q) => q.ai === '21')) throw new InputError('INVALID_INPUT', 'Only a serialised unit (with AI 21) can be owned');
    const link = canonicalDigitalLink(subject);
    const head = await deps.ledger.head(unitOf({ credentialSubject: { id: link } }));
    const state = unitState(await chainsOf(link, deps.gate.lookups()), link);
    if (!state.passport) throw new NotFoundError('UNIT_UNKNOWN', `No passport was minted for ${link}`, { evidence: { subject: link } });
    if (state.endOfLife) throw new ChainError('UNIT_ENDED', `${link} reached its end of life`, { evidence: { subject: link, endOfLife: state.endOfLife.id } });
    return { link: String(subjectOf(state.passport).id), state, head: { id: head!.id, digestMultibase: head!.digestMultibase } };
  }

  /** The holder of a verified presentation bound to our domain, and the challenge it is over (not yet consumed). */
  async function presenter(presentation: unknown): Promise<{ holder: string; challenge: string }> {
    if (!isObject(presentation)) throw new InputError('INVALID_INPUT', '"presentation" is a signed verifiable presentation');
    const proof = asArray(presentation.proof as unknown).find(isObject);
    const challenge = typeof proof?.challenge === 'string' ? proof.challenge : undefined;
    if (!challenge) throw new AuthError('CHALLENGE_INVALID', 'The presentation is not over a challenge');
    const report = await deps.verifier.verifyPresentation(presentation, { challenge, domain: deps.domain });
    if (!report.verified) {
      throw new AuthError('REQUEST_SIGNATURE_INVALID', 'The presentation does not verify', { evidence: { checks: report.checks.filter((c) => c.status === 'fail') } });
    }
    return { holder: typeof presentation.holder === 'string' ? presentation.holder : String(proof!.verificationMethod).split('#')[0]!, challenge };
  }

  /**
   * Runs `attempt` (which reads the unit afresh, judges it and appends) again when a concurrent write moved
   * the chain meanwhile: the challenge is spent once, before the first attempt, after every check passed once.
   */
  async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (!isDppError(err) || err.code !== 'CHAIN_CONFLICT' || tries >= 5) throw err;
      }
    }
  }

  function contactOf(input: unknown): Contact | undefined {
    if (input === undefined) return undefined;
    if (!isObject(input) || input.consent !== true) throw new InputError('INVALID_INPUT', 'Contact details are kept only with "consent": true');
    const contact: Contact = { consentedAt: deps.now().toISOString() };
    if (typeof input.email === 'string') {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email) || input.email.length > 254) throw new InputError('INVALID_INPUT', 'email is not an e-mail address');
      contact.email = input.email;
    }
    if (typeof input.phone === 'string') {
      if (!/^\+?[0-9 ()-]{6,20}$/.test(input.phone)) throw new InputError('INVALID_INPUT', 'phone is not a phone number');
      contact.phone = input.phone;
    }
    if (!contact.email && !contact.phone) throw new InputError('INVALID_INPUT', 'Contact details need an email or a phone');
    return contact;
  }

  /** A credential of `type` about the unit, issued and signed by the registry, chained after `previous`. */
  function registryCredential(type: string, link: string, claims: JsonObject, previous: { id: string; digestMultibase: string }, status?: JsonObject[]): Promise<StoredCredential> {
    return deps.secure({
      '@context': CONTEXTS,
      id: newId(),
      type: ['VerifiableCredential', type],
      issuer: deps.did,
      validFrom: deps.now().toISOString(),
      credentialSchema: { id: `https://dppledger.org/schemas/${type}/v1`, type: 'JsonSchema' },
      ...(status ? { credentialStatus: status } : {}),
      previousEvent: previous,
      credentialSubject: { id: link, ...claims },
    });
  }

  /** An ownership, revocable (sold on) and suspendable (stolen, lost). */
  async function ownershipCredential(link: string, owner: string, claims: JsonObject, previous: { id: string; digestMultibase: string }): Promise<StoredCredential> {
    const status = [...(await deps.statusLists.allocate(deps.did, 'revocation')), ...(await deps.statusLists.allocate(deps.did, 'suspension'))];
    return registryCredential('OwnershipCredential', link, { owner, ownedSince: deps.now().toISOString(), ...claims }, previous, status);
  }

  /** The status entry of `purpose` of the current ownership credential. */
  async function entryOf(ownershipId: string, purpose: StatusPurpose): Promise<{ list: string; index: number } | undefined> {
    const credential = await deps.gate.lookups().credential(ownershipId);
    const entry = asArray(credential?.credentialStatus as unknown).filter(isObject).find((e) => e.statusPurpose === purpose);
    return entry ? { list: String(entry.statusListCredential), index: Number(entry.statusListIndex) } : undefined;
  }

  async function isSuspended(ownershipId: string): Promise<boolean> {
    const entry = await entryOf(ownershipId, 'suspension');
    return !!entry && (await deps.statusLists.get(entry.list, entry.index)) !== 0;
  }

  function warrantyUntil(state: UnitState): string | undefined {
    if (!state.warranty) return undefined;
    const production = typeof subjectOf(state.passport!).productionDate === 'string' ? new Date(String(subjectOf(state.passport!).productionDate)) : deps.now();
    return addPeriod(state.warranty.start === 'production' ? production : deps.now(), state.warranty.period);
  }

  return {
    async challenge(subject, purpose) {
      if (!CHALLENGE_PURPOSES.includes(purpose)) throw new InputError('INVALID_INPUT', `purpose is one of ${CHALLENGE_PURPOSES.join(', ')}`);
      const { link } = await unitOfLink(subject);
      // A transfer's challenge travels inside an authorisation the buyer may use days later.
      return { ...(await deps.challenges.issue(purposeKey(purpose, link), purpose === 'transfer' ? TRANSFER_CHALLENGE_SECONDS : undefined)), domain: deps.domain };
    },

    async register(actor, input) {
      const contact = contactOf(input.contact);
      const { holder: owner, challenge } = await presenter(input.presentation);
      if (owner !== actor) throw new AuthError('POLICY_DENIED', `The request is signed by ${actor}, the presentation by ${owner}`, { evidence: { actor, owner } });
      const judge = async (subject: unknown) => {
        const unit = await unitOfLink(subject);
        if (unit.state.ownership) throw new ChainError('UNIT_REGISTERED', `${unit.link} is already registered: its owner transfers it`, { evidence: { subject: unit.link } });
        return unit;
      };
      const { link } = await judge(input.subject);
      await deps.challenges.consume(challenge, purposeKey('register', link));
      return retrying(async () => {
        const { state, head } = await judge(link);
        const until = warrantyUntil(state);
        const ownership = await ownershipCredential(link, owner, until ? { warrantyUntil: until } : {}, head);
        const unit = unitOf(ownership.dataIntegrity);
        const acknowledgements = await deps.gate.append(deps.did, [ownership], { alongside: async () => (contact ? [deps.contacts.preparePut(unit, owner, contact)] : []) });
        return { ownership: ownership.dataIntegrity, acknowledgements };
      });
    },

    async transfer(actor, input) {
      const authorization = input.authorization;
      if (!isObject(authorization) || !typesOf(authorization).includes('OwnershipTransferAuthorization')) {
        throw new InputError('INVALID_INPUT', '"authorization" is the owner\'s signed OwnershipTransferAuthorization');
      }
      const report = await deps.verifier.verifyCredential(authorization);
      if (!report.verified) {
        throw new DataModelError('AUTHORISATION_INVALID', 'The transfer authorisation does not verify', { evidence: { checks: report.checks.filter((c) => c.status === 'fail') } });
      }
      const claims = subjectOf(authorization);
      const seller = String(issuerId(authorization));
      const buyer = String(claims.transferredTo);
      if (typeof authorization.validUntil !== 'string') throw new DataModelError('AUTHORISATION_INVALID', 'A transfer authorisation carries its validUntil');
      if (buyer === seller || !/^did:[a-z0-9]+:\S+$/.test(buyer)) throw new DataModelError('AUTHORISATION_INVALID', 'transferredTo is the buyer\'s DID, not the seller\'s', { evidence: { buyer } });
      if (actor !== seller && actor !== buyer) throw new AuthError('POLICY_DENIED', `Only the seller or the buyer sends a transfer, not ${actor}`, { evidence: { actor, seller, buyer } });
      // Contact details are the buyer's to give, for themselves.
      if (input.contact !== undefined && actor !== buyer) throw new InputError('INVALID_INPUT', 'Only the buyer leaves contact details, when sending the transfer themselves');
      const contact = contactOf(input.contact);
      const judge = async (subject: unknown) => {
        const unit = await unitOfLink(subject);
        const current = unit.state.ownership;
        if (!current || current.owner !== seller || current.credential !== claims.ownership) {
          throw new AuthError('NOT_OWNER', `${seller} is not the current owner of ${unit.link}`, { evidence: { seller, ownership: claims.ownership, current: current?.credential ?? null } });
        }
        if (await isSuspended(current.credential)) throw new ChainError('UNIT_REPORTED_STOLEN', `${unit.link} is reported stolen or lost`, { evidence: { subject: unit.link } });
        return { ...unit, current };
      };
      const { link } = await judge(claims.id);
      await deps.challenges.consume(String(claims.transferChallenge), purposeKey('transfer', link));
      return retrying(async () => {
        const { state, head, current } = await judge(link);
        // What is left of the warranty goes with the unit when the terms let it.
        const today = deps.now().toISOString().slice(0, 10);
        const warrantyTransferred = !!current.warrantyUntil && current.warrantyUntil >= today && state.warranty?.transferable === true;
        const transfer = await registryCredential(
          'OwnershipTransferCredential',
          link,
          { transferredFrom: seller, transferredTo: buyer, previousOwnership: current.credential, transferDate: deps.now().toISOString(), warrantyTransferred, authorization },
          head,
        );
        const ownership = await ownershipCredential(
          link,
          buyer,
          { previousOwnership: current.credential, ...(warrantyTransferred ? { warrantyUntil: current.warrantyUntil } : {}) },
          { id: transfer.id, digestMultibase: digestMultibase(transfer.dataIntegrity) },
        );
        const unit = unitOf(ownership.dataIntegrity);
        const revocation = await entryOf(current.credential, 'revocation');
        const acknowledgements = await deps.gate.append(deps.did, [transfer, ownership], {
          // In the sequencer: a stolen report that landed meanwhile stops the sale; the seller's ownership is
          // revoked, and their contact details forgotten, with the transfer or not at all.
          alongside: async () => {
            if (await isSuspended(current.credential)) throw new ChainError('UNIT_REPORTED_STOLEN', `${link} is reported stolen or lost`, { evidence: { subject: link } });
            return [
              ...(revocation ? [await deps.statusLists.prepareSet(revocation.list, revocation.index, 1)] : []),
              deps.contacts.prepareDelete(unit, seller),
              ...(contact ? [deps.contacts.preparePut(unit, buyer, contact)] : []),
            ];
          },
        });
        return { transfer: transfer.dataIntegrity, ownership: ownership.dataIntegrity, acknowledgements };
      });
    },

    async report(actor, input) {
      if (!['stolen', 'lost', 'found'].includes(String(input.state))) throw new InputError('INVALID_INPUT', 'state is stolen, lost or found');
      const { link, state } = await unitOfLink(input.subject);
      const { holder: owner, challenge } = await presenter(input.presentation);
      if (owner !== actor || state.ownership?.owner !== owner) throw new AuthError('NOT_OWNER', `${owner} is not the current owner of ${link}`, { evidence: { owner, actor } });
      await deps.challenges.consume(challenge, purposeKey('report', link));
      const entry = await entryOf(state.ownership.credential, 'suspension');
      if (!entry) throw new DataModelError('STATUS_LIST_INVALID', 'The ownership credential has no suspension entry');
      const suspended = input.state !== 'found';
      await deps.ledger.commit(async () => [await deps.statusLists.prepareSet(entry.list, entry.index, suspended ? 1 : 0)]);
      return { suspended };
    },

    async contact(actor, subject) {
      return deps.contacts.get(unitOf({ credentialSubject: { id: subject } }), actor);
    },

    async recallNotifications(items) {
      const writes: PreparedWrite[] = [];
      for (const { dataIntegrity: notice } of items) {
        if (!typesOf(notice).includes('RecallNoticeCredential')) continue;
        const claims = subjectOf(notice);
        // The units listed under the notice's batch (or GTIN): a unit's key leaves its lot out, the batch's names it.
        const lot = parseDigitalLink(String(claims.id)).qualifiers.find((q) => q.ai === '10')?.value;
        for await (const unit of deps.ledger.members(unitOf(notice))) {
          const dl = fromElementString(unit);
          if (!recallCovers(notice, { itemNumber: dl.qualifiers.find((q) => q.ai === '21')?.value, batchNumber: lot })) continue;
          for (const { owner, contact } of await deps.contacts.list(unit)) {
            const link = formatDigitalLink(dl);
            writes.push(deps.contacts.prepareNotification({ notice: String(notice.id), unit: link, owner, contact, reason: String(claims.reason), remedy: String(claims.remedy) }));
          }
        }
      }
      return writes;
    },

    async drainOutbox() {
      let out: RecallNotification[] = [];
      await deps.ledger.commit(async () => {
        const { notifications, drained } = await deps.contacts.outbox();
        out = notifications;
        return [drained];
      });
      return out;
    },

    async forgetContact(actor, subject) {
      await deps.ledger.commit(async () => [deps.contacts.prepareDelete(unitOf({ credentialSubject: { id: subject } }), actor)]);
    },
  };
}
