import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AI_CONTEXT_SCOPES, renderAiContext } from '../../generators/ai/context.js';
import { runCheck, type Violation } from '../../generators/check/index.js';
import { aiContextStale } from '../../generators/check/rules/ai-context.js';
import { RULE_METAS } from '../../generators/check/rules/index.js';
import { run } from '../generators/project.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gp-ai-context-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

function frontMatter(text: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (match === null) throw new Error('no front matter');
  return parse(match[1] ?? '') as Record<string, unknown>;
}

const stale = async (root: string): Promise<Violation[]> => [...(await runCheck({ root, rules: [aiContextStale] })).violations];

describe('generate ai-context', () => {
  const files = renderAiContext();

  it('renders AGENTS.md, Copilot instructions and Cursor rules from one source, listing every check rule', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'AGENTS.md',
        '.github/copilot-instructions.md',
        ...AI_CONTEXT_SCOPES.map((s) => `.github/instructions/${s.id}.instructions.md`),
        ...AI_CONTEXT_SCOPES.map((s) => `.cursor/rules/${s.id}.mdc`),
        '.cursor/rules/golden-path.mdc',
      ].sort(),
    );
    for (const rule of RULE_METAS) expect(files.get('AGENTS.md')).toContain(`- \`${rule.id}\`: do not: `);
    expect(files.get('.github/copilot-instructions.md')).toBe(files.get('AGENTS.md'));
  });

  it('writes front matter that a YAML parser reads, with the keys each assistant expects', () => {
    for (const scope of AI_CONTEXT_SCOPES) {
      const copilot = frontMatter(files.get(`.github/instructions/${scope.id}.instructions.md`) ?? '');
      expect(copilot).toEqual({ applyTo: scope.globs.join(',') });
      const cursor = frontMatter(files.get(`.cursor/rules/${scope.id}.mdc`) ?? '');
      expect(cursor).toEqual({ description: expect.any(String), globs: scope.globs.join(','), alwaysApply: false });
    }
    expect(frontMatter(files.get('.cursor/rules/golden-path.mdc') ?? '')).toMatchObject({ alwaysApply: true });
  });

  it('writes the files into a project, and a second run changes nothing', async () => {
    const dir = await project({ 'package.json': '{}\n' });
    const first = await run(dir, ['ai-context']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created      AGENTS.md');
    expect(await readFile(join(dir, '.cursor/rules/endpoints.mdc'), 'utf8')).toBe(files.get('.cursor/rules/endpoints.mdc'));
    const second = await run(dir, ['ai-context']);
    expect(
      second.stdout
        .split('\n')
        .filter(Boolean)
        .every((line) => line.startsWith('unchanged')),
    ).toBe(true);
    expect((await run(dir, ['ai-context', '--force-it'])).code).toBe(2);
  });
});

describe('check: ai-context-stale', () => {
  it('flags a stale copy at its first differing line, and a missing one', async () => {
    const current = Object.fromEntries(renderAiContext());
    const edited = (current['AGENTS.md'] ?? '').replace('`no-console`', '`no-console-ever`');
    const { '.cursor/rules/tests.mdc': _dropped, ...rest } = current;
    const root = await project({ ...rest, 'AGENTS.md': edited });
    const found = await stale(root);
    const line = edited.split('\n').findIndex((l) => l.includes('no-console-ever')) + 1;
    expect(found.map((v) => [v.file, v.line])).toEqual([
      ['.cursor/rules/tests.mdc', 1],
      ['AGENTS.md', line],
    ]);
  });

  it('is clean for fresh copies, and for a project that has none', async () => {
    expect(await stale(await project(Object.fromEntries(renderAiContext())))).toEqual([]);
    expect(await stale(await project({ 'README.md': '# app\n' }))).toEqual([]);
  });
});
