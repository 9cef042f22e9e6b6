// Issued credentials by id, in both securing forms, on our Store.
import { getJson, type Store } from './store.js';

export interface StoredCredential {
  id: string;
  dataIntegrity: Record<string, unknown>;
  jwt?: string;
}

export interface CredentialRepository {
  get(id: string): Promise<StoredCredential | undefined>;
  put(credential: StoredCredential): Promise<void>;
}

const PREFIX = 'credential/';

export function createCredentialRepository(store: Store): CredentialRepository {
  return {
    get: (id) => getJson<StoredCredential>(store, PREFIX + id),
    async put(credential) {
      await store.batch([{ type: 'put', key: PREFIX + credential.id, value: JSON.stringify(credential) }]);
    },
  };
}
