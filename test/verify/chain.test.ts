// The chain as served, judged from the credentials' own links alone.
import { describe, expect, it } from 'vitest';
import { checkChain } from '../../src/verify/chain.js';
import { digestMultibase } from '../../src/vc/jcs.js';
import type { JsonObject } from '../../src/vc/credential.js';

/** A chain of `n` linked events (unsigned: the links are what is judged here). */
function chain(n: number): JsonObject[] {
  const events: JsonObject[] = [];
  for (let i = 0; i < n; i++) {
    const previous = events[i - 1];
    events.push({ id: `urn:e:${i}`, ...(previous ? { previousEvent: { id: previous.id, digestMultibase: digestMultibase(previous) } } : {}) });
  }
  return events;
}
const codes = (events: JsonObject[]) => checkChain('(01)09506000134352(21)X', events).map((c) => c.code ?? 'pass');

describe('checkChain', () => {
  it('passes a linear chain served in order', () => {
    expect(codes(chain(5))).toEqual(['pass']);
    expect(codes(chain(1))).toEqual(['pass']);
  });

  it('finds an event left out of the middle, or the first one', () => {
    const events = chain(5);
    expect(codes([...events.slice(0, 2), ...events.slice(3)])).toEqual(['CHAIN_GAP']);
    expect(codes(events.slice(1))).toEqual(['CHAIN_GAP']);
  });

  it('finds events served out of their order', () => {
    const [a, b, c, d] = chain(4);
    expect(codes([a!, c!, b!, d!])).toEqual(['CHAIN_REORDERED']);
    expect(codes([b!, a!, c!, d!])).toEqual(['CHAIN_REORDERED']);
  });

  it('finds a fork: two events on one predecessor, or two first events', () => {
    const events = chain(3);
    const sibling = { id: 'urn:e:other', previousEvent: events[2]!.previousEvent };
    expect(codes([...events, sibling])).toContain('CHAIN_FORK');
    expect(codes([...events, { id: 'urn:e:again' }])).toContain('CHAIN_FORK');
    expect(codes([...events, events[1]!])).toContain('CHAIN_FORK');
  });

  it('finds a predecessor whose digest is not the one named (it was altered)', () => {
    const events = chain(3);
    events[1] = { ...events[1]!, note: 'altered' };
    expect(codes(events)).toEqual(['CHAIN_DIGEST_MISMATCH']);
  });
});
