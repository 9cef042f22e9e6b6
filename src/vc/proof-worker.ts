// A worker thread that verifies Data Integrity proofs: the bundled contexts, and the DID documents the caller
// resolved for it, are all it reads. Run by src/vc/proof-pool.ts.
import { parentPort } from 'node:worker_threads';
import { dereferenceInDocument, type DidDocument } from '../did/did-document.js';
import { verifyDataIntegrityProof, type ProofResult } from './data-integrity.js';
import { createDocumentLoader, loadBundledContexts } from './document-loader.js';
import type { JsonObject } from './credential.js';

export interface ProofTask {
  id: number;
  document: JsonObject;
  /** DID → its document, for the proofs' verification methods. */
  documents: Record<string, DidDocument>;
}

const contexts = loadBundledContexts();

parentPort?.on('message', (task: ProofTask) => {
  const documentLoader = createDocumentLoader({
    contexts,
    dereferenceDid: async (url) => {
      const document = task.documents[url.split('#')[0]!.split('?')[0]!];
      if (!document) throw new Error(`${url} was not resolved for this proof`);
      return dereferenceInDocument(document, url);
    },
  });
  verifyDataIntegrityProof(task.document, { documentLoader }).then(
    (result: ProofResult) => parentPort!.postMessage({ id: task.id, result }),
    (err: Error) => parentPort!.postMessage({ id: task.id, result: { ok: false, code: 'PROOF_INVALID', message: err.message } satisfies ProofResult }),
  );
});
