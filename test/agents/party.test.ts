// A party's agent: identities, issuing in both forms, and private keys sealed at rest.
import { describe, expect, it } from 'vitest';
import { createParty } from '../../agents/party.js';
import { createMemoryStore } from '../../src/index.js';
import { fixture, NOW, TEST_SECRET } from '../helpers.js';

describe('party', () => {
  it('issues as its did:web in both forms, and another party verifies', async () => {
    const maker = createParty({ store: createMemoryStore(), secretKeyHex: TEST_SECRET, now: () => NOW });
    const did = await maker.createIdentity('maker.example');
    const doc = await maker.didDocument(did);
    const vc = await maker.issue({ ...fixture('passport.json'), issuer: did });
    const jwt = await maker.issue({ ...fixture('passport.json'), issuer: did }, 'vc+jwt');
    // The buyer's party knows the maker's DID document only through its fetch.
    const buyer = createParty({
      store: createMemoryStore(),
      secretKeyHex: TEST_SECRET,
      now: () => NOW,
      fetch: async (url) => (url === 'https://maker.example/.well-known/did.json' ? new Response(JSON.stringify(doc)) : new Response('', { status: 404 })),
    });
    expect((await buyer.services.verifier.verifyCredential(vc)).verified).toBe(true);
    expect((await buyer.services.verifier.verifyCredential(jwt)).verified).toBe(true);
  });

  it('keeps private keys encrypted at rest, and refuses a wrong secret', async () => {
    const store = createMemoryStore();
    const owner = createParty({ store, secretKeyHex: TEST_SECRET, now: () => NOW });
    const privateKeyHex = '9'.repeat(64);
    await owner.agent.keyManagerImport({ kms: 'local', type: 'Ed25519', privateKeyHex, kid: 'imported' });
    const values: string[] = [];
    for await (const [key, value] of store.entries('')) values.push(key, value);
    expect(values.some((v) => v.includes(privateKeyHex))).toBe(false);
    expect(values.some((v) => v.includes('imported'))).toBe(true);
    const thief = createParty({ store, secretKeyHex: '22'.repeat(32), now: () => NOW });
    await expect(thief.agent.keyManagerSign({ keyRef: 'imported', data: 'x' })).rejects.toThrow();
    expect(() => createParty({ store, secretKeyHex: 'short', now: () => NOW })).toThrow(expect.objectContaining({ code: 'SECRET_INVALID' }));
  });
});
