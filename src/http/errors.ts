// HTTP status decided in one table, and the one error middleware: stable codes in, JSON errors out.
import type { ErrorRequestHandler } from 'express';
import { isDppError, type ErrorCode } from '../errors.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_JSON: 400,
  INVALID_INPUT: 400,
  USAGE: 400,
  BODY_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  INTERNAL: 500,
  LOG_STORE_CORRUPT: 500,
  DL_INVALID: 400,
  DL_UNKNOWN_AI: 400,
  DL_DUPLICATE_AI: 400,
  DL_INVALID_PATH: 400,
  DL_QUALIFIER_IN_QUERY: 400,
  DL_INVALID_VALUE: 400,
  DL_CHECK_DIGIT: 400,
  DL_KEY_NOT_PADDED: 400,
  DL_COMPRESSED_INVALID: 400,
  CHAIN_CONFLICT: 409,
  CHAIN_HEAD_UNKNOWN: 422,
  CHAIN_DIGEST_MISMATCH: 422,
  CREDENTIAL_ID_TAKEN: 409,
  CREDENTIAL_NOT_VERIFIED: 422,
  CONTEXT_NOT_ALLOWED: 422,
  JSONLD_INVALID: 422,
  DATA_MODEL_INVALID: 422,
  SCHEMA_INVALID: 422,
  SCHEMA_UNKNOWN: 422,
  CLAIMS_INCONSISTENT: 422,
  ISSUER_MISMATCH: 422,
  DID_INVALID: 422,
  DID_METHOD_UNSUPPORTED: 422,
  DID_NOT_FOUND: 422,
  DID_RESOLUTION_FAILED: 422,
  VERIFICATION_METHOD_NOT_FOUND: 422,
  KEY_NOT_FOUND: 422,
  KEY_UNSUPPORTED: 422,
  LOG_INDEX_OUT_OF_RANGE: 400,
  LOG_TILE_INVALID: 400,
  LOG_KEY_INVALID: 400,
  LOG_APPEND_PENDING: 409,
  CHECKPOINT_INVALID: 400,
  CHECKPOINT_SIGNATURE_INVALID: 422,
  LOG_INCONSISTENT: 422,
  PROOF_VERIFICATION_FAILED: 422,
  STATUS_LIST_INVALID: 422,
  REQUEST_SIGNATURE_MISSING: 401,
  REQUEST_SIGNATURE_INVALID: 401,
  REQUEST_STALE: 401,
  REQUEST_REPLAYED: 409,
  CHALLENGE_INVALID: 401,
  POLICY_DENIED: 403,
  NOT_OWNER: 403,
  REPAIRER_NOT_ACCREDITED: 403,
  GTIN_NOT_LICENSED: 403,
  UNIT_UNKNOWN: 404,
  UNIT_ENDED: 409,
  UNIT_REGISTERED: 409,
  UNIT_REPORTED_STOLEN: 409,
  AUTHORISATION_INVALID: 422,
  STATUS_LIST_CONFLICT: 409,
  PARTY_TAKEN: 409,
};

const REASON: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 422: 'Unprocessable Entity', 500: 'Internal Server Error' };

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

export function errorBody(statusCode: number, code: ErrorCode, message: string, evidence?: Record<string, unknown>) {
  return { statusCode, error: REASON[statusCode] ?? 'Error', code, message, ...(evidence ? { evidence } : {}) };
}

/** Maps our errors and body-parser's onto the table; anything else is a bare 500 with nothing internal. */
export function errorHandler(log: (entry: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const parserType = (err as { type?: string }).type;
    if (parserType === 'entity.too.large') return void res.status(413).json(errorBody(413, 'BODY_TOO_LARGE', 'The request body is over the limit'));
    if (parserType === 'entity.parse.failed') return void res.status(400).json(errorBody(400, 'INVALID_JSON', 'The request body is not valid JSON'));
    if (isDppError(err)) {
      const status = statusOf(err.code);
      return void res.status(status).json(errorBody(status, err.code, err.message, err.evidence));
    }
    log({ level: 'error', msg: 'unhandled error', path: req.path, err: String((err as Error)?.stack ?? err) });
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'Internal error' });
  };
}
