import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { notesTable } from '../../src/services/notes.js';
import { openDatabase } from './index.js';
import { MIGRATIONS_DIR, recordingLogger } from './_testing.js';

const WRITER = fileURLToPath(new URL('./_crash-writer.ts', import.meta.url));
const ROWS_BEFORE_KILL = 40;

let dataDir = '';
afterAll(async () => {
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

/** Starts the writer, waits for enough committed ids, then SIGKILLs it between two writes or in one. */
function writeUntilKilled(dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, MIGRATIONS_DIR], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', function collect(chunk: string) {
      out += chunk;
      if (!killed && out.split('\n').length > ROWS_BEFORE_KILL) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('exit', function exited(code, signal) {
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer exited on its own (code ${String(code)}): ${err}`));
        return;
      }
      // A line without its newline was cut by the kill: that row may or may not have committed.
      resolve(out.split('\n').slice(0, -1));
    });
  });
}

it('keeps every committed row when the process is killed mid-write', { timeout: 240_000 }, async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gp-crash-'));
  const committed = await writeUntilKilled(dataDir);
  expect(committed.length).toBeGreaterThanOrEqual(ROWS_BEFORE_KILL);

  const db = await openDatabase({ dataDir, logger: recordingLogger(), migrationsDir: MIGRATIONS_DIR });
  try {
    const notes = db.forTenant('crash-tenant');
    for (const id of committed) {
      expect((await notes.table(notesTable).get(id)).id).toBe(id);
    }
    const [count] = await notes.sql<{ n: number }>`select count(*)::int as n from notes`;
    expect(count?.n).toBeGreaterThanOrEqual(committed.length);
    // Still writable after recovery.
    const after = await notes.table(notesTable).insert({ title: 'after restart' });
    expect((await notes.table(notesTable).get(after.id)).title).toBe('after restart');
  } finally {
    await db.close();
  }
});
