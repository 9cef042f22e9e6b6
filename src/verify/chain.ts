// A unit's event chain as served, checked from the credentials' own links: one first event, each next one
// naming its predecessor by id and digest, in the order served. Pure: what was left out, forked or reordered.
import { isObject, credentialLabel, type JsonObject } from '../vc/credential.js';
import { digestMultibase } from '../vc/jcs.js';
import { fail, pass, type Check } from '../vc/report.js';

const previousOf = (credential: JsonObject): { id?: unknown; digestMultibase?: unknown } | undefined =>
  isObject(credential.previousEvent) ? credential.previousEvent : undefined;

/** The checks of one chain (`key`, a GS1 element string or a party's DID), its credentials in the order served. */
export function checkChain(key: string, credentials: readonly JsonObject[]): Check[] {
  const checks: Check[] = [];
  const ids = credentials.map((c) => String(c.id));
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) checks.push(fail('chain', 'CHAIN_FORK', `${key}: ${id} is served twice`, { credential: id, evidence: { chain: key, positions: [index.get(id), i] } }));
    else index.set(id, i);
  });
  // Who names whom: two events on one predecessor (or two first events) are a fork.
  const children = new Map<string, string[]>();
  for (const credential of credentials) {
    const previous = previousOf(credential);
    const parent = previous === undefined ? '(start)' : String(previous.id);
    children.set(parent, [...(children.get(parent) ?? []), credentialLabel(credential)]);
  }
  for (const [parent, named] of children) {
    if (named.length > 1) {
      checks.push(fail('chain', 'CHAIN_FORK', `${key}: ${named.join(' and ')} both follow ${parent === '(start)' ? 'nothing (two first events)' : parent}`, {
        credential: named[1],
        evidence: { chain: key, predecessor: parent, events: named },
      }));
    }
  }
  for (const [i, credential] of credentials.entries()) {
    const previous = previousOf(credential);
    const id = credentialLabel(credential);
    if (previous === undefined) continue;
    const at = typeof previous.id === 'string' ? index.get(previous.id) : undefined;
    if (at === undefined) {
      checks.push(fail('chain', 'CHAIN_GAP', `${key}: ${id} follows ${String(previous.id)}, which the chain as served does not hold: an event was left out`, {
        credential: id,
        evidence: { chain: key, position: i, previousEvent: previous },
      }));
      continue;
    }
    const digest = digestMultibase(credentials[at]);
    if (previous.digestMultibase !== digest) {
      checks.push(fail('chain', 'CHAIN_DIGEST_MISMATCH', `${key}: ${id} names a predecessor ${String(previous.id)} whose digest is not the one served`, {
        credential: id,
        evidence: { chain: key, expected: previous.digestMultibase, computed: digest },
      }));
    }
  }
  if (checks.length > 0) return checks;
  // Linked, without gaps or forks: now the order served must be the order the links give.
  const outOfOrder = credentials.findIndex((c, i) => (i === 0 ? previousOf(c) !== undefined : previousOf(c)?.id !== ids[i - 1]));
  if (outOfOrder >= 0) {
    return [fail('chain', 'CHAIN_REORDERED', `${key}: the events are served out of the order their links give (first at position ${outOfOrder})`, {
      credential: ids[outOfOrder],
      evidence: { chain: key, served: ids },
    })];
  }
  return [pass('chain', `${key}: ${credentials.length} event${credentials.length === 1 ? '' : 's'}, linear, each previousEvent's digest right`, { evidence: { chain: key, events: credentials.length } })];
}
