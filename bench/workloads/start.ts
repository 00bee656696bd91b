import { spawn } from 'node:child_process';
import { request } from 'node:http';

// `start.ts <cwd> <command> [args...]`: runs the command as its own process group, polls
// http://127.0.0.1:3000/health until the first 200, prints the ms, then ends the group.
// Run inside a network namespace of its own (see bench/cold-start.ts): only loopback exists there.
const [cwd, command, ...args] = process.argv.slice(2);
if (cwd === undefined || command === undefined) throw new TypeError('usage: start.ts <cwd> <command> [args...]');
const DEADLINE_MS = Number(process.env['BENCH_START_DEADLINE_MS'] ?? 120_000);

function health(): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: 3000, path: '/health', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const started = process.hrtime.bigint();
const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '3000' } });
let output = '';
const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
child.stdout?.on('data', keep);
child.stderr?.on('data', keep);
let exited = false;
child.once('exit', () => (exited = true));
let status = 0;
while (status !== 200 && !exited && Number(process.hrtime.bigint() - started) / 1e6 < DEADLINE_MS) {
  status = await health();
  if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
// The whole group: `npm start` puts npm, sh and tsx between us and the server.
if (!exited && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
await new Promise((resolve) => (exited ? resolve(undefined) : child.once('exit', resolve)));
if (status !== 200) {
  process.stderr.write(
    `no 200 from /health within ${DEADLINE_MS / 1000} s (last status ${status}${exited ? ', the process exited' : ''}): ${output.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}\n`,
  );
  process.exit(1);
}
process.stdout.write(`${ms}\n`);
