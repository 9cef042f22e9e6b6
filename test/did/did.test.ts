// did:key and did:web: creation, resolution over an injected fetch, and the documents we publish.
import { describe, expect, it } from 'vitest';
import { ed25519FromSeed, ed25519Signer, ed25519Verify } from '../../src/did/ed25519.js';
import { didKeyFromPublicKey, resolveDidKey } from '../../src/did/did-key.js';
import { buildDidWebDocument, didWebFromOrigin, didWebToUrl } from '../../src/did/did-web.js';
import { createDidResolver } from '../../src/did/resolver.js';
import { base58btcDecode, base58btcEncode } from '../../src/did/multibase.js';
import { createDocumentLoader, loadBundledContexts } from '../../src/vc/document-loader.js';

describe('did:key', () => {
  it('derives and resolves an Ed25519 did:key (the spec example seed 0)', async () => {
    const pair = ed25519FromSeed(new Uint8Array(32));
    const did = didKeyFromPublicKey(pair.publicKey);
    expect(did).toBe('did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp');
    const doc = resolveDidKey(did);
    expect(doc.verificationMethod?.[0]).toMatchObject({ type: 'Multikey', controller: did, publicKeyMultibase: did.slice(8) });
    expect(doc.assertionMethod).toEqual([`${did}#${did.slice(8)}`]);
  });

  it('refuses what is not an Ed25519 did:key', () => {
    expect(() => resolveDidKey('did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme')).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED' }));
    expect(() => resolveDidKey('did:key:abc')).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });

  it('signs and verifies with node:crypto', () => {
    const pair = ed25519FromSeed(new Uint8Array(32).fill(1));
    const data = new TextEncoder().encode('hello');
    const signature = ed25519Signer(pair.secretKey)(data);
    expect(ed25519Verify(pair.publicKey, data, signature)).toBe(true);
    expect(ed25519Verify(pair.publicKey, new TextEncoder().encode('hellO'), signature)).toBe(false);
  });

  it('base58btc round-trips, leading zeros included', () => {
    const bytes = Uint8Array.from([0, 0, 1, 2, 255, 128]);
    expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
    expect(base58btcDecode('0OIl')).toBeUndefined();
  });
});

describe('did:web', () => {
  it('maps DIDs to URLs as the method says', () => {
    expect(didWebToUrl('did:web:example.com')).toBe('https://example.com/.well-known/did.json');
    expect(didWebToUrl('did:web:example.com%3A8443:org:unit')).toBe('https://example.com:8443/org/unit/did.json');
    expect(didWebFromOrigin('http://127.0.0.1:3000')).toBe('did:web:127.0.0.1%3A3000');
    expect(() => didWebToUrl('did:web:')).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
    expect(() => didWebToUrl('did:web:exa mple.com')).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
    expect(() => didWebToUrl('did:web:example.com:%E0%A4%A')).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
    expect(() => didWebToUrl('did:web:example.com:..:admin')).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
    expect(() => didWebToUrl('did:web:example.com:a%2Fb')).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });

  it('resolves through the injected fetch only, and dereferences a key', async () => {
    const did = 'did:web:example.com';
    const doc = buildDidWebDocument(did, [{ fragment: 'k1', publicKeyMultibase: 'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp' }]);
    const asked: string[] = [];
    const resolver = createDidResolver({
      fetch: async (url) => {
        asked.push(url);
        return new Response(JSON.stringify(doc), { status: 200 });
      },
    });
    expect(await resolver.resolve(did)).toEqual(doc);
    expect(asked).toEqual(['https://example.com/.well-known/did.json']);
    expect(await resolver.dereference(`${did}#k1`)).toMatchObject({ id: `${did}#k1`, type: 'Multikey' });
    await expect(resolver.dereference(`${did}#nope`)).rejects.toMatchObject({ code: 'VERIFICATION_METHOD_NOT_FOUND' });
  });

  it('fails resolution with stable codes', async () => {
    const notFound = createDidResolver({ fetch: async () => new Response('', { status: 404 }) });
    await expect(notFound.resolve('did:web:example.com')).rejects.toMatchObject({ code: 'DID_NOT_FOUND' });
    const other = createDidResolver({ fetch: async () => new Response(JSON.stringify({ id: 'did:web:other.example' })) });
    await expect(other.resolve('did:web:example.com')).rejects.toMatchObject({ code: 'DID_RESOLUTION_FAILED' });
    await expect(createDidResolver().resolve('did:web:example.com')).rejects.toMatchObject({ code: 'DID_METHOD_UNSUPPORTED' });
    await expect(createDidResolver().resolve('did:ethr:0x1')).rejects.toMatchObject({ code: 'DID_METHOD_UNSUPPORTED' });
    const veramoView = await createDidResolver().didResolver.resolve('did:ethr:0x1');
    expect(veramoView.didResolutionMetadata.error).toBeDefined();
  });
});

describe('the offline document loader', () => {
  it('serves bundled contexts and refuses every other URL', async () => {
    const loader = createDocumentLoader({ contexts: loadBundledContexts() });
    expect((await loader('https://www.w3.org/ns/credentials/v2')).document).toHaveProperty('@context');
    await expect(loader('https://example.com/context.jsonld')).rejects.toMatchObject({ code: 'CONTEXT_NOT_ALLOWED' });
    await expect(loader('did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp')).rejects.toMatchObject({ code: 'CONTEXT_NOT_ALLOWED' });
  });
});
