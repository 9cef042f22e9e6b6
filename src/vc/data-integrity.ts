// Data Integrity proofs: eddsa-rdfc-2022 (what we sign with) and eddsa-jcs-2022 (also accepted when verifying).
// @see https://www.w3.org/TR/vc-di-eddsa/
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as rdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { ed25519Verify } from '../did/ed25519.js';
import { ed25519PublicKeyOf } from '../did/did-document.js';

/**
 * The cryptosuites' own verifiers re-import the public key on every proof; ours verifies through
 * node:crypto with the key object cached. Key types we do not read go to the suite's own verifier.
 */
function withCachedKeyVerifier<T extends { createVerifier: (o: { verificationMethod: JsonObject }) => Promise<unknown> }>(suite: T): T {
  return {
    ...suite,
    async createVerifier({ verificationMethod }: { verificationMethod: JsonObject }) {
      const publicKey = ed25519PublicKeyOf(verificationMethod);
      if (!publicKey) return suite.createVerifier({ verificationMethod });
      return {
        id: verificationMethod.id,
        algorithm: 'Ed25519',
        async verify({ data, signature }: { data: Uint8Array; signature: Uint8Array }) {
          return ed25519Verify(publicKey, data, signature);
        },
      };
    },
  };
}

const rdfc2022Verify = withCachedKeyVerifier(rdfc2022);
const jcs2022Verify = withCachedKeyVerifier(createVerifyCryptosuite());
import jsigs from 'jsonld-signatures';
import { DppError, type ErrorCode } from '../errors.js';
import type { DocumentLoader } from './document-loader.js';
import type { Signer } from './signer.js';
import { isObject, asArray, type JsonObject } from './credential.js';

export const SIGNING_CRYPTOSUITE = 'eddsa-rdfc-2022';
export const ACCEPTED_CRYPTOSUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const;

const { AssertionProofPurpose, AuthenticationProofPurpose } = jsigs.purposes;

/** Signs a copy of `credential` with an embedded DataIntegrityProof (eddsa-rdfc-2022). */
export async function signDataIntegrity(
  credential: JsonObject,
  options: { signer: Signer; documentLoader: DocumentLoader; created: Date },
): Promise<JsonObject> {
  const suite = new DataIntegrityProof({ signer: options.signer, cryptosuite: rdfc2022, date: options.created });
  // vc.issue mutates its argument: hand it a copy.
  const signed = await vc.issue({ credential: structuredClone(credential), suite, documentLoader: options.documentLoader, now: options.created });
  // With an existing proof the result is a proof set: ours is the last one.
  const proof = Array.isArray(signed.proof) ? [...signed.proof.slice(0, -1), inSpecOrder(signed.proof.at(-1))] : inSpecOrder(signed.proof);
  return { ...signed, proof };
}

/** Proof members in the order the spec's examples use, so our output matches the W3C vectors byte for byte. */
function inSpecOrder(proof: JsonObject): JsonObject {
  const { type, cryptosuite, created, verificationMethod, proofPurpose, proofValue, ...rest } = proof;
  return { type, cryptosuite, created, verificationMethod, proofPurpose, ...rest, proofValue };
}

/** Signs a copy of `presentation` for authentication, bound to `challenge` and `domain`. */
export async function signPresentationDataIntegrity(
  presentation: JsonObject,
  options: { signer: Signer; documentLoader: DocumentLoader; created: Date; challenge: string; domain?: string },
): Promise<JsonObject> {
  const suite = new DataIntegrityProof({ signer: options.signer, cryptosuite: rdfc2022, date: options.created });
  return vc.signPresentation({
    presentation: structuredClone(presentation),
    suite,
    documentLoader: options.documentLoader,
    challenge: options.challenge,
    domain: options.domain,
  });
}

export interface ProofResult {
  ok: boolean;
  code?: ErrorCode;
  message: string;
  /** The verification method that verified the proof (absent when it failed). */
  verificationMethod?: { id: string; controller: string };
  cryptosuite?: string;
}

/**
 * Verifies the embedded proofs of a document at the proof layer: signature, and that the key is
 * listed by its controller for `proofPurpose`. Who the issuer is, is the caller's check.
 */
export async function verifyDataIntegrityProof(
  document: JsonObject,
  options: { documentLoader: DocumentLoader; purpose?: 'assertionMethod' | 'authentication'; challenge?: string; domain?: string },
): Promise<ProofResult> {
  const proofs = asArray(document.proof as unknown);
  if (proofs.length === 0) return { ok: false, code: 'PROOF_MISSING', message: 'The document has no proof' };
  // Proofs of other types may sit in a proof set; at least one must be ours, and every one of ours must verify.
  const supported = proofs.filter((p) => isObject(p) && p.type === 'DataIntegrityProof' && ACCEPTED_CRYPTOSUITES.includes(p.cryptosuite as never));
  if (supported.length === 0) {
    const first = proofs[0];
    const what = isObject(first) ? (first.type === 'DataIntegrityProof' ? `cryptosuite ${JSON.stringify(first.cryptosuite)}` : `proof type ${JSON.stringify(first.type)}`) : 'proof';
    return { ok: false, code: 'CRYPTOSUITE_UNSUPPORTED', message: `Unsupported ${what}; accepted: DataIntegrityProof with ${ACCEPTED_CRYPTOSUITES.join(', ')}` };
  }
  // Authentication without a challenge would let any old presentation be replayed.
  if (options.purpose === 'authentication' && typeof options.challenge !== 'string') {
    return { ok: false, code: 'CHALLENGE_MISMATCH', message: 'A presentation is verified against a challenge, and none was given' };
  }
  const purpose =
    options.purpose === 'authentication'
      ? new AuthenticationProofPurpose({ challenge: options.challenge, domain: options.domain })
      : new AssertionProofPurpose();
  const suite = [new DataIntegrityProof({ cryptosuite: rdfc2022Verify }), new DataIntegrityProof({ cryptosuite: jcs2022Verify })];
  let result: { verified: boolean; error?: unknown; results?: { verified: boolean; error?: unknown; verificationMethod?: JsonObject; proof?: JsonObject }[] };
  try {
    result = await jsigs.verify(document, { suite, purpose, documentLoader: options.documentLoader });
  } catch (err) {
    return failure(err);
  }
  // jsonld-signatures calls a proof set verified when any one proof verifies; we require every one of ours.
  const failed = result.results?.find((r) => !r.verified);
  if (!result.verified || failed || !result.results?.length) return failure(failed?.error ?? result.error);
  const first = result.results?.[0];
  const vm = first?.verificationMethod;
  return {
    ok: true,
    message: 'Data Integrity proof verified',
    cryptosuite: String(first?.proof?.cryptosuite ?? ''),
    ...(vm && typeof vm.id === 'string' ? { verificationMethod: { id: vm.id, controller: String(vm.controller ?? '') } } : {}),
  };
}

/** Maps an error from jsonld / jsonld-signatures onto our codes, looking through wrapped causes. */
export function classifyProofError(err: unknown): { code: ErrorCode; message: string } {
  const dpp = findDppError(err);
  if (dpp) return { code: dpp.code, message: dpp.message };
  const message = messageOf(err);
  if (/safe mode|relative .*IRI|invalid .*IRI|protected term|jsonld\.|invalid term definition|Invalid JSON-LD/i.test(message)) {
    return { code: 'JSONLD_INVALID', message };
  }
  if (/challenge/i.test(message)) return { code: 'CHALLENGE_MISMATCH', message };
  if (/domain/i.test(message)) return { code: 'DOMAIN_MISMATCH', message };
  if (/not authorized by controller|proof purpose|proofPurpose/i.test(message)) return { code: 'PROOF_PURPOSE_INVALID', message };
  if (/verification method|Unable to load/i.test(message)) return { code: 'VERIFICATION_METHOD_NOT_FOUND', message };
  return { code: 'PROOF_INVALID', message: message || 'Invalid signature' };
}

function failure(err: unknown): ProofResult {
  return { ok: false, ...classifyProofError(err) };
}

function findDppError(err: unknown, depth = 0): DppError | undefined {
  if (!err || depth > 8) return undefined;
  if (err instanceof DppError) return err;
  const e = err as { cause?: unknown; details?: { cause?: unknown }; errors?: unknown[] };
  return (
    findDppError(e.cause, depth + 1) ??
    findDppError(e.details?.cause, depth + 1) ??
    (Array.isArray(e.errors) ? e.errors.map((x) => findDppError(x, depth + 1)).find(Boolean) : undefined)
  );
}

function messageOf(err: unknown): string {
  if (!err) return '';
  const e = err as { message?: string; errors?: unknown[] };
  if (Array.isArray(e.errors) && e.errors.length) return e.errors.map(messageOf).join('; ');
  return String(e.message ?? err);
}

