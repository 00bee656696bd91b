import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { signToken } from '../blessed/auth/index.js';
import { DEFAULT_RATE_LIMITS, DEV_AUDIENCE, DEV_ISSUER } from '../src/config.js';

/**
 * `npm run bench:ratelimit` (under `.ci/with-postgres.sh`): two service processes on one
 * PostgreSQL, the default limits, and loopback bursts spread over both. The limit must be shared
 * (exactly `limit` successes in total, the rest 429) and nothing may answer 5xx.
 * Bounded: BURST_ANONYMOUS and BURST_AUTHENTICATED requests, CONCURRENCY at a time.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BURST_ANONYMOUS = Number(process.env['BURST_ANONYMOUS'] ?? 3_000);
const BURST_AUTHENTICATED = Number(process.env['BURST_AUTHENTICATED'] ?? 4_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 32);
const SECRET = randomBytes(32).toString('base64url');

interface Service {
  readonly child: ChildProcess;
  readonly port: number;
}

async function startService(databaseUrl: string): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', function findPort(chunk: Buffer) {
      output += chunk.toString();
      const match = /"port":(\d+)[^\n]*service listening/.exec(output);
      if (match?.[1] !== undefined) {
        child.stdout?.off('data', findPort);
        child.stdout?.resume();
        resolve(Number(match[1]));
      }
      if (output.length > 1_000_000) output = output.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}: ${output.slice(-2_000)}`)));
  });
  return { child, port };
}

interface BurstResult {
  readonly statuses: Map<number, number>;
  readonly perService: number[][];
  readonly elapsedMs: number;
  readonly firstLimitedAt: number | undefined;
}

async function burst(services: readonly Service[], total: number, path: string, headers: Record<string, string>): Promise<BurstResult> {
  const agent = new Agent({ connections: CONCURRENCY });
  const statuses = new Map<number, number>();
  const perService = services.map(() => [0, 0]);
  let next = 0;
  let firstLimitedAt: number | undefined;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < total) {
      const index = next++;
      const which = index % services.length;
      const service = services[which];
      if (service === undefined) throw new Error('no service');
      const res = await request(`http://127.0.0.1:${service.port}${path}`, { headers, dispatcher: agent });
      await res.body.dump();
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const counts = perService[which];
      if (counts !== undefined) counts[res.statusCode === 429 ? 1 : 0] = (counts[res.statusCode === 429 ? 1 : 0] ?? 0) + 1;
      if (res.statusCode === 429 && firstLimitedAt === undefined) firstLimitedAt = index + 1;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsedMs = performance.now() - started;
  await agent.close();
  return { statuses, perService, elapsedMs, firstLimitedAt };
}

function report(label: string, result: BurstResult, total: number, limit: number): boolean {
  const ok = result.statuses.get(200) ?? 0;
  const limited = result.statuses.get(429) ?? 0;
  const fivexx = [...result.statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  const rate = Math.round((total / result.elapsedMs) * 1000);
  process.stdout.write(
    `${label}: ${total} requests in ${Math.round(result.elapsedMs)} ms (${rate} req/s); statuses ${JSON.stringify(Object.fromEntries(result.statuses))}; ` +
      `per process [ok, 429] ${JSON.stringify(result.perService)}; first 429 at request ${result.firstLimitedAt ?? '-'}\n`,
  );
  const passed = ok === limit && limited === total - limit && fivexx === 0;
  process.stdout.write(
    `${label}: ${passed ? 'PASS' : 'FAIL'} (expected ${limit} ok shared by both processes, ${total - limit} x 429, no 5xx; got ${ok}, ${limited}, ${fivexx})\n`,
  );
  return passed;
}

async function main(): Promise<void> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl === undefined) {
    process.stderr.write('error: DATABASE_URL is required; run: bash .ci/with-postgres.sh npm run bench:ratelimit\n');
    process.exitCode = 2;
    return;
  }
  const services = await Promise.all([startService(databaseUrl), startService(databaseUrl)]);
  try {
    const anonymous = await burst(services, BURST_ANONYMOUS, '/health', {});
    const token = await signToken({
      secret: SECRET,
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      subject: 'bench-user',
      tenantId: 'bench',
      permissions: ['notes:read'],
    });
    const authenticated = await burst(services, BURST_AUTHENTICATED, '/notes', { authorization: `Bearer ${token}` });
    const passed = [
      report('anonymous (per address)', anonymous, BURST_ANONYMOUS, Math.min(BURST_ANONYMOUS, DEFAULT_RATE_LIMITS.anonymous)),
      report('authenticated (per tenant and subject)', authenticated, BURST_AUTHENTICATED, Math.min(BURST_AUTHENTICATED, DEFAULT_RATE_LIMITS.authenticated)),
    ].every(Boolean);
    if (!passed) process.exitCode = 1;
  } finally {
    for (const service of services) service.child.kill('SIGTERM');
    await Promise.all(services.map((service) => (service.child.exitCode === null ? once(service.child, 'exit') : undefined)));
  }
}

await main();
