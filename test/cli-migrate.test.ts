import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenPathInProcess } from './support/cli.js';

// In this process, through the bin's exit-code mapping (runCommand); cli-token.test.ts spawns the bin.
const migrate = (args: readonly string[], env: NodeJS.ProcessEnv) => goldenPathInProcess(['migrate', ...args], env);
const dataDir = mkdtempSync(join(tmpdir(), 'golden-path-migrate-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('golden-path migrate', () => {
  it('applies pending migrations once, then reports the database up to date', async () => {
    const first = await migrate([], { DATA_DIR: dataDir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('applied 0001_create_notes.sql\napplied 0002_rate_limits.sql\n');
    const second = await migrate([], { DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('Nothing to apply: the database is up to date.\n');
  }, 60_000);

  it('rejects unknown flags with exit 2', async () => {
    const result = await migrate(['--everything'], { DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: migrate: Unknown option '--everything'/);
  });

  it('fails with exit 1 and one line when the database cannot be reached', async () => {
    // golden-path-ignore secret -- a made-up password for an unreachable server; the test proves it is not printed
    const result = await migrate([], { DATABASE_URL: 'postgres://nobody:hunter2-secret@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: migrate: /);
    expect(result.stderr).not.toContain('hunter2-secret');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
