import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, NotFoundError } from '../errors/index.js';
import { defineTable, openDatabase, runMigrations } from './index.js';
import { openTestDatabase, recordingLogger, type TestDatabase } from './_testing.js';

const things = defineTable({ name: 'things', columns: { id: { type: 'integer' }, label: { type: 'text' } } });
const CREATE_THINGS = `create table things (id integer primary key, tenant_id text not null, label text not null);`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gp-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

async function open(dir: string): Promise<TestDatabase> {
  const test = await openTestDatabase({ migrationsDir: dir });
  cleanups.unshift(() => test.cleanup());
  return test;
}

describe('migrations', { timeout: 120_000 }, () => {
  it('applies files in name order once, records them, and applies only new ones later', async () => {
    const dir = await migrationsDir({
      '0002_seed_label.sql': `alter table things add column note text;`,
      '0001_create_things.sql': CREATE_THINGS,
      'README.md': 'not a migration',
    });
    const { db, logger } = await open(dir);
    expect(logger.events.filter((e) => e.msg === 'migration applied').map((e) => e.fields['migration'])).toEqual([
      '0001_create_things.sql',
      '0002_seed_label.sql',
    ]);
    expect(await db.migrate()).toEqual([]);
    await writeFile(join(dir, '0003_index.sql'), 'create index things_label_idx on things (label);\ncreate index things_note_idx on things (note);');
    expect(await db.migrate()).toEqual(['0003_index.sql']);
    const row = await db.forTenant('t').table(things).insert({ id: 1, label: 'ok' });
    expect(row).toEqual({ id: 1, label: 'ok' });
    // `things` has no row-level security: only the handle's own tenant condition protects it.
    const other = db.forTenant('u').table(things);
    await expect(other.get(1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.update(1, { label: 'stolen' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.delete(1)).rejects.toBeInstanceOf(NotFoundError);
    expect((await other.list()).items).toEqual([]);
    expect(await db.forTenant('t').table(things).get(1)).toEqual({ id: 1, label: 'ok' });
  });

  it('refuses to start when an applied migration was edited', async () => {
    const dir = await migrationsDir({ '0001_create_things.sql': CREATE_THINGS });
    const { db } = await open(dir);
    await writeFile(join(dir, '0001_create_things.sql'), `${CREATE_THINGS}\n-- edited`);
    const err = await db.migrate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ERR_DB_MIGRATION_CHANGED');
    expect((err as AppError).message).toContain('0001_create_things.sql');
  });

  it('rolls back a failing migration entirely and does not record it', async () => {
    const dir = await migrationsDir({
      '0001_create_things.sql': CREATE_THINGS,
      '0002_broken.sql': `create table half_done (id int);\ninsert into nowhere values (1);`,
    });
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ERR_DB_MIGRATION_FAILED');
    expect((err as AppError).message).toContain('0002_broken.sql');
    // Fix the file and rerun: 0001 was committed before, 0002 must now run from scratch.
    await writeFile(join(dir, '0002_broken.sql'), `create table half_done (id int);`);
    const { db } = await open(dir);
    expect(await db.migrate()).toEqual([]);
  });

  it('refuses a .sql file whose name does not order', async () => {
    const dir = await migrationsDir({ 'create_things.sql': CREATE_THINGS });
    await expect(open(dir)).rejects.toThrow(/must be named like 0001_create_things\.sql/);
  });

  it('runMigrations returns what it applied (the migrate command)', async () => {
    const dir = await migrationsDir({ '0001_create_things.sql': CREATE_THINGS });
    const dataDir = await mkdtemp(join(tmpdir(), 'gp-data-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const logger = recordingLogger();
    expect(await runMigrations({ dataDir, logger, migrationsDir: dir })).toEqual(['0001_create_things.sql']);
    expect(await runMigrations({ dataDir, logger, migrationsDir: dir })).toEqual([]);
  });
});

describe('production notice', { timeout: 120_000 }, () => {
  it('warns once that the embedded database is single-instance', async () => {
    const logger = recordingLogger();
    const db = await openDatabase({ logger, production: true });
    await db.close();
    const warnings = logger.events.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/single-instance/);
    const quiet = recordingLogger();
    await (await openDatabase({ logger: quiet })).close();
    expect(quiet.events.filter((e) => e.level === 'warn')).toEqual([]);
  });
});
