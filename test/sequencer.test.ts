import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT } from './support/project-copy.js';
import { SLOWEST_FIRST } from './support/sequencer.js';

describe('the slowest-first list', () => {
  it('names test files that exist, each once', async () => {
    expect(new Set(SLOWEST_FIRST).size).toBe(SLOWEST_FIRST.length);
    for (const file of SLOWEST_FIRST) {
      expect(file).toMatch(/\.test\.ts$/);
      await expect(access(join(PROJECT, file))).resolves.toBeUndefined();
    }
  });
});
