import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject, run, snapshotTree } from './project.js';

let dir: string;
let pristine: Map<string, string>;

beforeAll(async () => {
  dir = await copyProject();
  pristine = await snapshotTree(dir);
});

afterAll(async () => {
  await removeProject(dir);
});

describe('generate service', () => {
  it('refuses bad input naming the flag, with the tree byte-identical', async () => {
    const cases: [string[], RegExp][] = [
      [['service'], /^error: --name is required\n$/],
      [['service', 'class'], /^error: --name must not be a JavaScript or TypeScript reserved word/],
      [['service', 'gadgets', '--fields', 'id:uuid'], /^error: --fields field "id" is reserved/],
      [['service', 'gadgets', '--fields', 'x:float'], /^error: --fields field "x" has an unknown type/],
      [['service', 'gadgets', '--colour', 'red'], /^error: unknown flag --colour/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(dir, argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await snapshotTree(dir)).toEqual(pristine);
    }
  });

  it('writes the service, the next migration with forced row-level security, and its isolation test', async () => {
    const result = await run(dir, ['service', 'invoices', '--fields', 'reference:string, total:number, paidOn:date?', '--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      generator: 'service',
      dryRun: false,
      created: ['src/migrations/0003_create_invoices.sql', 'src/services/invoices.ts', 'test/services/invoices.test.ts', '.golden-path/manifest.json'],
      modified: [],
      // A new source file may change the API, so the inventory is rendered again: the same document.
      unchanged: ['openapi.json'],
    });
    const migration = await readFile(join(dir, 'src/migrations/0003_create_invoices.sql'), 'utf8');
    await expect(migration).toMatchFileSnapshot('__snapshots__/service/0003_create_invoices.sql.snap');
    await expect(await readFile(join(dir, 'src/services/invoices.ts'), 'utf8')).toMatchFileSnapshot('__snapshots__/service/invoices.ts.snap');
    await expect(await readFile(join(dir, 'test/services/invoices.test.ts'), 'utf8')).toMatchFileSnapshot('__snapshots__/service/invoices.test.ts.snap');
    // The row-level security lines are the notes migration's, table name aside.
    const notes = await readFile(join(dir, 'src/migrations/0001_create_notes.sql'), 'utf8');
    const rls = (sql: string, table: string) =>
      sql
        .split('\n')
        .filter((l) => !l.startsWith('--') && /row level security|policy|current_setting/.test(l))
        .map((l) => l.replaceAll(table, 'T'));
    expect(rls(migration, 'invoices')).toEqual(rls(notes, 'notes'));
  });

  it('changes nothing on a second run, singular or plural, and numbers the next table after it', async () => {
    const before = await snapshotTree(dir);
    for (const name of ['invoice', 'invoices']) {
      const again = await run(dir, ['service', name, '--fields', 'reference:string, total:number, paidOn:date?']);
      expect(again.stdout).toContain('nothing to do');
      expect(await snapshotTree(dir)).toEqual(before);
    }
    const next = await run(dir, ['service', 'payments', '--json']);
    expect(JSON.parse(next.stdout).created).toContain('src/migrations/0004_create_payments.sql');
  });
});
