import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject } from './support/project-copy.js';
import { baseEnv } from './support/spawn.js';

/** `npm start` runs exactly this (package.json "start"). */
const START = ['generators/bin/dev-start.js'];

let project = '';
const started: ChildProcess[] = [];

beforeAll(async () => {
  project = await copyProject('golden-path-dev-start-');
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (project !== '') await removeProject(project);
});

/** Starts the service and resolves once it logs the port every route is served on. */
async function start(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, START, { cwd: project, env: { ...baseEnv(), PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"port":(\d+)[^\n]*"msg":"service listening"/.exec(output);
      if (listening?.[1] !== undefined) resolve(Number(listening[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${String(code)} before listening: ${output.slice(0, 500)}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill('SIGTERM');
  return (await exited)[0];
}

describe('npm start (the service from its sources, bundled once)', () => {
  it('serves, drains on SIGTERM, and serves an edited source on the next start', async () => {
    const first = await start();
    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${first.port}/notes`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status).toBe(404);
    expect(await stop(first.child)).toBe(0);

    // A new endpoint and its registry entry: the cached bundle is stale and must not be served.
    const health = await readFile(join(project, 'src/endpoints/health.ts'), 'utf8');
    await writeFile(
      join(project, 'src/endpoints/healthz.ts'),
      health.replace('export const health =', 'export const healthz =').replace("'/health'", "'/healthz'"),
    );
    const routes = await readFile(join(project, 'src/routes.ts'), 'utf8');
    await writeFile(
      join(project, 'src/routes.ts'),
      routes
        .replace(
          "import { health } from './endpoints/health.js';",
          "import { health } from './endpoints/health.js';\nimport { healthz } from './endpoints/healthz.js';",
        )
        .replace('  health,\n', '  health,\n  healthz,\n'),
    );
    const second = await start();
    expect((await fetch(`http://127.0.0.1:${second.port}/healthz`)).status).toBe(200);
    expect(await stop(second.child)).toBe(0);
  }, 60_000);
});
