// One Store seen through a key prefix: several owners (the node, the demo's parties) share a database
// without seeing each other's keys.
import type { Store } from './store.js';

export function prefixedStore(store: Store, prefix: string): Store {
  return {
    get: (key) => store.get(prefix + key),
    batch: (operations) => store.batch(operations.map((op) => ({ ...op, key: prefix + op.key }))),
    async *entries(p) {
      for await (const [key, value] of store.entries(prefix + p)) yield [key.slice(prefix.length), value];
    },
    // The underlying store belongs to whoever opened it.
    close: async () => {},
  };
}
