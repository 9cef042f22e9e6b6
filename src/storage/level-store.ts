// The embedded default Store: LevelDB in one directory, batches written with sync for durability.
import { Level } from 'level';
import type { BatchOperation, Store } from './store.js';

export async function openLevelStore(directory: string): Promise<Store> {
  const db = new Level<string, string>(directory, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  return {
    async get(key) {
      return (await db.get(key)) ?? undefined;
    },
    async batch(operations: readonly BatchOperation[]) {
      for (const op of operations) {
        if (op.type === 'put' && typeof op.value !== 'string') throw new TypeError('Store values must be strings');
      }
      await db.batch(operations as BatchOperation[], { sync: true });
    },
    async *entries(prefix: string) {
      // '\uffff' sorts after every character a key of ours can contain.
      for await (const entry of db.iterator({ gte: prefix, lt: prefix + '\uffff' })) yield entry;
    },
    async close() {
      await db.close();
    },
  };
}
