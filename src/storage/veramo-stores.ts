// Veramo's key, private-key and identifier stores on our Store; private keys are encrypted at rest.
import { AbstractKeyStore, AbstractPrivateKeyStore, type ImportablePrivateKey, type ManagedPrivateKey } from '@veramo/key-manager';
import { AbstractDIDStore } from '@veramo/did-manager';
import type { AbstractSecretBox } from '@veramo/key-manager';
import type { IIdentifier, IKey, ManagedKeyInfo } from '@veramo/core';
import { getJson, putJson, type Store } from './store.js';

const KEY = 'veramo/key/';
const PRIVATE_KEY = 'veramo/private-key/';
const DID = 'veramo/did/';

async function list<T>(store: Store, prefix: string): Promise<T[]> {
  const out: T[] = [];
  for await (const [, value] of store.entries(prefix)) out.push(JSON.parse(value) as T);
  return out;
}

async function remove(store: Store, key: string): Promise<boolean> {
  if ((await store.get(key)) === undefined) return false;
  await store.batch([{ type: 'del', key }]);
  return true;
}

export class StoreKeyStore extends AbstractKeyStore {
  constructor(private readonly store: Store) {
    super();
  }
  async importKey(args: Partial<IKey>): Promise<boolean> {
    if (!args.kid) throw new TypeError('importKey: kid is required');
    // Public half only: the private half lives in the encrypted private key store.
    const { privateKeyHex: _secret, ...key } = args;
    await putJson(this.store, KEY + args.kid, key);
    return true;
  }
  async getKey({ kid }: { kid: string }): Promise<IKey> {
    const key = await getJson<IKey>(this.store, KEY + kid);
    if (!key) throw new Error(`not_found: key ${kid}`);
    return key;
  }
  async deleteKey({ kid }: { kid: string }): Promise<boolean> {
    return remove(this.store, KEY + kid);
  }
  async listKeys(): Promise<ManagedKeyInfo[]> {
    return list<ManagedKeyInfo>(this.store, KEY);
  }
}

export class EncryptedPrivateKeyStore extends AbstractPrivateKeyStore {
  constructor(
    private readonly store: Store,
    private readonly secretBox: AbstractSecretBox,
  ) {
    super();
  }
  async importKey(args: ImportablePrivateKey): Promise<ManagedPrivateKey> {
    // Never fall back to the key material as the alias: aliases are stored in clear as part of the key name.
    if (!args.alias) throw new TypeError('importKey: alias is required');
    const key: ManagedPrivateKey = { alias: args.alias, type: args.type, privateKeyHex: args.privateKeyHex };
    const sealed = await this.secretBox.encrypt(JSON.stringify(key));
    await this.store.batch([{ type: 'put', key: PRIVATE_KEY + key.alias, value: sealed }]);
    return key;
  }
  async getKey({ alias }: { alias: string }): Promise<ManagedPrivateKey> {
    const sealed = await this.store.get(PRIVATE_KEY + alias);
    if (sealed === undefined) throw new Error(`not_found: private key ${alias}`);
    return JSON.parse(await this.secretBox.decrypt(sealed)) as ManagedPrivateKey;
  }
  async deleteKey({ alias }: { alias: string }): Promise<boolean> {
    return remove(this.store, PRIVATE_KEY + alias);
  }
  async listKeys(): Promise<ManagedPrivateKey[]> {
    const out: ManagedPrivateKey[] = [];
    for await (const [, sealed] of this.store.entries(PRIVATE_KEY)) out.push(JSON.parse(await this.secretBox.decrypt(sealed)));
    return out;
  }
}

export class StoreDidStore extends AbstractDIDStore {
  constructor(private readonly store: Store) {
    super();
  }
  async importDID(args: IIdentifier): Promise<boolean> {
    await putJson(this.store, DID + args.did, args);
    return true;
  }
  async getDID(args: { did: string } | { alias: string }): Promise<IIdentifier> {
    const found =
      'did' in args ? await getJson<IIdentifier>(this.store, DID + args.did) : (await list<IIdentifier>(this.store, DID)).find((i) => i.alias === args.alias);
    if (!found) throw new Error(`not_found: identifier ${JSON.stringify(args)}`);
    return found;
  }
  async deleteDID({ did }: { did: string }): Promise<boolean> {
    return remove(this.store, DID + did);
  }
  async listDIDs(args: { alias?: string; provider?: string } = {}): Promise<IIdentifier[]> {
    return (await list<IIdentifier>(this.store, DID)).filter(
      (i) => (args.alias === undefined || i.alias === args.alias) && (args.provider === undefined || i.provider === args.provider),
    );
  }
}
