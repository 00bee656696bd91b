import type { ProjectRule } from '../types.js';

/** The committed openapi.json is exactly what the registry produces: no shadow, no stale API. */
export const openapiDrift: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'openapi-drift',
  doc: 'The committed openapi.json differs from what the registry in src/routes.ts produces',
  fix: 'Run `npx golden-path openapi` and commit openapi.json with the change (the generators do this for you).',
  async check(context) {
    if (context.renderInventory === undefined || (await context.read('src/routes.ts')) === null) return [];
    const [committed, expected] = await Promise.all([context.read('openapi.json'), context.renderInventory()]);
    if (committed === expected) return [];
    if (committed === null) return [{ ruleId: 'openapi-drift', file: 'openapi.json', line: 1, column: 1, message: 'openapi.json is missing' }];
    const have = committed.split('\n');
    const want = expected.split('\n');
    const index = have.findIndex((line, i) => line !== want[i]);
    const line = index === -1 ? have.length : index + 1;
    return [{ ruleId: 'openapi-drift', file: 'openapi.json', line, column: 1, message: `differs from what the registry produces from line ${line} on` }];
  },
};
