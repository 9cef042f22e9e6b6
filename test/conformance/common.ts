// Shared pieces of the conformance run: the result shape every family returns, a recorder, and file access.
//
// The vectors live in `../shared/conformance/` beside the checkout. They are read in place and never
// copied into this repository (see shared/conformance/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  /** Why each skipped case was skipped (`case: reason`). Not required by the runner's contract; printed for the record. */
  skips?: string[];
  /** Each passed case, with how it passed where that says something (printed with DPP_CONFORMANCE_VERBOSE=1). */
  passes?: string[];
  /** Cases where we knowingly differ from the vector's expectation, each with its reason; not failures. */
  disagreements?: string[];
}

export type Suite = (conformanceDir: string) => Promise<SuiteResult>;

/** Collects the outcome of each case of one family. */
export class Recorder {
  readonly result: SuiteResult;

  constructor(name: string) {
    this.result = { name, passed: 0, failed: 0, skipped: 0, failures: [], skips: [], passes: [] };
  }

  pass(what: string, how?: string): void {
    this.result.passed++;
    this.result.passes!.push(how ? `${what}: ${how}` : what);
  }

  fail(what: string, why: string): void {
    this.result.failed++;
    this.result.failures.push(`${what}: ${why}`);
  }

  /** A listed, explained difference from the vector's expectation: printed, not counted as a failure. */
  disagree(what: string, why: string): void {
    (this.result.disagreements ??= []).push(`${what}: ${why}`);
  }

  skip(what: string, why: string): void {
    this.result.skipped++;
    this.result.skips!.push(`${what}: ${why}`);
  }

  /** Passes when `ok`, fails with `why` otherwise. */
  check(what: string, ok: boolean, why: string | (() => string)): boolean {
    if (ok) this.pass(what);
    else this.fail(what, typeof why === 'function' ? why() : why);
    return ok;
  }

  /** Runs one case; an exception it throws is that case's failure, never the family's end. */
  async run(what: string, body: () => Promise<void> | void): Promise<void> {
    try {
      await body();
    } catch (err) {
      this.fail(what, `threw ${describeError(err)}`);
    }
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${err.message}`;
  }
  return String(err);
}

export function readText(...path: string[]): string {
  return readFileSync(join(...path), 'utf8');
}

export function readJson<T = Record<string, unknown>>(...path: string[]): T {
  return JSON.parse(readText(...path)) as T;
}

/** The project root: the nearest folder above `from` that holds `contexts/manifest.json`. */
export function findProjectRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'contexts', 'manifest.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`conformance: no folder with contexts/manifest.json above ${from}`);
    dir = parent;
  }
}

/** A family whose folder is missing is skipped as a whole, saying so. */
export function missingFolder(name: string, folder: string): SuiteResult | undefined {
  if (existsSync(folder)) return undefined;
  return { name, passed: 0, failed: 0, skipped: 1, failures: [], skips: [`${folder}: absent — family SKIPPED`] };
}

/** Trailing whitespace removed from every line and from the end. */
export function trimTrailing(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd();
}

/** The first line on which two texts differ, for a readable failure. */
export function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) return `line ${i + 1}: got ${JSON.stringify(a[i] ?? '<end>')}, expected ${JSON.stringify(e[i] ?? '<end>')}`;
  }
  return 'identical';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
}

export function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '<none>';
}
