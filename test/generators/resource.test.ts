import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject, run, snapshotTree } from './project.js';

const ALL_TYPES =
  'title:string, notes:text?, count:int, price:number?, done:boolean, due:date?, startsAt:datetime, ownerId:uuid?, email:email, site:url?, status:enum(open|closed)';

let dir: string;
let pristine: Map<string, string>;

beforeAll(async () => {
  dir = await copyProject();
  pristine = await snapshotTree(dir);
});

afterAll(async () => {
  await removeProject(dir);
});

function added(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((file) => !before.has(file)).sort();
}

const RESOURCE_FILES = [
  '.golden-path/manifest.json',
  'src/endpoints/_gadgets.ts',
  'src/endpoints/create-gadget.ts',
  'src/endpoints/delete-gadget.ts',
  'src/endpoints/get-gadget.ts',
  'src/endpoints/list-gadgets.ts',
  'src/endpoints/update-gadget.ts',
  'src/migrations/0003_create_gadgets.sql',
  'src/services/gadgets.ts',
  'test/endpoints/create-gadget.security.test.ts',
  'test/endpoints/delete-gadget.security.test.ts',
  'test/endpoints/gadgets.test.ts',
  'test/endpoints/get-gadget.security.test.ts',
  'test/endpoints/list-gadgets.security.test.ts',
  'test/endpoints/update-gadget.security.test.ts',
  'test/services/gadgets.test.ts',
];

const read = (file: string) => readFile(join(dir, file), 'utf8');

describe('generate resource', () => {
  it('refuses bad input naming the flag, with the tree byte-identical', async () => {
    const cases: [string[], RegExp][] = [
      [['resource', 'gadget'], /^error: --fields is required\n$/],
      [['resource', 'gadget', '--fields', 'title:strin'], /^error: --fields field "title" has an unknown type/],
      [['resource', 'gadget', '--fields', 'id:uuid'], /^error: --fields field "id" is reserved/],
      [['resource', 'gadget', '--fields', 'tenantId:string'], /^error: --fields field "tenantId" is reserved/],
      [['resource', 'gadget', '--fields', '__proto__:string'], /^error: --fields field 1 name must be camelCase/],
      [['resource', 'gadget', '--fields', 'a:int,a:int'], /^error: --fields field "a" is given twice/],
      [['resource', 'gadget', '--fields', 's:enum()'], /^error: --fields field "s" enum needs at least one value/],
      [['resource', 'gadget', '--fields', 's:enum(Open|x-y)'], /^error: --fields field "s" enum values must be lowercase identifiers/],
      [['resource', 'delete', '--fields', 'a:int'], /^error: --name must not be a JavaScript or TypeScript reserved word/],
      [['resource', 'notes', '--fields', 'a:int'], /^error: src\/migrations\/0001_create_notes\.sql already exists with other content/],
      [['resource', 'note', '--fields', 'a:int', '--json'], /^error: src\/migrations\/0001_create_notes\.sql already exists/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(dir, argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await snapshotTree(dir)).toEqual(pristine);
    }
  });

  it('writes the service, migration, five endpoints, their tests and five registry entries', async () => {
    const result = await run(dir, ['resource', 'gadget', '--fields', ALL_TYPES]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const after = await snapshotTree(dir);
    expect(added(pristine, after)).toEqual(RESOURCE_FILES);
    const routes = await read('src/routes.ts');
    for (const binding of ['listGadgets', 'getGadget', 'createGadget', 'updateGadget', 'deleteGadget']) {
      expect(routes.match(new RegExp(`^ {2}${binding},$`, 'gm'))).toHaveLength(1);
    }
    for (const file of [
      'src/endpoints/_gadgets.ts',
      'src/services/gadgets.ts',
      'src/migrations/0003_create_gadgets.sql',
      'test/endpoints/gadgets.test.ts',
      'test/endpoints/update-gadget.security.test.ts',
    ]) {
      await expect(await read(file)).toMatchFileSnapshot(`__snapshots__/resource/${file.replace(/\//g, '__')}.snap`);
    }
    const create = await read('src/endpoints/create-gadget.ts');
    expect(create).toContain("permission: 'gadgets:write',");
    expect(await read('src/endpoints/list-gadgets.ts')).toContain("permission: 'gadgets:read',");
  });

  it('changes nothing on a second run, whether the name is given singular or plural', async () => {
    const before = await snapshotTree(dir);
    for (const name of ['gadget', 'gadgets']) {
      const again = await run(dir, ['resource', name, '--fields', ALL_TYPES]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('nothing to do');
      expect(await snapshotTree(dir)).toEqual(before);
    }
  });

  it('needs --force to change generated files, and then keeps the migration number', async () => {
    const before = await snapshotTree(dir);
    const refused = await run(dir, ['resource', 'gadgets', '--fields', 'title:string']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists with other content; pass --force/);
    expect(await snapshotTree(dir)).toEqual(before);
    const dry = await run(dir, ['resource', 'gadgets', '--fields', 'title:string', '--force', '--dry-run']);
    expect(dry.stdout).toContain('would modify src/migrations/0003_create_gadgets.sql');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});
