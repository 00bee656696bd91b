import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { signToken } from '../blessed/auth/index.js';
import { pinned, ROOT, startChild, stopChild } from './_runner.js';
import { AUTH, TENANT } from './servers/_common.js';

export const STACKS = ['blessed', 'handwritten', 'bare'] as const;
export type Stack = (typeof STACKS)[number];

export interface BenchServer {
  readonly stack: Stack;
  readonly url: string;
  readonly noteId: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts one stack as its own process on CPU 0 (loopback, port 0) and waits until it listens. */
export async function startServer(stack: Stack): Promise<BenchServer> {
  const [command, args] = pinned(0, process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'servers', `${stack}.ts`)]);
  const child: ChildProcess = startChild(command, args, { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, ipc: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<{ port: number; noteId: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number; noteId: string }));
    child.once('exit', (code) => reject(new Error(`bench server ${stack} exited ${String(code)} before listening: ${stderr.slice(0, 800)}`)));
  });
  return {
    stack,
    url: `http://127.0.0.1:${ready.port}`,
    noteId: ready.noteId,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

export function benchToken(): Promise<string> {
  return signToken({ ...AUTH, subject: 'bench-user', tenantId: TENANT, permissions: ['items:write', 'notes:read'], ttl: '2h' });
}

export const ITEM_BODY = JSON.stringify({ title: 'A bench item', quantity: 3, tags: ['a', 'b'] });

export interface Load {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export interface LoadRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly token: string;
  readonly body?: string;
  readonly seconds: number;
  readonly connections?: number;
}

/** autocannon as a separate process on CPU 1; any non-2xx answer or socket error fails the run. */
export async function load(request: LoadRequest): Promise<Load> {
  const args = [
    join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '--no-progress',
    '-c',
    String(request.connections ?? 10),
    '-d',
    String(request.seconds),
    '-m',
    request.method,
    '-H',
    `authorization=Bearer ${request.token}`,
    ...(request.body === undefined ? [] : ['-H', 'content-type=application/json', '-b', request.body]),
    request.url,
  ];
  const [command, pinnedArgs] = pinned(1, process.execPath, args);
  const child = startChild(command, pinnedArgs, { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited ${String(code)}: ${stderr.slice(0, 500)}`);
  const result = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${request.method} ${request.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}
