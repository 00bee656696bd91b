import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject } from './support/project-copy.js';
import { baseEnv } from './support/spawn.js';

// A tenant table without row-level security: the runner must refuse it wherever migrations run.
const BAD_MIGRATION = 'create table widgets (id integer primary key, tenant_id text not null);\n';

let project: string;
let dataDir: string;
beforeAll(async () => {
  project = await copyProject('golden-path-rls-');
  await writeFile(join(project, 'src', 'migrations', '0003_create_widgets.sql'), BAD_MIGRATION);
  dataDir = await mkdtemp(join(tmpdir(), 'golden-path-rls-data-'));
});
afterAll(async () => {
  await removeProject(project);
  await rm(dataDir, { recursive: true, force: true });
});

async function runIn(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...args], {
    cwd: project,
    env: { ...baseEnv(), DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const REFUSAL =
  /^error: (migrate: )?Migration "0003_create_widgets\.sql" leaves table "widgets" \(it has tenant_id\) without the tenant row-level security: row-level security is not enabled .*; it was not applied\n$/;

describe('a tenant table without row-level security', { timeout: 180_000 }, () => {
  it('golden-path migrate refuses it: exit 1, one line naming the table, no stack', async () => {
    const result = await runIn(['generators/bin/golden-path.js', 'migrate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(REFUSAL);
    expect(result.stdout).toBe('');
  });

  it('the service refuses to start on it: exit 1, one line naming the table, no stack', async () => {
    const result = await runIn(['--import', 'tsx', 'src/server.ts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(REFUSAL);
    expect(result.stdout).not.toMatch(/service listening/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
  });
});
