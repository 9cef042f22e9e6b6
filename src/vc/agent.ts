// The Veramo agent of one party: keys (encrypted at rest in our Store), DIDs, resolution, and our VC 2.0 provider.
import { createAgent, type ICredentialPlugin, type IDIDManager, type IIdentifier, type IKeyManager, type IResolver, type TAgent } from '@veramo/core';
import { KeyManager } from '@veramo/key-manager';
import { KeyManagementSystem, SecretBox } from '@veramo/kms-local';
import { DIDManager } from '@veramo/did-manager';
import { KeyDIDProvider } from '@veramo/did-provider-key';
import { WebDIDProvider } from '@veramo/did-provider-web';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { CredentialPlugin } from '@veramo/credential-w3c';
import type { Resolver } from 'did-resolver';
import { DidError } from '../errors.js';
import type { Store } from '../storage/store.js';
import { EncryptedPrivateKeyStore, StoreDidStore, StoreKeyStore } from '../storage/veramo-stores.js';
import { buildDidWebDocument, type PublishedKey } from '../did/did-web.js';
import type { DidDocument } from '../did/did-document.js';
import { ed25519PublicKeyToMultibase } from '../did/multibase.js';
import type { Issuer } from './issue.js';
import type { Verifier } from './verify.js';
import { DppCredentialProvider, statusPlugin } from './veramo-plugin.js';

export type DppAgent = TAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin>;

export interface AgentOptions {
  store: Store;
  /** 32-byte key (hex) sealing private keys at rest. */
  secretKeyHex: string;
  didResolver: Resolver;
  issuer: Issuer;
  verifier: Verifier;
}

export function createDppAgent(options: AgentOptions): DppAgent {
  const { store, secretKeyHex, didResolver, issuer, verifier } = options;
  if (!/^[0-9a-f]{64}$/i.test(secretKeyHex ?? '')) throw new DidError('SECRET_INVALID', 'The key-store secret must be 32 bytes of hex');
  const keyStore = new StoreKeyStore(store);
  return createAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin>({
    plugins: [
      new KeyManager({ store: keyStore, kms: { local: new KeyManagementSystem(new EncryptedPrivateKeyStore(store, new SecretBox(secretKeyHex))) } }),
      new DIDManager({
        store: new StoreDidStore(store),
        defaultProvider: 'did:key',
        providers: {
          'did:key': new KeyDIDProvider({ defaultKms: 'local' }),
          'did:web': new WebDIDProvider({ defaultKms: 'local' }),
        },
      }),
      new DIDResolverPlugin({ resolver: didResolver }),
      new CredentialPlugin([new DppCredentialProvider({ issuer, verifier })]),
      statusPlugin(verifier),
    ],
  });
}

/** Creates `did:web:<host>` with a fresh Ed25519 key, or returns it when it exists. */
export async function ensureDidWeb(agent: DppAgent, did: string): Promise<IIdentifier> {
  try {
    return await agent.didManagerGet({ did });
  } catch {
    return agent.didManagerCreate({ provider: 'did:web', alias: did.slice('did:web:'.length), options: { keyType: 'Ed25519' } });
  }
}

/**
 * Rotates the signing key of `did`: a new Ed25519 key signs from now on; the old ones are marked
 * retired and stay in the DID document so what they signed keeps verifying.
 */
export async function rotateKey(agent: DppAgent, store: Store, did: string): Promise<IIdentifier> {
  const before = await agent.didManagerGet({ did });
  const fresh = await agent.keyManagerCreate({ kms: 'local', type: 'Ed25519' });
  await agent.didManagerAddKey({ did, key: fresh });
  const after = await agent.didManagerGet({ did });
  const retiredKids = new Set(before.keys.map((k) => k.kid));
  const keys = after.keys.map((k) => (retiredKids.has(k.kid) ? { ...k, meta: { ...k.meta, retired: true } } : k));
  const keyStore = new StoreKeyStore(store);
  for (const key of keys) if (retiredKids.has(key.kid)) await keyStore.importKey(key);
  await new StoreDidStore(store).importDID({ ...after, keys });
  return agent.didManagerGet({ did });
}

/** The did.json an organisation's identifier publishes: every key it has had, retired ones included. */
export function didDocumentOf(identifier: IIdentifier): DidDocument {
  const keys: PublishedKey[] = identifier.keys
    .filter((k) => k.type === 'Ed25519')
    .map((k) => {
      const publicKeyMultibase = ed25519PublicKeyToMultibase(Buffer.from(k.publicKeyHex, 'hex'));
      return { fragment: publicKeyMultibase, publicKeyMultibase };
    });
  return buildDidWebDocument(identifier.did, keys);
}
