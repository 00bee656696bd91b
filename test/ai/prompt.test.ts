import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_CONTEXT_SCOPES, renderAiContext } from '../../generators/ai/context.js';
import { RULE_METAS } from '../../generators/check/rules/index.js';
import { BLESSED_API, VERIFY_COMMAND } from '../../generators/ai/guidance.js';
import { copyProject, CREATE_ORDER, removeProject, run } from '../generators/project.js';

let dir: string;
// Values that must never reach a prompt: one in the environment, one in a .env file.
const ENV_SENTINEL = 'env-sentinel-8f3a1c0d9e7b6a5f4e3d2c1b';
const DOTENV_SENTINEL = 'dotenv-sentinel-0a9b8c7d6e5f4a3b2c1d';

beforeAll(async () => {
  dir = await copyProject('gp-prompt-');
  expect((await run(dir, CREATE_ORDER)).code).toBe(0);
  expect((await run(dir, ['resource', 'gadget', '--fields', 'title:string'])).code).toBe(0);
  expect((await run(dir, ['client', 'payments', '--base-url', 'https://api.payments.example/v1'])).code).toBe(0);
  await writeFile(join(dir, '.env'), `AUTH_JWT_SECRET=${DOTENV_SENTINEL}\n`);
}, 120_000);

afterAll(async () => {
  await removeProject(dir);
});

describe('generate prompt', () => {
  it('names the endpoint file, its marked zone, its permission, its security test and the verify command', async () => {
    const { code, stdout, stderr } = await run(dir, ['prompt', 'endpoint', 'createOrder']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const source = (await readFile(join(dir, 'src/endpoints/create-order.ts'), 'utf8')).split('\n');
    const start = source.findIndex((line) => line.includes('// ---- Business logic')) + 1;
    const end = source.findIndex((line) => line.includes('// ---- End of business logic.')) + 1;
    expect(start).toBeGreaterThan(0);
    expect(stdout).toContain(`\`src/endpoints/create-order.ts\`, lines ${start}–${end}`);
    expect(stdout).toMatch(/## Permission\n`orders:write`/);
    expect(stdout).toContain('- `test/endpoints/create-order.security.test.ts`');
    expect(stdout).toContain(`Run \`${VERIFY_COMMAND}\``);
  });

  it('lists every check rule from the registry and every blessed value export', async () => {
    const { stdout } = await run(dir, ['prompt', 'endpoint', 'createOrder']);
    for (const rule of RULE_METAS) expect(stdout).toContain(`- \`${rule.id}\`: do not: `);
    for (const module of BLESSED_API) {
      expect(stdout).toContain(`### ${module.module}`);
      for (const e of module.exports.filter((x) => x.kind === 'value')) expect(stdout).toContain(`- \`${e.name}\`: `);
    }
  });

  it('covers every endpoint a resource generated, with their permissions and tests', async () => {
    const { code, stdout } = await run(dir, ['prompt', 'resource', 'gadget']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/`src\/endpoints\/create-gadget\.ts`, lines \d+–\d+/);
    expect(stdout).toMatch(/`src\/endpoints\/list-gadgets\.ts`, lines \d+–\d+/);
    expect(stdout).toContain('`gadgets:write`');
    expect(stdout).toContain('`gadgets:read`');
    expect(stdout).toMatch(/- `test\/endpoints\/[a-z-]+\.security\.test\.ts`/);
  });

  it('never carries environment values or .env contents', async () => {
    process.env['AUTH_JWT_SECRET'] = ENV_SENTINEL;
    try {
      const { stdout } = await run(dir, ['prompt', 'endpoint', 'createOrder']);
      expect(stdout).not.toContain(ENV_SENTINEL);
      expect(stdout).not.toContain(DOTENV_SENTINEL);
    } finally {
      delete process.env['AUTH_JWT_SECRET'];
    }
  });

  it('includes a clean --context file, and refuses one secretlint flags with exit 2 and one line', async () => {
    await writeFile(join(dir, 'notes.md'), 'Orders over 100 items need a manager approval flag.\n');
    const clean = await run(dir, ['prompt', 'endpoint', 'createOrder', '--context', 'notes.md']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('## Context from the requester\nOrders over 100 items need a manager approval flag.');

    const token = `ghp_${'a1B2c3D4e5F6g7H8i9J0'.repeat(2).slice(0, 36)}`;
    await writeFile(join(dir, 'leaky.md'), `Use this token to test: ${token}\n`);
    const leaky = await run(dir, ['prompt', 'endpoint', 'createOrder', '--context', 'leaky.md']);
    expect(leaky.code).toBe(2);
    expect(leaky.stdout).toBe('');
    expect(leaky.stderr).toMatch(/^error: prompt: --context leaky\.md line 1 looks like a secret \(secretlint [^)]+\)[^\n]*\n$/);
    expect(leaky.stderr).not.toContain(token);
  });

  it('answers bad usage with exit 2 and one line naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['prompt', 'endpoint', 'noSuchThing'], /no endpoint named "noSuchThing" in \.golden-path\/manifest\.json.*known: createOrder/],
      [['prompt', 'endpoint', '../../etc/passwd'], /the name must be letters, digits and dashes/],
      [['prompt', 'widget', 'createOrder'], /the kind must be one of endpoint, service, resource, client/],
      [['prompt', 'endpoint'], /usage: generate prompt/],
      [['prompt', 'endpoint', 'createOrder', '--context', 'missing.md'], /--context missing\.md cannot be read/],
    ];
    for (const [argv, message] of cases) {
      const { code, stdout, stderr } = await run(dir, argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stderr).toMatch(message);
    }
  });
});

describe('the rule files in a generated project', () => {
  it('have applyTo globs that each match real files', async () => {
    const tree = await glob(['src/**', 'test/**'], { cwd: dir });
    const files = renderAiContext();
    for (const scope of AI_CONTEXT_SCOPES) {
      const text = files.get(`.github/instructions/${scope.id}.instructions.md`) ?? '';
      const applyTo = String((parse(/^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '') as Record<string, unknown>)['applyTo']);
      const hits = await glob(applyTo.split(','), { cwd: dir });
      expect(hits.length, `${scope.id}: ${applyTo}`).toBeGreaterThan(0);
      expect(hits.every((hit) => tree.includes(hit))).toBe(true);
    }
  });
});
