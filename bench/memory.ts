import { interleave, residentMb, spread, table, type BenchContext, type Section, type Stats } from './_runner.js';
import { benchToken, ITEM_BODY, load, startServer, STACKS, type BenchServer, type Stack } from './_servers.js';

const LOAD_SECONDS = 3;

export async function sampleDuring<T>(pid: number, work: Promise<T>): Promise<number> {
  let peak = residentMb(pid);
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    peak = Math.max(peak, residentMb(pid));
  }
  await work;
  return peak;
}

/** Resident memory of each server process: idle (after a quiet second) and the peak under POST load. */
export const memorySection: Section = {
  id: 'memory',
  title: 'Memory',
  estimateSeconds: 90,
  async run(context: BenchContext): Promise<string> {
    // The request section samples the same servers while it runs; its figures are used when there.
    const recorded = recordedMemory();
    if (recorded !== undefined) return render(recorded.idle, recorded.peaks, context.runs, 'sampled during the request section (POST and GET rounds)');
    const token = await benchToken();
    const servers: BenchServer[] = [];
    try {
      for (const stack of STACKS) servers.push(await startServer(stack));
      const idle: Record<string, () => Promise<number>> = {};
      const peaks: Record<Stack, number[]> = { blessed: [], handwritten: [], bare: [] };
      for (const server of servers) {
        idle[server.stack] = async () => {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const rss = residentMb(server.pid);
          peaks[server.stack].push(
            await sampleDuring(server.pid, load({ url: `${server.url}/items`, method: 'POST', token, body: ITEM_BODY, seconds: LOAD_SECONDS })),
          );
          return rss;
        };
      }
      const idleStats = await interleave(context.runs, idle);
      context.log('memory: done');
      const peakStats = Object.fromEntries(STACKS.map((stack) => [stack, { values: peaks[stack] }])) as Record<Stack, { values: number[] }>;
      return render(idleStats, peakStats, context.runs, `${LOAD_SECONDS} s of POST load (10 connections)`);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
};

export interface MemoryRecord {
  readonly idle: Record<Stack, Stats>;
  readonly peaks: Record<Stack, { values: number[] }>;
}

let recorded: MemoryRecord | undefined;

export function recordMemory(record: MemoryRecord): void {
  recorded = record;
}

function recordedMemory(): MemoryRecord | undefined {
  return recorded;
}

function render(idle: Record<string, Stats>, peaks: Record<Stack, { values: number[] }>, runs: number, how: string): string {
  const rows = STACKS.map((stack) => {
    const i = idle[stack];
    const sorted = [...peaks[stack].values].sort((a, b) => a - b);
    const peak: Stats = { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, values: sorted };
    return [stack, i === undefined ? 'n/a' : spread(i), spread(peak)];
  });
  return [
    '## Memory',
    '',
    `Resident set size (VmRSS) of each server process, MB: idle (no request in flight, before each load run) and the peak sampled every 200 ms under load, ${how}; ` +
      `${runs} or more rounds interleaved, each server started once with the embedded database (\`bench/servers/\`).`,
    '',
    table(['stack', 'idle RSS, median (min–max)', 'peak RSS under load, median (min–max)'], rows),
    '',
  ].join('\n');
}
