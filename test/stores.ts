// Every Store implementation, for the suites that run once per implementation (one contract, every store).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createMemoryStore } from '../src/storage/memory-store.js';
import { openLevelStore } from '../src/storage/level-store.js';
import type { Store } from '../src/storage/store.js';

export interface OpenedStore {
  store: Store;
  /** The same data opened again (LevelDB: closed and reopened from disk). */
  reopen(): Promise<Store>;
}

/** `[name, open]` per implementation; folders made by `open` are removed after each test. Call at module level. */
export function storeImplementations(): [string, () => Promise<OpenedStore>][] {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return [
    [
      'memory',
      async () => {
        const store = createMemoryStore();
        return { store, reopen: async () => store };
      },
    ],
    [
      'level',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dpp-store-'));
        dirs.push(dir);
        const opened: OpenedStore = {
          store: await openLevelStore(dir),
          async reopen() {
            await opened.store.close();
            opened.store = await openLevelStore(dir);
            return opened.store;
          },
        };
        return opened;
      },
    ],
  ];
}
