import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject, run } from '../generators/project.js';
import { typecheckChanged } from '../support/typecheck.js';

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

// The generator runs in this process (test/generators/cli.test.ts proves the bin); what the
// generated code does is proved by the real compiler and a real vitest run in the copy.
const generate = async (...args: string[]) => {
  const result = await run(dir, ['endpoint', ...args]);
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
};

/** The TypeScript files a run's report says it created or modified. */
const writtenSources = (output: string): string[] => [...output.matchAll(/^(?:created|modified) +(\S+\.ts)$/gm)].map((match) => match[1] ?? '');

interface VitestReport {
  readonly testResults: readonly {
    readonly name: string;
    readonly status: string;
    readonly assertionResults: readonly { readonly title: string; readonly status: string }[];
  }[];
}

/** One vitest run in the copy, read back from its JSON report (one worker: a third less CPU than two). */
async function vitest(...files: string[]): Promise<{ code: number | null; output: string; report: VitestReport }> {
  const reportDir = await mkdtemp(join(tmpdir(), 'golden-path-e2e-report-'));
  try {
    const outputFile = join(reportDir, 'report.json');
    const result = await exec([
      'node_modules/vitest/vitest.mjs',
      'run',
      '--maxWorkers=1',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${outputFile}`,
      ...files,
    ]);
    return { ...result, report: JSON.parse(await readFile(outputFile, 'utf8')) as VitestReport };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

/** The generated code and security tests, the way a project typechecks them: the project's own compiler options. */
function typecheckOptions(): string {
  return JSON.stringify({ extends: './tsconfig.json', include: ['src', 'test/endpoints', 'test/support'] });
}

const HOSTILE = "*/ ${process.exit(1)} ` '); // \n evil";
const GENERATED = ['create-order', 'get-order', 'status', 'archive-order', 'cancel-order'];
const testOf = (name: string) => `test/endpoints/${name}.security.test.ts`;
/** A sixth endpoint shaped like create-order: it loses its permission check, so its tests must fail. */
const STRIPPED = 'create-invoice';

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
      await generate(
        'cancelOrder',
        '--method',
        'POST',
        '--path',
        '/orders/:orderId/cancel',
        '--permission',
        'orders:write',
        '--summary',
        'Cancel',
        '--service',
        'orders',
      ),
      await generate('createInvoice', '--method', 'POST', '--path', '/invoices', '--permission', 'invoices:write', '--summary', 'Create an invoice'),
    ];
    for (const run of runs) expect(run, run.output).toMatchObject({ code: 0 });

    const archive = await readFile(join(dir, 'src/endpoints/archive-order.ts'), 'utf8');
    expect(payloadSites(archive)).toEqual([`string:${HOSTILE}`]);

    // The generated code with the project's compiler options (the whole project is `npm run typecheck`'s
    // job): every file a run wrote and every file importing one. Read now, checked while vitest runs.
    await writeFile(join(dir, 'tsconfig.generated.json'), typecheckOptions());
    const written = [...new Set(runs.flatMap((result) => writtenSources(result.output)))];
    const typecheck = typecheckChanged(dir, 'tsconfig.generated.json', written);
    const checked = typecheck.files.map((file) => file.slice(dir.length + 1));
    for (const name of [...GENERATED, STRIPPED]) expect(checked).toContain(testOf(name));
    expect(checked).toEqual(expect.arrayContaining(['src/routes.ts', 'src/app.ts', 'src/endpoints/archive-order.ts', 'src/services/orders.ts']));

    const endpoint = join(dir, `src/endpoints/${STRIPPED}.ts`);
    const source = await readFile(endpoint, 'utf8');
    expect(source).toContain("permission: 'invoices:write',");
    await writeFile(endpoint, source.replace("permission: 'invoices:write',", "public: 'removed',"));

    // One run for both halves: the five untouched endpoints pass, the stripped one fails.
    const tested = vitest(...GENERATED.map(testOf), testOf(STRIPPED));
    const typeErrors = typecheck.check();
    const { output, report } = await tested;
    expect(typeErrors).toBe('');
    const files = new Map(report.testResults.map((file) => [file.name.slice(dir.length + 1), file]));
    expect([...files.keys()].sort()).toEqual([...GENERATED, STRIPPED].map(testOf).sort());
    for (const name of GENERATED) {
      const file = files.get(testOf(name));
      expect(file?.status, output).toBe('passed');
      expect(file?.assertionResults.length).toBeGreaterThan(0);
      expect(
        file?.assertionResults.every((test) => test.status === 'passed'),
        output,
      ).toBe(true);
    }
    const stripped = files.get(testOf(STRIPPED));
    expect(stripped?.status).toBe('failed');
    const failed = stripped?.assertionResults.filter((test) => test.status === 'failed').map((test) => test.title);
    expect(failed).toContain('answers 401 problem+json with a Bearer challenge without a token');
    expect(failed).toContain('answers 403 without the permission');
  });
});
