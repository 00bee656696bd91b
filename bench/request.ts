import { readFileSync } from 'node:fs';
import { recordMemory, sampleDuring } from './memory.js';
import { hasTaskset, ratio, residentMb, spread, stats, table, type BenchContext, type Section, type Stats } from './_runner.js';
import { benchToken, ITEM_BODY, load, startServer, STACKS, type BenchServer, type Load, type Stack } from './_servers.js';

const SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 5);
const WARMUP_SECONDS = 2;

interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  path(server: BenchServer): string;
  readonly body?: string;
}

const ROUTES: readonly Route[] = [
  { name: 'POST /items (auth + permission + strict body + response schema + request log)', method: 'POST', path: () => '/items', body: ITEM_BODY },
  { name: 'GET /notes/:id (same, reading one row of the embedded database)', method: 'GET', path: (s) => `/notes/${s.noteId}` },
];

type Sample = Load & { readonly cpuPerRequestUs: number };
type Samples = Record<Stack, Sample[]>;

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s everywhere it is not recompiled.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux); NaN elsewhere. Per
 * request it is the steadiest figure on a shared machine, where throughput follows the neighbours.
 */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function summary(samples: readonly Sample[]): { rps: Stats; p50: Stats; p99: Stats; cpu: Stats } {
  return {
    rps: stats(samples.map((s) => s.requestsPerSecond)),
    p50: stats(samples.map((s) => s.p50)),
    p99: stats(samples.map((s) => s.p99)),
    cpu: stats(samples.map((s) => s.cpuPerRequestUs)),
  };
}

/**
 * Request overhead: the blessed stack against the same routes written by hand (Express 5, jose,
 * zod, pino, helmet) and against bare Express, each server its own process, autocannon in another.
 */
export const requestSection: Section = {
  id: 'request',
  title: 'Request overhead',
  estimateSeconds: 60 + ROUTES.length * STACKS.length * (5 * (SECONDS + 1) + WARMUP_SECONDS + 1),
  async run(context: BenchContext): Promise<string> {
    const token = await benchToken();
    const servers: BenchServer[] = [];
    try {
      for (const stack of STACKS) servers.push(await startServer(stack));
      const results: { route: Route; samples: Samples }[] = [];
      const idle: Record<Stack, number[]> = { blessed: [], handwritten: [], bare: [] };
      const peaks: Record<Stack, number[]> = { blessed: [], handwritten: [], bare: [] };
      const measured = async (server: BenchServer, run: Promise<Load>): Promise<Sample> => {
        idle[server.stack].push(residentMb(server.pid));
        const cpuBefore = cpuMs(server.pid);
        let result: Load | undefined;
        peaks[server.stack].push(
          await sampleDuring(
            server.pid,
            run.then((r) => (result = r)),
          ),
        );
        if (result === undefined) throw new Error('load run gave no result');
        const cpuPerRequestUs = ((cpuMs(server.pid) - cpuBefore) * 1000) / (result.requestsPerSecond * SECONDS);
        return { ...result, cpuPerRequestUs };
      };
      for (const route of ROUTES) {
        const samples: Samples = { blessed: [], handwritten: [], bare: [] };
        const request = (server: BenchServer, seconds: number) =>
          load({ url: server.url + route.path(server), method: route.method, token, seconds, ...(route.body === undefined ? {} : { body: route.body }) });
        for (const server of servers) await request(server, WARMUP_SECONDS);
        for (let round = 0; round < context.runs; round += 1) {
          for (const server of servers) samples[server.stack].push(await measured(server, request(server, SECONDS)));
          context.log(`request: ${route.method} round ${round + 1}/${context.runs}`);
        }
        results.push({ route, samples });
      }
      recordMemory({
        idle: { blessed: stats(idle.blessed), handwritten: stats(idle.handwritten), bare: stats(idle.bare) },
        peaks: { blessed: { values: peaks.blessed }, handwritten: { values: peaks.handwritten }, bare: { values: peaks.bare } },
      });
      return render(results, context.runs);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
};

function render(results: readonly { route: Route; samples: Samples }[], runs: number): string {
  const parts = [
    '## Request overhead',
    '',
    `autocannon, 10 connections, ${SECONDS} s per run after a ${WARMUP_SECONDS} s warm-up, ${runs} runs per stack interleaved; ` +
      `server and load generator are separate processes${hasTaskset() ? ', pinned to CPU 0 and CPU 1 with taskset' : ' (taskset unavailable: not pinned)'}. ` +
      'Every answer was checked to be 2xx. Latencies in ms; server CPU is the user + system time of the server process over the requests it answered. Servers: `bench/servers/{blessed,handwritten,bare}.ts`.',
    '',
  ];
  for (const { route, samples } of results) {
    const s = { blessed: summary(samples.blessed), handwritten: summary(samples.handwritten), bare: summary(samples.bare) };
    parts.push(
      `### ${route.name}`,
      '',
      table(
        [
          'stack',
          'req/s median (min–max)',
          'p50',
          'p99',
          'server CPU µs/request',
          'throughput vs hand-written',
          'p99 vs hand-written',
          'CPU/request vs hand-written',
        ],
        STACKS.map((stack) => [
          stack,
          spread(s[stack].rps),
          spread(s[stack].p50, 1),
          spread(s[stack].p99, 1),
          spread(s[stack].cpu),
          ratio(s[stack].rps.median, s.handwritten.rps.median),
          ratio(s[stack].p99.median, s.handwritten.p99.median),
          ratio(s[stack].cpu.median, s.handwritten.cpu.median),
        ]),
      ),
      '',
    );
    if (route.method === 'POST') {
      const throughput = s.blessed.rps.median / s.handwritten.rps.median;
      const p99 = s.blessed.p99.median / s.handwritten.p99.median;
      const met = throughput >= 0.9 && p99 <= 1.2;
      parts.push(
        `Goal (blessed ≥ 0.9× hand-written throughput, p99 ≤ 1.2×): **${met ? 'met' : 'not met'}** (${throughput.toFixed(2)}×, p99 ${p99.toFixed(2)}×).`,
        '',
      );
    }
  }
  return parts.join('\n');
}
