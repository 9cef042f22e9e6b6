// The verification report: every check run, each pass, fail or warn with a stable code. Survives JSON.stringify.
import type { ErrorCode } from '../errors.js';

export type CheckStatus = 'pass' | 'fail' | 'warn';

export interface Check {
  /** What was checked: `data-model`, `context`, `proof`, `issuer`, `validity`, `schema`, `status`, … */
  id: string;
  status: CheckStatus;
  message: string;
  /** Present on every fail and warn. */
  code?: ErrorCode;
  /** The credential the check is about. */
  credential?: string;
  evidence?: Record<string, unknown>;
}

export interface VerificationReport {
  verified: boolean;
  checks: Check[];
}

export function pass(id: string, message: string, extra: Partial<Check> = {}): Check {
  return { id, status: 'pass', message, ...extra };
}

export function fail(id: string, code: ErrorCode, message: string, extra: Partial<Check> = {}): Check {
  return { id, status: 'fail', code, message, ...extra };
}

export function warn(id: string, code: ErrorCode, message: string, extra: Partial<Check> = {}): Check {
  return { id, status: 'warn', code, message, ...extra };
}

export function isVerified(checks: readonly Check[]): boolean {
  return checks.length > 0 && checks.every((c) => c.status !== 'fail');
}
