import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLIError, EXIT_FAILURE, EXIT_OK } from '../cli/errors.js';
import type { CommandIO } from '../cli/run-main.js';
import { loadRegistry, OPENAPI_FILE, REGISTRY_FILE, renderOpenApi } from '../inventory/load.js';

export const OPENAPI_HELP = `Usage: golden-path openapi [--check] [--stdout]

Writes ${OPENAPI_FILE} (OpenAPI 3.1) from the registry in ${REGISTRY_FILE} and the endpoints' zod schemas.

  --stdout   print the document instead of writing it
  --check    write nothing; exit 1 if ${OPENAPI_FILE} is not up to date
`;

function flags(argv: readonly string[], name: string, options: Record<string, { type: 'boolean'; short?: string }>) {
  try {
    return parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false })
      .values as Record<string, boolean | undefined>;
  } catch (err) {
    throw new CLIError(`${name}: ${(err as Error).message}`);
  }
}

async function registryOrFail<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new CLIError(`${name}: cannot load ${REGISTRY_FILE}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, {
      exitCode: EXIT_FAILURE,
      code: 'ERR_INVENTORY',
    });
  }
}

/** `golden-path openapi`: the API inventory, derived from the registry. */
export async function openapiCommand(io: CommandIO, argv: readonly string[]): Promise<number> {
  const values = flags(argv, 'openapi', { check: { type: 'boolean' }, stdout: { type: 'boolean' } });
  if (values['help'] === true) {
    io.stdout.write(OPENAPI_HELP);
    return EXIT_OK;
  }
  const text = await registryOrFail('openapi', () => renderOpenApi(io.cwd));
  if (values['stdout'] === true) {
    io.stdout.write(text);
    return EXIT_OK;
  }
  const target = join(io.cwd, OPENAPI_FILE);
  const current = await readFile(target, 'utf8').catch(() => null);
  if (values['check'] === true) {
    io.stdout.write(current === text ? `${OPENAPI_FILE} is up to date\n` : `${OPENAPI_FILE} is out of date; run golden-path openapi\n`);
    return current === text ? EXIT_OK : EXIT_FAILURE;
  }
  if (current !== text) await writeFile(target, text);
  io.stdout.write(current === text ? `${OPENAPI_FILE} is up to date\n` : `wrote ${OPENAPI_FILE}\n`);
  return EXIT_OK;
}

export const ROUTES_HELP = `Usage: golden-path routes [--json]

Prints the registry in ${REGISTRY_FILE}: method, path, permission or public reason, summary.
`;

/** `golden-path routes`: the registry as a table. */
export async function routesCommand(io: CommandIO, argv: readonly string[]): Promise<number> {
  const values = flags(argv, 'routes', { json: { type: 'boolean' } });
  if (values['help'] === true) {
    io.stdout.write(ROUTES_HELP);
    return EXIT_OK;
  }
  const endpoints = await registryOrFail('routes', () => loadRegistry(io.cwd));
  const rows = endpoints.map((e) => ({
    method: e.method,
    path: e.path,
    access: e.access.kind === 'permission' ? e.access.permission : `public: ${e.access.reason}`,
    summary: e.summary ?? '',
  }));
  if (values['json'] === true) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  const header = { method: 'METHOD', path: 'PATH', access: 'ACCESS', summary: 'SUMMARY' };
  const all = [header, ...rows];
  const width = (key: 'method' | 'path' | 'access') => Math.max(...all.map((r) => r[key].length)) + 2;
  const [m, p, a] = [width('method'), width('path'), Math.min(width('access'), 48)];
  io.stdout.write(`${all.map((r) => `${r.method.padEnd(m)}${r.path.padEnd(p)}${r.access.padEnd(a)}${r.summary}`.trimEnd()).join('\n')}\n`);
  return EXIT_OK;
}
