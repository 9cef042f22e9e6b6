// Where verifiers keep the checkpoints they saw: a folder of JSON files (`dpp verify`, `~/.dpp/checkpoints/`),
// or the server's store (`POST /passports/verify`).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CheckpointStore, SeenCheckpoint } from '../verify/checkpoints.js';
import { getJson, type Store } from './store.js';

/** One file per log, named by a digest of its origin line, replaced atomically (a crash leaves the old one). */
export function fileCheckpointStore(dir: string): CheckpointStore {
  const file = (origin: string) => join(dir, `${createHash('sha256').update(origin).digest('hex').slice(0, 32)}.json`);
  return {
    async get(origin) {
      let text: string;
      try {
        text = readFileSync(file(origin), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const seen = JSON.parse(text) as SeenCheckpoint;
      return seen.origin === origin ? seen : undefined;
    },
    async put(seen) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const target = file(seen.origin);
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(seen, null, 2) + '\n');
      renameSync(temporary, target);
    },
  };
}

export function storeCheckpointStore(store: Store, prefix = 'verifier/checkpoint/'): CheckpointStore {
  return {
    get: (origin) => getJson<SeenCheckpoint>(store, prefix + encodeURIComponent(origin)),
    put: (seen) => store.batch([{ type: 'put', key: prefix + encodeURIComponent(seen.origin), value: JSON.stringify(seen) }]),
  };
}
