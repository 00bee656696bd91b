import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { SignJWT } from 'jose';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../blessed/db/index.js';
import { createRecordingLogger } from '../blessed/testing/index.js';
import { notesTable } from '../src/services/notes.js';
import { copyProject, removeProject } from './support/project-copy.js';
import { baseEnv } from './support/spawn.js';

/** The production start exactly as the README and the Dockerfile's CMD give it. */
const START = ['dist/src/server.js'];
const SECRET = 'production-start-secret-'.padEnd(48, 'x');
const ISSUER = 'https://issuer.golden-path.test';
const AUDIENCE = 'golden-path-service';
/** pg_control's `state` field (an int32 after the 8-byte system id and two uint32 versions). */
const DB_STATE_OFFSET = 16;
const DB_SHUTDOWNED = 1;

let project = '';
let dataDir = '';
/** Every service started here, killed at the end whatever happened, so none outlives the run. */
const started: ChildProcess[] = [];
const productionEnv = () => ({
  ...baseEnv(),
  NODE_ENV: 'production',
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  AUTH_JWT_SECRET: SECRET,
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
  CURSOR_SECRET: 'production-start-cursor-secret-0123456789',
});

/**
 * `npm run build`'s output: the files tsconfig.build.json compiles, each written where tsc writes
 * it, transpiled by esbuild (tsc only type-checks beyond that, which `npm run typecheck` does, and
 * took 5 s of CPU here). What this file proves is the start of that output under plain node.
 */
async function buildLikeTsc(root: string): Promise<void> {
  const configFile = join(root, 'tsconfig.build.json');
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  expect(error).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile);
  expect(parsed.errors).toEqual([]);
  const outDir = parsed.options.outDir ?? '';
  // Declaration files compile to nothing.
  const entryPoints = parsed.fileNames
    .filter((file) => !file.endsWith('.d.ts'))
    .map(function outputOf(file) {
      const js = ts.getOutputFileNames(parsed, file, false).find((name) => name.endsWith('.js'));
      if (js === undefined) throw new Error(`tsc emits no JavaScript for ${file}`);
      return { in: file, out: relative(outDir, js).replace(/\.js$/, '') };
    });
  expect(entryPoints.map((entry) => entry.out)).toContain(START[0]?.replace(/^dist\//, '').replace(/\.js$/, ''));
  await build({ entryPoints, outdir: outDir, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
}

function finished(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
}

beforeAll(async () => {
  project = await copyProject('golden-path-production-');
  dataDir = await mkdtemp(join(project, 'data-'));
  await buildLikeTsc(project);
}, 120_000);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (project !== '') await removeProject(project);
});

/** Resolves to how the process ended, or to 'still running' after `ms`. */
function endsWithin(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  const ended = finished(child).then(([code, signal]) => ({ code, signal }));
  return Promise.race([ended, late]).finally(() => clearTimeout(timer));
}

async function bearer(): Promise<string> {
  const token = await new SignJWT({ tenant_id: 'acme', permissions: ['notes:read', 'notes:write'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('alice')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
  return `Bearer ${token}`;
}

/** Starts the documented command and resolves once it logs the port it listens on. */
async function start(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, START, { cwd: project, env: productionEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      const match = /"port":(\d+)[^\n]*service listening/.exec(output);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${String(code)}: ${output}`)));
  });
  return { child, port, output: () => output };
}

/** A POST whose body is only half sent: the request is in flight until `finish` sends the rest. */
function halfSentPost(port: number, authorization: string, body: string) {
  const bytes = Buffer.from(body);
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/notes',
    headers: { authorization, 'content-type': 'application/json', 'content-length': bytes.length },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  req.write(bytes.subarray(0, 5));
  return { response, finish: () => req.end(bytes.subarray(5)) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('node dist/src/server.js, the production start', () => {
  it('serves, drains an in-flight request on SIGTERM, closes the database cleanly and exits 0', { timeout: 120_000 }, async () => {
    const authorization = await bearer();
    const service = await start();
    const base = `http://127.0.0.1:${service.port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const anonymous = await fetch(`${base}/notes`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknown = await fetch(`${base}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const inFlight = halfSentPost(service.port, authorization, JSON.stringify({ title: 'sent during shutdown' }));
    // The server has the request (its log line comes later): wait until the socket is accepted.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = endsWithin(service.child, 30_000);
    service.child.kill('SIGTERM');
    await until(() => service.output().includes('"msg":"shutting down"'), '"shutting down"');
    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status, answered.body).toBe(201);
    const { id } = JSON.parse(answered.body) as { id: string };

    // The drain is bounded by SHUTDOWN_GRACE_MS (8 s); a process still alive well after it hangs.
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(service.output()).toContain('"msg":"stopped"');
    expect(service.output()).not.toContain(authorization.slice(7));
    // A cluster that was not shut down says "in production" here and recovers at the next open.
    const control = await readFile(join(dataDir, 'global', 'pg_control'));
    expect(control.readInt32LE(DB_STATE_OFFSET)).toBe(DB_SHUTDOWNED);

    const db = await openDatabase({ dataDir, logger: createRecordingLogger(), migrationsDir: join(project, 'src', 'migrations') });
    try {
      expect((await db.forTenant('acme').table(notesTable).get(id)).title).toBe('sent during shutdown');
    } finally {
      await db.close();
    }
  });

  it('refuses to start in production without auth settings', async () => {
    const env = { ...productionEnv(), AUTH_JWT_SECRET: undefined };
    const child = spawn(process.execPath, START, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await finished(child);
    expect(code).toBe(1);
    expect(stderr).toMatch(/AUTH_JWT_SECRET or AUTH_JWKS_URL: required in production/);
    expect(stdout).not.toContain('service listening');
  });
});
