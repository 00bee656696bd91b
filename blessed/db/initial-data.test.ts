import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../testing/index.js';
import { createPglite, initialDataPath, readInitialData, saveInitialData } from './_initial-data.js';

let dir = '';
let marked = '';
const logger = createRecordingLogger();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gp-initial-data-'));
  marked = join(dir, 'marked.tar');
  // Initial data with a table initdb never makes: a database that has it was loaded from this file.
  // The run's own initial data (test/support/global-setup.ts), so this needs no initdb.
  const prepared = await readInitialData();
  if (prepared === undefined) throw new Error(`no initial data at ${initialDataPath()}`);
  const source = await PGlite.create({ loadDataDir: prepared });
  try {
    await source.exec('create table loaded_from_initial_data (id int)');
    await saveInitialData(source, marked);
  } finally {
    await source.close();
  }
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function hasMarker(pglite: Awaited<ReturnType<typeof createPglite>>): Promise<boolean> {
  const result = await pglite.query<{ found: string | null }>("select to_regclass('loaded_from_initial_data')::text as found");
  return result.rows[0]?.found === 'loaded_from_initial_data';
}

describe('initial data', () => {
  it('lives under node_modules/.cache, named for the PGlite version', () => {
    expect(initialDataPath()).toMatch(/node_modules[\\/]\.cache[\\/]golden-path[\\/]pglite-\d+\.\d+\.\d+[^\\/]*-initdb\.tar$/);
  });

  it('is undefined when none was prepared', async () => {
    expect(await readInitialData(join(dir, 'missing.tar'))).toBeUndefined();
  });

  it('starts an in-memory database from it, with a smaller buffer pool than the default', { timeout: 120_000 }, async () => {
    const pglite = await createPglite(undefined, logger, marked);
    try {
      expect(await hasMarker(pglite)).toBe(true);
      expect((await pglite.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]?.shared_buffers).toBe('32MB');
    } finally {
      await pglite.close();
    }
  });

  it('fills a new data directory from it, and reopens that directory as it was left', async () => {
    const dataDir = join(dir, 'data');
    const first = await createPglite(dataDir, logger, marked);
    try {
      expect(await hasMarker(first)).toBe(true);
      await first.exec('create table written_after_open (id int)');
    } finally {
      await first.close();
    }
    await access(join(dataDir, 'PG_VERSION'));
    // Reopened without the initial data: an existing cluster must never be replaced.
    const again = await createPglite(dataDir, logger, join(dir, 'missing.tar'));
    try {
      const kept = await again.query<{ found: string | null }>("select to_regclass('written_after_open')::text as found");
      expect(kept.rows[0]?.found).toBe('written_after_open');
    } finally {
      await again.close();
    }
  }, 120_000);
});
