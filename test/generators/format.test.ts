import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIError } from '../../generators/cli/errors.js';
import { ChangeSet } from '../../generators/toolkit/change-set.js';
import { projectFormatter } from '../../generators/toolkit/format.js';
import { PROJECT } from '../support/project-copy.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A project folder with the tool's node_modules and, when given, a biome.json of its own. */
async function project(biome?: object | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gp-format-'));
  dirs.push(dir);
  await writeFile(join(dir, 'package.json'), '{ "name": "app", "private": true }\n');
  await symlink(join(PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (biome !== undefined) await writeFile(join(dir, 'biome.json'), typeof biome === 'string' ? biome : JSON.stringify(biome));
  return dir;
}

const RENDERED = "const widget = { id: 'w1', name: 'Widget' }\nexport function find(id: string) { return id === widget.id ? widget : undefined }\n";
const TEAM_STYLE = { formatter: { indentStyle: 'tab', lineWidth: 60 }, javascript: { formatter: { quoteStyle: 'double', semicolons: 'asNeeded' } } };

describe('generated files are formatted with the project formatter', () => {
  it("follows the team's own biome.json (tabs, width 60, double quotes, no semicolons); leaves SQL and Markdown as rendered", async () => {
    const root = await project(TEAM_STYLE);
    const format = await projectFormatter(root);
    expect(format).toBeDefined();
    const out = await format?.(
      new Map([
        ['src/widgets.ts', RENDERED],
        ['src/migrations/0003_widgets.sql', 'create table x ( id int );\n'],
        ['NOTES.md', '#  Notes\n'],
      ]),
    );
    expect(out?.get('src/widgets.ts')).toBe(
      'const widget = { id: "w1", name: "Widget" }\nexport function find(id: string) {\n\treturn id === widget.id ? widget : undefined\n}\n',
    );
    expect([...(out?.keys() ?? [])]).toEqual(['src/widgets.ts']);
  });

  it('the project without biome.json gets no formatter, and files stay as rendered', async () => {
    expect(await projectFormatter(await project())).toBeUndefined();
  });

  it('a biome.json Biome cannot read is a clear error (exit 1), not a half-formatted plan', async () => {
    const format = await projectFormatter(await project('{ "formatter": { "lineWidth": "wide" } }'));
    const failure = await format?.(new Map([['src/widgets.ts', RENDERED]])).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CLIError);
    expect((failure as CLIError).message).toMatch(/^formatting the generated files with the project's Biome \(biome\.json\) failed: .+; nothing was written$/);
    expect((failure as CLIError).exitCode).toBe(1);
  });
});

describe('ChangeSet.finish', () => {
  async function withExisting(text: string): Promise<string> {
    const root = await project(TEAM_STYLE);
    await mkdir(join(root, 'src'));
    await writeFile(join(root, 'src/widgets.ts'), text);
    return root;
  }

  it('a re-run whose rendering formats to the file on disk is unchanged, not a conflict', async () => {
    const root = await project(TEAM_STYLE);
    const format = await projectFormatter(root);
    const first = new ChangeSet(root, { force: false });
    await first.create('src/widgets.ts', RENDERED);
    await first.finish(format);
    const [created] = first.list();
    await mkdir(join(root, 'src'));
    await writeFile(join(root, 'src/widgets.ts'), created?.after ?? '');

    const again = new ChangeSet(root, { force: false });
    await again.create('src/widgets.ts', RENDERED);
    await again.finish(format);
    expect(again.list().map((c) => c.kind)).toEqual(['unchanged']);
  });

  it('other content on disk is refused without --force (ERR_FILE_EXISTS), and planned as a modification with it', async () => {
    const root = await withExisting('export const edited = true\n');
    const format = await projectFormatter(root);
    const plan = new ChangeSet(root, { force: false });
    await plan.create('src/widgets.ts', RENDERED);
    await expect(plan.finish(format)).rejects.toMatchObject({ code: 'ERR_FILE_EXISTS', flag: 'force' });

    const forced = new ChangeSet(root, { force: true });
    await forced.create('src/widgets.ts', RENDERED);
    await forced.finish(format);
    expect(forced.list().map((c) => [c.kind, c.after.includes('"w1"')])).toEqual([['modify', true]]);
    expect(await readFile(join(root, 'src/widgets.ts'), 'utf8')).toBe('export const edited = true\n');
  });
});
