import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, NotFoundError } from '../errors/index.js';
import { defineTable, openDatabase, runMigrations } from './index.js';
import { createPglite } from './_initial-data.js';
import { MIGRATIONS_DIR, openTestDatabase, recordingLogger, type TestDatabase } from './_testing.js';

const things = defineTable({ name: 'things', columns: { id: { type: 'integer' }, label: { type: 'text' } } });
const CREATE_BARE_THINGS = `create table things (id integer primary key, tenant_id text not null, label text not null);`;
const THINGS_POLICY = `create policy things_tenant_isolation on things
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));`;
/** A tenant table the way src/migrations/0001_create_notes.sql makes one. */
const CREATE_THINGS = `${CREATE_BARE_THINGS}
alter table things enable row level security;
alter table things force row level security;
${THINGS_POLICY}`;

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
    const other = db.forTenant('u').table(things);
    expect(await db.forTenant('u').sql`select id from things`).toEqual([]);
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

describe('tenant tables need forced row-level security with the tenant policy', { timeout: 120_000 }, () => {
  const gaps: Record<string, { sql: string; problem: RegExp }> = {
    'no row-level security': { sql: CREATE_BARE_THINGS, problem: /not enabled/ },
    'not forced': { sql: `${CREATE_BARE_THINGS}\nalter table things enable row level security;\n${THINGS_POLICY}`, problem: /not forced/ },
    'no policy': {
      sql: `${CREATE_BARE_THINGS}\nalter table things enable row level security;\nalter table things force row level security;`,
      problem: /no tenant policy/,
    },
    'a policy that lets every row through': {
      sql: `${CREATE_BARE_THINGS}\nalter table things enable row level security;\nalter table things force row level security;
create policy open_door on things using (true);`,
      problem: /no tenant policy/,
    },
    'a policy on another setting': {
      sql: `${CREATE_THINGS.replace(THINGS_POLICY, '')}\ncreate policy p on things using (tenant_id = current_setting('app.other', true));`,
      problem: /no tenant policy/,
    },
    'a second permissive policy beside the tenant one': {
      sql: `${CREATE_THINGS}\ncreate policy also_everyone on things for select using (true);`,
      problem: /another permissive policy/,
    },
  };

  // One database for every case: a refused file is rolled back, so the next case starts clean.
  it('refuses each gap, naming the table, and applies none of the refused file', async () => {
    const dir = await migrationsDir({ '0001_create_notes.sql': await readFile(join(MIGRATIONS_DIR, '0001_create_notes.sql'), 'utf8') });
    const { db } = await open(dir);
    for (const [name, gap] of Object.entries(gaps)) {
      await writeFile(join(dir, '0002_create_things.sql'), gap.sql);
      const err = await db.migrate().catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(AppError);
      expect((err as AppError).code, name).toBe('ERR_DB_MIGRATION_RLS');
      expect((err as AppError).message, name).toMatch(/^Migration "0002_create_things\.sql" leaves table "things" /);
      expect((err as AppError).message, name).toMatch(gap.problem);
      await expect(db.forTenant('t').sql`select to_regclass('things')::text as t`).resolves.toEqual([{ t: null }]);
    }
    // The fixed file applies, and raw SQL through a handle then sees only the tenant's rows.
    await writeFile(join(dir, '0002_create_things.sql'), CREATE_THINGS);
    expect(await db.migrate()).toEqual(['0002_create_things.sql']);
    await db.forTenant('t').table(things).insert({ id: 1, label: 'mine' });
    expect(await db.forTenant('u').sql`select id from things`).toEqual([]);
  });

  it('refuses a later migration that switches the policy off an existing tenant table', async () => {
    const dir = await migrationsDir({ '0001_create_things.sql': CREATE_THINGS });
    const { db } = await open(dir);
    await writeFile(join(dir, '0002_relax.sql'), 'alter table things no force row level security;');
    await expect(db.migrate()).rejects.toThrow(/^Migration "0002_relax\.sql" leaves table "things" .*not forced/);
    await writeFile(join(dir, '0002_relax.sql'), 'drop policy things_tenant_isolation on things;');
    await expect(db.migrate()).rejects.toThrow(/no tenant policy/);
    await writeFile(join(dir, '0002_relax.sql'), 'alter table things add column note text;');
    expect(await db.migrate()).toEqual(['0002_relax.sql']);
  });

  it('refuses to open a database that already holds such a table (made before this check)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gp-data-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // From the prepared cluster rather than initdb: what matters is the table already in it.
    const legacy = await createPglite(dataDir, recordingLogger());
    await legacy.exec(CREATE_BARE_THINGS);
    await legacy.close();
    const err = await runMigrations({ dataDir, logger: recordingLogger(), migrationsDir: await migrationsDir({}) }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('ERR_DB_MIGRATION_RLS');
    expect((err as AppError).message).toMatch(/^The database has table "things" .*not enabled/);
  });

  it('accepts tables without tenant_id and the policy written in the other operand order', async () => {
    const dir = await migrationsDir({
      '0001_lookup.sql': 'create table colours (name text primary key);',
      '0002_things.sql': CREATE_THINGS.replace(THINGS_POLICY, `create policy p on things using (current_setting('app.tenant_id', true) = tenant_id);`),
    });
    const { db } = await open(dir);
    expect(await db.migrate()).toEqual([]);
  });
});
