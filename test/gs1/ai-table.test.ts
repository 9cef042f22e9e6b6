// The committed AI table is exactly what the generator makes of GS1's dictionary, so it cannot drift.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AI_TABLE } from '../../src/gs1/ai-table.js';
import { allAis, lookupAi, PATH_SEQUENCES } from '../../src/gs1/ai.js';
import { dictionaryCommit, paths, renderAiTable } from './generate-ai-table.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { dictionary, readme, output } = paths(root);

describe('the AI table', () => {
  it.skipIf(!existsSync(dictionary))('matches ../shared/conformance/gs1-syntax-dictionary (regenerate with test/gs1/generate-ai-table.ts)', () => {
    const expected = renderAiTable(readFileSync(dictionary, 'utf8'), dictionaryCommit(readFileSync(readme, 'utf8')));
    expect(readFileSync(output, 'utf8')).toBe(expected);
  });

  it('reads every entry: ranges expanded, components parsed', () => {
    expect(AI_TABLE.length).toBeGreaterThan(200);
    expect(allAis()).toContain('3103');
    expect(allAis()).toContain('99');
    expect(lookupAi('3106')).toBeUndefined();
    expect(lookupAi('253')).toMatchObject({ minLength: 13, maxLength: 30, predefinedLength: false, dataAttribute: true });
    expect(lookupAi('8003')!.components.map((c) => [c.type, c.min, c.max, c.optional, c.linters])).toEqual([
      ['N', 1, 1, false, ['zero']], ['N', 13, 13, false, ['csum', 'gcppos1']], ['X', 1, 16, true, []],
    ]);
  });

  it('derives the key-qualifier paths from dlpkey', () => {
    expect(PATH_SEQUENCES).toContain('01 22 10 21');
    expect(PATH_SEQUENCES).toContain('01 235');
    expect(PATH_SEQUENCES).toContain('414 7040');
    expect(PATH_SEQUENCES).not.toContain('01 235 10');
    expect(PATH_SEQUENCES).not.toContain('01 21 10');
  });
});
