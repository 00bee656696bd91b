import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractBlessedApi } from '../../generators/ai/extract.js';
import { BLESSED_API } from '../../generators/ai/guidance.js';
import { PROJECT } from '../support/project-copy.js';

// The prompts and rule files quote generators/ai/blessed-api.json; these tests fail when a blessed
// module's exports change without `npm run blessed-api` refreshing it.
describe('the blessed API list', () => {
  it('names exactly the run-time exports of every blessed module', async () => {
    for (const module of BLESSED_API) {
      const runtime = Object.keys((await import(/* @vite-ignore */ pathToFileURL(join(PROJECT, module.module.replace(/\.js$/, '.ts'))).href)) as object).sort();
      const listed = module.exports
        .filter((e) => e.kind === 'value')
        .map((e) => e.name)
        .sort();
      expect(listed, module.module).toEqual(runtime);
    }
  });

  it('equals what the compiler reads from the blessed modules, types and signatures included', { timeout: 180_000 }, async () => {
    const committed = JSON.parse(await readFile(new URL('../../generators/ai/blessed-api.json', import.meta.url), 'utf8')) as unknown;
    expect(await extractBlessedApi(PROJECT)).toEqual(committed);
  });
});
