// An in-memory Store for tests and throwaway agents.
import type { BatchOperation, Store } from './store.js';

export function createMemoryStore(): Store {
  const data = new Map<string, string>();
  let closed = false;
  const open = () => {
    if (closed) throw new Error('store is closed');
  };
  return {
    async get(key) {
      open();
      return data.get(key);
    },
    async batch(operations: readonly BatchOperation[]) {
      open();
      for (const op of operations) {
        if (op.type === 'put' && typeof op.value !== 'string') throw new TypeError('Store values must be strings');
      }
      for (const op of operations) {
        if (op.type === 'put') data.set(op.key, op.value);
        else data.delete(op.key);
      }
    },
    async *entries(prefix: string) {
      open();
      const keys = [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
      for (const key of keys) {
        const value = data.get(key);
        if (value !== undefined) yield [key, value] as [string, string];
      }
    },
    async close() {
      closed = true;
    },
  };
}
