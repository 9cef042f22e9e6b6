// Errors with stable string codes. Messages may change; codes may not. Imports nothing.

/** Every code this project can raise. Closed: adding one means adding it to docs/errors.md too. */
export const ERROR_CODES = [
  // input
  'INVALID_JSON',
  'INVALID_INPUT',
  'BODY_TOO_LARGE',
  'USAGE',
  'NOT_FOUND',
  'INTERNAL',
  'UNAUTHORIZED',
  // GS1 Digital Link
  'DL_INVALID',
  'DL_UNKNOWN_AI',
  'DL_DUPLICATE_AI',
  'DL_INVALID_PATH',
  'DL_QUALIFIER_IN_QUERY',
  'DL_INVALID_VALUE',
  'DL_CHECK_DIGIT',
  'DL_KEY_NOT_PADDED',
  'DL_COMPRESSED_INVALID',
  // JSON-LD and the data model
  'CONTEXT_NOT_ALLOWED',
  'JSONLD_INVALID',
  'DATA_MODEL_INVALID',
  'SCHEMA_UNKNOWN',
  'SCHEMA_INVALID',
  'CLAIMS_INCONSISTENT',
  // DIDs and keys
  'DID_INVALID',
  'DID_METHOD_UNSUPPORTED',
  'DID_NOT_FOUND',
  'DID_RESOLUTION_FAILED',
  'VERIFICATION_METHOD_NOT_FOUND',
  'KEY_NOT_FOUND',
  'KEY_UNSUPPORTED',
  'SECRET_INVALID',
  // proofs
  'PROOF_MISSING',
  'PROOF_INVALID',
  'CRYPTOSUITE_UNSUPPORTED',
  'ALG_UNSUPPORTED',
  'JWT_MALFORMED',
  'MEDIA_TYPE_INVALID',
  'ISSUER_MISMATCH',
  'PROOF_PURPOSE_INVALID',
  'CHALLENGE_MISMATCH',
  'DOMAIN_MISMATCH',
  // event chains and the ledger's write path
  'CHAIN_CONFLICT',
  'CHAIN_HEAD_UNKNOWN',
  'CHAIN_DIGEST_MISMATCH',
  'CREDENTIAL_ID_TAKEN',
  'CREDENTIAL_NOT_VERIFIED',
  // validity and status
  'NOT_YET_VALID',
  'EXPIRED',
  'STATUS_REVOKED',
  'STATUS_SUSPENDED',
  'STATUS_UNAVAILABLE',
  'STATUS_LIST_INVALID',
  'STATUS_MESSAGE',
  // transparency log
  'LOG_INDEX_OUT_OF_RANGE',
  'LOG_TILE_INVALID',
  'LOG_KEY_INVALID',
  'LOG_APPEND_PENDING',
  'LOG_STORE_CORRUPT',
  'CHECKPOINT_INVALID',
  'CHECKPOINT_SIGNATURE_INVALID',
  'LOG_INCONSISTENT',
  'PROOF_VERIFICATION_FAILED',
  // mirrors and witnesses
  'LOG_KEY_CHANGED',
  'CREDENTIAL_UNAVAILABLE',
  'CREDENTIAL_DIGEST_MISMATCH',
  // write API, policy and the product's life
  'REQUEST_SIGNATURE_MISSING',
  'REQUEST_SIGNATURE_INVALID',
  'REQUEST_STALE',
  'REQUEST_REPLAYED',
  'CHALLENGE_INVALID',
  'POLICY_DENIED',
  'NOT_OWNER',
  'GTIN_NOT_LICENSED',
  'UNIT_UNKNOWN',
  'UNIT_ENDED',
  'UNIT_REGISTERED',
  'UNIT_REPORTED_STOLEN',
  'AUTHORISATION_INVALID',
  'STATUS_LIST_CONFLICT',
  'PARTY_TAKEN',
  // the independent verifier (dpp verify): what a passport, or the server that served it, got wrong
  'FETCH_FAILED',
  'UNIT_MISMATCH',
  'CHAIN_GAP',
  'CHAIN_FORK',
  'CHAIN_REORDERED',
  'CHAIN_TRUNCATED',
  'PROOF_REUSED',
  'NOT_IN_LOG',
  'SPLIT_VIEW',
  'STATUS_LIST_STALE',
  'REPAIRER_NOT_ACCREDITED',
  'FRESHNESS_UNCHECKED',
  'PASSPORT_INCOMPLETE',
  'UNTP_INVALID',
  'CHECK_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base class: a stable `code`, the evidence behind it, and the `cause` passed through. */
export class DppError extends Error {
  readonly code: ErrorCode;
  readonly evidence: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { evidence?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.evidence = options.evidence;
  }

  toJSON(): { code: ErrorCode; message: string; evidence?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.evidence ? { evidence: this.evidence } : {}) };
  }
}

/** The caller sent something malformed, oversized or not allowed. */
export class InputError extends DppError {}
/** A GS1 Digital Link URI or element string is malformed; the evidence names the offending part. */
export class DigitalLinkError extends DppError {}
/** A JSON-LD context, term or the VC data model was violated. */
export class DataModelError extends DppError {}
/** A DID or key could not be resolved or used. */
export class DidError extends DppError {}
/** The caller is not authorised. */
export class AuthError extends DppError {}
/** A write would fork or break a unit's event chain; the evidence names the current head. */
export class ChainError extends DppError {}
/** The requested thing does not exist. */
export class NotFoundError extends DppError {}
/** The transparency log: a bad tile or proof request, a checkpoint or note that does not verify, a proof that fails; the evidence carries the roots, sizes and index involved. */
export class LogError extends DppError {}

export function isDppError(value: unknown): value is DppError {
  return value instanceof DppError;
}
