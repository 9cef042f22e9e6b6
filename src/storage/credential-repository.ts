// Issued credentials by id, in both securing forms, on our Store.
import { getJson, type BatchOperation, type Store } from './store.js';

export interface StoredCredential {
  id: string;
  dataIntegrity: Record<string, unknown>;
  jwt?: string;
}

export interface CredentialRepository {
  get(id: string): Promise<StoredCredential | undefined>;
  /** The operation that stores `credential`, for the caller's atomic batch. */
  putOperation(credential: StoredCredential): BatchOperation;
}

const PREFIX = 'credential/';

export function createCredentialRepository(store: Store): CredentialRepository {
  return {
    get: (id) => getJson<StoredCredential>(store, PREFIX + id),
    putOperation: (credential) => ({ type: 'put', key: PREFIX + credential.id, value: JSON.stringify(credential) }),
  };
}
