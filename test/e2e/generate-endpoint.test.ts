import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject } from '../generators/project.js';

let dir: string;

function exec(args: readonly string[], timeoutMs = 200_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const generate = (...args: string[]) => exec(['generators/bin/generate.js', 'endpoint', ...args]);
const vitest = (...files: string[]) => exec(['node_modules/vitest/vitest.mjs', 'run', ...files]);

const HOSTILE = "*/ ${process.exit(1)} ` '); // \n evil";
const GENERATED_TESTS = ['create-order', 'get-order', 'status', 'archive-order', 'cancel-order'].map((n) => `test/endpoints/${n}.security.test.ts`);

/** Every place the hostile text's payload shows up in a file: string literals, templates, comments. */
function payloadSites(source: string): string[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2023, true);
  const sites: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) && node.text.includes('process.exit')) sites.push(`string:${node.text}`);
    if ((ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) && node.getText().includes('process.exit')) sites.push('template');
    if (ts.isIdentifier(node) && node.text === 'evil') sites.push('identifier');
    ts.forEachChild(node, visit);
  };
  visit(file);
  const withoutStrings = source.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, '""');
  if (withoutStrings.includes('process.exit')) sites.push('outside a string literal');
  return sites;
}

beforeAll(async () => {
  dir = await copyProject();
});

afterAll(async () => {
  await removeProject(dir);
});

describe('generate endpoint, end to end', () => {
  it('generates endpoints that typecheck, pass their security tests, and fail them once the permission check is gone', { timeout: 240_000 }, async () => {
    const runs = [
      await generate('createOrder', '--method', 'POST', '--path', '/orders', '--permission', 'orders:write', '--summary', 'Create an order'),
      await generate('getOrder', '--method', 'GET', '--path', '/orders/:orderId', '--permission', 'orders:read', '--summary', 'Get an order'),
      await generate('status', '--method', 'GET', '--path', '/status', '--public', 'Uptime monitors poll it without credentials.', '--summary', 'Status'),
      await generate('archiveOrder', '--method', 'PATCH', '--path', '/orders/:orderId/archive', '--permission', 'orders:write', `--summary=${HOSTILE}`),
      await generate('cancelOrder', '--method', 'POST', '--path', '/orders/:orderId/cancel', '--permission', 'orders:write', '--summary', 'Cancel', '--service', 'orders'),
    ];
    for (const run of runs) expect(run, run.output).toMatchObject({ code: 0 });

    const archive = await readFile(join(dir, 'src/endpoints/archive-order.ts'), 'utf8');
    expect(payloadSites(archive)).toEqual([`string:${HOSTILE}`]);

    const typecheck = await exec(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
    expect(typecheck, typecheck.output).toMatchObject({ code: 0 });

    const passing = await vitest(...GENERATED_TESTS);
    expect(passing, passing.output).toMatchObject({ code: 0 });
    expect(passing.output).toMatch(/Test Files\s+5 passed/);

    const endpoint = join(dir, 'src/endpoints/create-order.ts');
    const source = await readFile(endpoint, 'utf8');
    expect(source).toContain("permission: 'orders:write',");
    await writeFile(endpoint, source.replace("permission: 'orders:write',", "public: 'removed',"));
    const failing = await vitest('test/endpoints/create-order.security.test.ts');
    expect(failing.code).not.toBe(0);
    expect(failing.output).toContain('answers 401 problem+json with a Bearer challenge without a token');
    expect(failing.output).toContain('answers 403 without the permission');
    expect(failing.output).toMatch(/Tests\s+\d+ failed/);
  });
});
