// A meta-test: the documented error codes and the code's closed union are the same set.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';
import { statusOf } from '../src/http/errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}|—) \|/gm)].map((m) => [m[1]!, m[2]!]));

it('docs/errors.md lists every code, and only those', () => {
  expect([...documented.keys()].sort()).toEqual([...ERROR_CODES].sort());
});

it('the HTTP status documented is the one served', () => {
  for (const [code, status] of documented) {
    if (status !== '—') expect(statusOf(code as (typeof ERROR_CODES)[number]), code).toBe(Number(status));
  }
});
