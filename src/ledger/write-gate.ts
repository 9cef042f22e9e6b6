// The ledger's front door: every append is judged against the policy table for the party making it,
// with the credentials earlier in the same batch already counted, then handed to the ledger whole.
import { isObject, issuerId, type JsonObject } from '../vc/credential.js';
import { AuthError } from '../errors.js';
import type { CredentialRepository, StoredCredential } from '../storage/credential-repository.js';
import { validityCheck, type Verifier } from '../vc/verify.js';
import { checkPolicy, type PolicyContext } from './policy.js';
import { unitOf, type Acknowledgement, type AppendOptions, type Ledger } from './ledger.js';

export interface WriteGateDeps {
  ledger: Ledger;
  credentials: CredentialRepository;
  /** The registry's DID (this server's). */
  registry: string;
  trustedRegistrars: ReadonlySet<string>;
  /** Why a recorded credential no longer counts (revoked, suspended, expired), or undefined. */
  inactive(credential: JsonObject): Promise<string | undefined>;
}

export interface WriteGate {
  /** Appends `items` for `actor` (the authenticated DID) if the policy allows every one; all or nothing. */
  append(actor: string, items: readonly StoredCredential[], options?: AppendOptions): Promise<Acknowledgement[]>;
  /** A view of the ledger, plus `pending` credentials not yet in it, for policy and authority checks (memoised: one per request). */
  lookups(pending?: readonly StoredCredential[]): PolicyContext;
}

/** `inactive` for a gate: a credential stops counting when outside its validity period, revoked or suspended. */
export function inactiveWith(verifier: Pick<Verifier, 'checkStatus'>, now: () => Date): (credential: JsonObject) => Promise<string | undefined> {
  return async (credential) => {
    const validity = validityCheck(credential, now(), { credential: String(credential.id) });
    if (validity.status === 'fail') return validity.code === 'EXPIRED' ? 'has expired' : 'is not yet valid';
    const failed = (await verifier.checkStatus(credential)).find((c) => c.status === 'fail');
    return failed && `is ${failed.code === 'STATUS_REVOKED' ? 'revoked' : failed.code === 'STATUS_SUSPENDED' ? 'suspended' : `of unknown status (${failed.message})`}`;
  };
}

export function createWriteGate(deps: WriteGateDeps): WriteGate {
  const { ledger, credentials } = deps;

  function lookups(pending: readonly StoredCredential[] = []): PolicyContext {
    const chains = new Map<string, Promise<JsonObject[]>>();
    const inactive = new Map<string, Promise<string | undefined>>();
    const recorded = async (id: string) => ((await ledger.event(id)) ? (await credentials.get(id))?.dataIntegrity : undefined);
    // The pending credentials by chain, indexed as the batch grows: each one's unit is worked out once, not once a lookup.
    const pendingByChain = new Map<string, JsonObject[]>();
    let indexed = 0;
    const pendingOn = (key: string): JsonObject[] => {
      for (; indexed < pending.length; indexed++) {
        const credential = pending[indexed]!.dataIntegrity;
        const unit = unitOf(credential);
        pendingByChain.set(unit, [...(pendingByChain.get(unit) ?? []), credential]);
      }
      return pendingByChain.get(key) ?? [];
    };
    return {
      registry: deps.registry,
      trustedRegistrars: deps.trustedRegistrars,
      async credential(id) {
        return pending.find((p) => p.id === id)?.dataIntegrity ?? (await recorded(id));
      },
      async chain(key) {
        if (!chains.has(key)) {
          chains.set(key, (async () => {
            const stored: JsonObject[] = [];
            for (const event of await ledger.events(key)) stored.push((await credentials.get(event.id))!.dataIntegrity);
            return stored;
          })());
        }
        const stored = await chains.get(key)!;
        return [...stored, ...pendingOn(key)];
      },
      inactive(credential) {
        const id = String(credential.id);
        if (!inactive.has(id)) inactive.set(id, deps.inactive(credential));
        return inactive.get(id)!;
      },
    };
  }

  return {
    lookups,
    // The ledger verifies every proof first, then asks the policy about what is new (a retry of what is
    // recorded is the ledger's to acknowledge, not the policy's to judge again).
    append(actor, items, options) {
      // The cheap refusal first: nobody makes the ledger verify credentials they did not issue.
      for (const item of Array.isArray(items) ? items : []) {
        const issuer = isObject(item?.dataIntegrity) ? issuerId(item.dataIntegrity) : undefined;
        if (issuer !== undefined && issuer !== actor) throw new AuthError('POLICY_DENIED', `${actor} may only append credentials it issued, not one by ${issuer}`, { evidence: { actor, issuer, credential: item.id } });
      }
      return ledger.append(items, {
        ...options,
        async authorize(fresh) {
          // One view for the batch: what earlier items add is seen by later ones, lookups are made once.
          const pending: StoredCredential[] = [];
          const view = lookups(pending);
          for (const item of fresh) {
            await checkPolicy(item.dataIntegrity, actor, view);
            pending.push(item);
          }
        },
      });
    },
  };
}
