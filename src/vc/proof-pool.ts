// Data Integrity proofs verified on every core: canonicalization is CPU-bound JavaScript, so a passport's twenty
// credentials verify in parallel only on worker threads. The caller resolves the DIDs; workers read nothing else.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DidDocument } from '../did/did-document.js';
import type { ProofResult } from './data-integrity.js';
import type { JsonObject } from './credential.js';
import type { ProofTask } from './proof-worker.js';

export interface ProofPool {
  readonly size: number;
  verify(document: JsonObject, documents: Record<string, DidDocument>): Promise<ProofResult>;
  close(): Promise<void>;
}

const WORKER = fileURLToPath(new URL('./proof-worker.js', import.meta.url));

/** Whether a pool can run here: the compiled worker exists (not when running the TypeScript sources) and there are cores to share. */
function proofPoolAvailable(): boolean {
  return availableParallelism() > 1 && existsSync(WORKER);
}

/** `size` workers (default: one per core); idle workers do not keep the process alive. */
export function createProofPool(size = availableParallelism()): ProofPool {
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER);
    worker.unref();
    return { worker, pending: new Map<number, (result: ProofResult) => void>() };
  });
  let next = 0;
  for (const w of workers) {
    w.worker.on('message', ({ id, result }: { id: number; result: ProofResult }) => {
      w.pending.get(id)?.(result);
      w.pending.delete(id);
    });
    w.worker.on('error', (err) => {
      for (const settle of w.pending.values()) settle({ ok: false, code: 'INTERNAL', message: `The proof worker failed: ${err.message}` });
      w.pending.clear();
    });
  }
  return {
    size,
    verify(document, documents) {
      // The least busy worker; a worker is kept alive (ref) only while it has work.
      const w = workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = next++;
      return new Promise<ProofResult>((resolve) => {
        if (w.pending.size === 0) w.worker.ref();
        w.pending.set(id, (result) => {
          if (w.pending.size <= 1) w.worker.unref();
          resolve(result);
        });
        w.worker.postMessage({ id, document, documents } satisfies ProofTask);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

let shared: ProofPool | undefined;

/** One pool per process, created on first use; undefined where a pool cannot run. */
export function sharedProofPool(): ProofPool | undefined {
  if (!shared && proofPoolAvailable()) shared = createProofPool();
  return shared;
}
