import { mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_PATH, type Manifest } from '../../generators/toolkit/manifest.js';
import { copyProject, CREATE_ORDER, removeProject, run } from '../generators/project.js';

let viaMcp: string;
let viaCli: string;
let outside: string;
let client: Client;

const ANSWERS = { name: 'createOrder', method: 'POST', path: '/orders', permission: 'orders:write', summary: 'Create an order' };

beforeAll(async () => {
  [viaMcp, viaCli, outside] = await Promise.all([copyProject('gp-mcp-'), copyProject('gp-mcp-cli-'), mkdtemp(join(tmpdir(), 'gp-mcp-outside-'))]);
  client = new Client({ name: 'golden-path-test', version: '1.0.0' });
  // The real server process, spoken to over its stdin and stdout.
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [join(viaMcp, 'generators/bin/golden-path.js'), 'mcp'], cwd: viaMcp, stderr: 'pipe' }),
  );
}, 180_000);

afterAll(async () => {
  await client.close();
  await Promise.all([removeProject(viaMcp), removeProject(viaCli), rm(outside, { recursive: true, force: true })]);
});

function text(result: Awaited<ReturnType<Client['callTool']>>): string {
  const first = (result.content as { type: string; text?: string }[])[0];
  return first?.type === 'text' ? (first.text ?? '') : '';
}

describe('golden-path mcp over stdio', () => {
  it('lists the tools, with generate taking each generator answers schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['check', 'generate', 'list_generators', 'prompt', 'routes']);
    const generate = tools.find((t) => t.name === 'generate');
    const properties = generate?.inputSchema.properties as Record<
      string,
      { enum?: string[]; anyOf?: { title: string; properties: Record<string, unknown> }[] }
    >;
    expect(properties['generator']?.enum).toEqual(['endpoint', 'service', 'resource', 'client']);
    const endpoint = properties['answers']?.anyOf?.find((s) => s.title === 'endpoint answers');
    expect(Object.keys(endpoint?.properties ?? {})).toEqual(expect.arrayContaining(['name', 'method', 'path', 'permission', 'public']));
  });

  it('generates an endpoint as a dry run first (a diff, nothing written), then applied: the same files as the CLI', { timeout: 120_000 }, async () => {
    const dry = await client.callTool({ name: 'generate', arguments: { generator: 'endpoint', answers: ANSWERS } });
    expect(dry.isError).toBe(false);
    const plan = JSON.parse(text(dry)) as { dryRun: boolean; created: string[]; diff: string };
    expect(plan.dryRun).toBe(true);
    expect(plan.created).toContain('src/endpoints/create-order.ts');
    expect(plan.diff).toContain('+++ b/src/endpoints/create-order.ts');
    expect(await readdir(join(viaMcp, 'src/endpoints'))).not.toContain('create-order.ts');

    const applied = await client.callTool({ name: 'generate', arguments: { generator: 'endpoint', answers: ANSWERS, apply: true } });
    expect(applied.isError).toBe(false);
    expect(JSON.parse(text(applied))).toMatchObject({ ok: true, dryRun: false, created: plan.created });

    expect((await run(viaCli, CREATE_ORDER)).code).toBe(0);
    const manifest = JSON.parse(await readFile(join(viaMcp, MANIFEST_PATH), 'utf8')) as Manifest;
    const written = [...Object.keys(manifest.entries[0]?.files ?? {}), ...(manifest.entries[0]?.edits ?? []), MANIFEST_PATH];
    expect(written).toContain('src/routes.ts');
    for (const path of written) expect(await readFile(join(viaMcp, path), 'utf8'), path).toBe(await readFile(join(viaCli, path), 'utf8'));

    const routes = await client.callTool({ name: 'routes', arguments: {} });
    expect(JSON.parse(text(routes))).toContainEqual({ method: 'POST', path: '/orders', access: 'orders:write', summary: 'Create an order' });
    const prompt = await client.callTool({ name: 'prompt', arguments: { kind: 'endpoint', name: 'createOrder' } });
    expect(text(prompt)).toContain('`orders:write`');
  });

  it('answers a hostile name or unknown answer with a structured error, and keeps serving', async () => {
    const hostile = await client.callTool({
      name: 'generate',
      arguments: { generator: 'endpoint', answers: { ...ANSWERS, name: '../../../tmp/evil' }, apply: true },
    });
    expect(hostile.isError).toBe(true);
    expect(text(hostile)).toMatch(/^generate: .*name/);
    const unknown = await client.callTool({ name: 'generate', arguments: { generator: 'endpoint', answers: { ...ANSWERS, shell: 'rm -rf /' } } });
    expect(unknown).toMatchObject({ isError: true });
    expect(text(unknown)).toContain('endpoint has no answer "shell"');
    const bad = await client.callTool({ name: 'prompt', arguments: { kind: 'endpoint', name: 'x'.repeat(500) } });
    expect(bad.isError).toBe(true);
    expect((await client.listTools()).tools).toHaveLength(5);
  });

  it('never writes outside the project, even through a symlinked folder', { timeout: 60_000 }, async () => {
    await symlink(outside, join(viaMcp, 'src/clients'), 'dir');
    const result = await client.callTool({
      name: 'generate',
      arguments: { generator: 'client', answers: { name: 'payments', baseUrl: 'https://api.payments.example/v1' }, apply: true },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/refusing to write src\/clients\/payments\.ts: it resolves outside the project/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('runs check and reports the result as data', { timeout: 120_000 }, async () => {
    const result = await client.callTool({ name: 'check', arguments: {} });
    expect(result.isError).toBe(false);
    const report = JSON.parse(text(result)) as { filesChecked: number; violations: { ruleId: string }[] };
    expect(report.filesChecked).toBeGreaterThan(10);
    expect(Array.isArray(report.violations)).toBe(true);
  });
});
