import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchContext {
  /** Measured runs per case (interleaved); at least 5. */
  readonly runs: number;
  readonly log: (line: string) => void;
}

/** One part of RESULTS.md: measures, then returns its markdown (heading included). */
export interface Section {
  readonly id: string;
  readonly title: string;
  /** Rough wall time in seconds, to keep `npm run bench` under its budget. */
  readonly estimateSeconds: number;
  /** Sections too long for the default run are listed with `--only`. */
  readonly optIn?: boolean;
  run(context: BenchContext): Promise<string>;
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, values };
}

/**
 * Runs every case once per round, rounds in a row, so that drift on a shared machine (other
 * processes, thermal state) hits all cases alike. Each case returns one measurement.
 */
export async function interleave<K extends string>(runs: number, cases: Readonly<Record<K, () => Promise<number> | number>>): Promise<Record<K, Stats>> {
  const names = Object.keys(cases) as K[];
  const values = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < runs; round += 1) {
    for (const name of names) values[name].push(await cases[name]());
  }
  return Object.fromEntries(names.map((name) => [name, stats(values[name])])) as Record<K, Stats>;
}

export function fixed(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** `412 (398–460)`: the median, then min–max. */
export function spread(s: Stats, digits = 0): string {
  return `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

export function ratio(a: number, b: number): string {
  return `${fixed(a / b, 2)}×`;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Wall time of one process from spawn to exit, in ms; a failing process fails the benchmark. */
export function timedProcess(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(result.status)}: ${result.stderr.toString().slice(0, 500)}`);
  return ms;
}

let canPin: boolean | undefined;

export function hasTaskset(): boolean {
  canPin ??= availableParallelism() > 1 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return canPin;
}

/** Under `taskset -c <cpu>` when the machine has it and more than one CPU, so server and load generator do not share a core. */
export function pinned(cpu: number, command: string, args: readonly string[]): [string, string[]] {
  return hasTaskset() ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, [...args]];
}

/** Resident memory of a process in MB, from /proc (Linux); NaN where unavailable. */
export function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? NaN : Number(match[1]) / 1024;
  } catch {
    return NaN;
  }
}

export function startChild(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; ipc?: boolean }): ChildProcess {
  return spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.ipc === true ? ['ignore', 'ignore', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    child.kill('SIGTERM');
  });
}

/**
 * What a fresh clone has: no cached bundle of `entry` (generators/bin/load.js keys it by the
 * entry's path and the Node version), so the next start pays for building it.
 */
export function dropBundle(project: string, entry: string): void {
  const key = createHash('sha256')
    .update(`${join(project, entry)}\0${process.version}`)
    .digest('hex')
    .slice(0, 16);
  for (const ext of ['mjs', 'json']) rmSync(join(project, 'node_modules', '.cache', 'golden-path', `${key}.${ext}`), { force: true });
}
