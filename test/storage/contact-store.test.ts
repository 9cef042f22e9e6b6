// Owners' contact details: sealed at rest, bound to their owner, erasable.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/storage/memory-store.js';
import { createContactStore } from '../../src/storage/contact-store.js';
import { TEST_SECRET } from '../helpers.js';

describe('contact store', () => {
  it('keeps details sealed, readable only for their owner, and deletes them', async () => {
    const store = createMemoryStore();
    const contacts = createContactStore(store, TEST_SECRET);
    const contact = { email: 'alice@example.org', consentedAt: '2026-06-01T12:00:00Z' };
    const write = contacts.preparePut('(01)09506000134352(21)X', 'did:key:alice', contact);
    await store.batch(write.operations);
    for await (const [, value] of store.entries('')) expect(value).not.toContain('alice@example.org');
    expect(await contacts.get('(01)09506000134352(21)X', 'did:key:alice')).toEqual(contact);
    expect(await contacts.get('(01)09506000134352(21)X', 'did:key:bob')).toBeUndefined();
    expect(await contacts.list('(01)09506000134352(21)X')).toEqual([{ owner: 'did:key:alice', contact }]);
    // Sealed with another secret, or moved to another owner's key, it does not open.
    await expect(createContactStore(store, '22'.repeat(32)).get('(01)09506000134352(21)X', 'did:key:alice')).rejects.toThrow();
    await store.batch(contacts.prepareDelete('(01)09506000134352(21)X', 'did:key:alice').operations);
    expect(await contacts.get('(01)09506000134352(21)X', 'did:key:alice')).toBeUndefined();
  });
});
