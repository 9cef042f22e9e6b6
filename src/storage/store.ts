// The narrow key-value store every layer persists through; its users own this contract.

export type BatchOperation = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** A write prepared for someone else's atomic batch: `commit()` runs once that batch is durable. */
export interface PreparedWrite {
  operations: BatchOperation[];
  commit(): void;
}

/**
 * An ordered string key-value store.
 * - `batch` MUST be atomic (all operations or none) and MUST be durable when it resolves.
 * - `entries` MUST yield keys in ascending code-unit order, only those starting with `prefix`.
 * - Values are opaque strings; callers serialise.
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  batch(operations: readonly BatchOperation[]): Promise<void>;
  entries(prefix: string): AsyncIterable<[key: string, value: string]>;
  close(): Promise<void>;
}

export async function putJson(store: Store, key: string, value: unknown): Promise<void> {
  await store.batch([{ type: 'put', key, value: JSON.stringify(value) }]);
}

export async function getJson<T>(store: Store, key: string): Promise<T | undefined> {
  const raw = await store.get(key);
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}
