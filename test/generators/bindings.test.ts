import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameForms, nameProblem } from '../../generators/toolkit/names.js';
import { copyProject, PROJECT, removeProject, run } from './project.js';

let dir: string;

beforeAll(async () => {
  dir = await copyProject();
});

afterAll(async () => {
  await removeProject(dir);
});

/** Every name a file declares at any depth: imports, variables, functions, parameters, classes. */
function declaredNames(source: string): Set<string> {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2023, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName | undefined): void => {
    if (name === undefined) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) bind(node.name);
    if (
      (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) &&
      node.name !== undefined
    ) {
      names.add(node.name.text);
    }
    if (ts.isImportSpecifier(node) || ts.isNamespaceImport(node) || ts.isImportClause(node)) {
      if (node.name !== undefined) names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

// One run of every template variant; the names given are excluded from what must be reserved.
const RUNS: readonly (readonly string[])[] = [
  ['endpoint', 'createOrder', '--method', 'POST', '--path', '/orders', '--permission', 'orders:write', '--service', 'orders'],
  ['endpoint', 'getOrder', '--method', 'GET', '--path', '/orders/:orderId', '--permission', 'orders:read', '--service', 'orders'],
  ['endpoint', 'status', '--method', 'GET', '--path', '/status', '--public', 'Probes poll it.'],
  ['endpoint', 'archiveOrder', '--method', 'DELETE', '--path', '/orders/:orderId', '--permission', 'orders:write'],
  ['resource', 'gadget', '--fields', 'title:string, notes:text?, startsAt:datetime, status:enum(open|closed)'],
  ['service', 'invoices', '--fields', 'total:number'],
  ['client', 'payments', '--base-url', 'https://api.payments.example/v1'],
];
// `ordersService` is the --service binding; --service refuses a name that would equal it.
const GIVEN = ['createOrder', 'getOrder', 'status', 'archiveOrder', 'orders', 'order', 'orderId', 'ordersService'];
// What a resource or service name becomes: `<plural>Service`, `<plural>Table`, `list<Plural>`, `<Singular>Response` ...
const CLIENT = [
  'PaymentsHost',
  'PaymentsClientEnv',
  'PaymentsClientConfig',
  'loadPaymentsClientConfig',
  'PaymentsStatus',
  'PaymentsTransport',
  'createPaymentsClient',
];
const DERIVED = ['gadget', 'gadgets', 'invoice', 'invoices'].flatMap((name) => {
  const { camel, pascal } = nameForms(name);
  return [
    camel,
    pascal,
    `${camel}Service`,
    `${camel}Table`,
    `list${pascal}`,
    `get${pascal}`,
    `create${pascal}`,
    `update${pascal}`,
    `delete${pascal}`,
    `${pascal}Response`,
    `Create${pascal}Body`,
    `Update${pascal}Body`,
    `to${pascal}Response`,
    `toNew${pascal}`,
    `to${pascal}Patch`,
    `New${pascal}`,
    `${pascal}Patch`,
    `List${pascal}Query`,
  ];
});

// Every TypeScript file the runs below wrote, for the formatting check after them.
const written: string[] = [];

describe('names the generated code declares', () => {
  // Seven generator runs in a row, each rendering openapi.json in a child process.
  it('are all refused as generator names, so no answer can collide with one', { timeout: 120_000 }, async () => {
    const declared = new Set<string>();
    for (const argv of RUNS) {
      const result = await run(dir, [...argv, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const { created } = JSON.parse(result.stdout) as { created: string[] };
      written.push(...created.filter((f) => f.endsWith('.ts')));
      for (const file of created.filter((f) => f.endsWith('.ts'))) {
        for (const name of declaredNames(await readFile(join(dir, file), 'utf8'))) declared.add(name);
      }
    }
    const own = new Set([...GIVEN.flatMap((name) => Object.values(nameForms(name))), ...DERIVED, ...CLIENT, 'payments']);
    const accepted = [...declared].filter((name) => !own.has(name) && nameProblem(name) === undefined).sort();
    expect(accepted).toEqual([]);
  });

  it('refuses an endpoint named after a binding its test declares', async () => {
    const result = await run(dir, ['endpoint', 'call', '--method', 'GET', '--path', '/calls', '--permission', 'calls:read']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --name must not equal a name the generated code already uses/);
  });
});

describe('every template variant, as written', () => {
  it("passes the project's formatter check (Biome), registry included", async () => {
    expect(written.length).toBeGreaterThan(20);
    const biome = join(PROJECT, 'node_modules/@biomejs/biome/bin/biome');
    const result = spawnSync(process.execPath, [biome, 'format', '--vcs-enabled=false', 'src/routes.ts', ...written], { cwd: dir, encoding: 'utf8' });
    expect(result.stderr.split('\n').filter((line) => line.includes('format ━'))).toEqual([]);
    expect(result.status).toBe(0);
  });
});
