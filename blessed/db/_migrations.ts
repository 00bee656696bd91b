import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { AppError } from '../errors/index.js';
import type { Logger } from '../logger/_types.js';
import { grantTenantRole, MIGRATION_LOCK, MIGRATIONS_TABLE, type Engine } from './_engine.js';
import { toDbError } from './_errors.js';
import { gapKey, rlsGaps, type RlsGap } from './_rls.js';

interface MigrationFile {
  readonly name: string;
  readonly text: string;
  readonly checksum: string;
}

const MIGRATION_NAME = /^\d+_[a-z0-9_-]+\.sql$/;

function migrationError(code: string, reason: string): AppError {
  return new AppError(500, code, 'Internal Server Error', { detail: 'An unexpected error occurred.', reason });
}

function describe(gap: RlsGap): string {
  const name = gap.inCurrentSchema ? gap.table : `${gap.schema}.${gap.table}`;
  return `table "${name}" (it has tenant_id) without the tenant row-level security: ${gap.problem}`;
}

/** Row-level security is the second line only if every tenant table has it; see the README. */
function rlsError(reason: string): AppError {
  return migrationError('ERR_DB_MIGRATION_RLS', reason);
}

/** Every `*.sql` file of the folder, ordered by name; a `.sql` file with an odd name is an error. */
async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const bad = names.find((name) => !MIGRATION_NAME.test(name));
  if (bad !== undefined) {
    throw migrationError('ERR_DB_MIGRATION_NAME', `Migration file "${bad}" must be named like 0001_create_things.sql`);
  }
  return Promise.all(
    names.map(async function load(name) {
      const text = await readFile(join(dir, name), 'utf8');
      return { name, text, checksum: createHash('sha256').update(text).digest('hex') };
    }),
  );
}

/**
 * Applies the pending migrations of `dir` in name order, each in its own transaction together with
 * its ledger row, so a failing file leaves nothing behind and a finished one never runs again.
 * An applied file whose content changed is an error: history is not rewritten silently.
 */
export async function applyMigrations(engine: Engine, dir: string, logger: Logger): Promise<string[]> {
  const files = await readMigrations(dir);
  const applied: string[] = [];
  for (const file of files) {
    const ran = await engine.kysely.transaction().execute(async function applyOne(trx) {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(trx);
      const done = await trx.selectFrom(MIGRATIONS_TABLE).select('checksum').where('name', '=', file.name).executeTakeFirst();
      if (done !== undefined) {
        if (done['checksum'] !== file.checksum) {
          throw migrationError('ERR_DB_MIGRATION_CHANGED', `Migration "${file.name}" was changed after it was applied; add a new migration instead`);
        }
        return false;
      }
      const before = new Set((await rlsGaps(trx)).map(gapKey));
      try {
        // Migration files are reviewed code in the repository, never input.
        await trx.executeQuery(CompiledQuery.raw(file.text));
      } catch (err) {
        const cause = toDbError(err, file.name);
        throw migrationError('ERR_DB_MIGRATION_FAILED', `Migration "${file.name}" failed: ${cause.reason ?? cause.message}`);
      }
      // Checked inside the migration's own transaction, so a refused file leaves nothing behind.
      // Gaps in other schemas that were there before are someone else's; new ones are this file's.
      const gap = (await rlsGaps(trx)).find((g) => g.inCurrentSchema || !before.has(gapKey(g)));
      if (gap !== undefined) throw rlsError(`Migration "${file.name}" leaves ${describe(gap)}; it was not applied`);
      await trx.insertInto(MIGRATIONS_TABLE).values({ name: file.name, checksum: file.checksum }).execute();
      return true;
    });
    if (ran) {
      applied.push(file.name);
      logger.info({ migration: file.name }, 'migration applied');
    }
  }
  // A database migrated before this check existed may still hold such a table: refuse to run on it.
  const legacy = (await rlsGaps(engine.kysely)).find((g) => g.inCurrentSchema);
  if (legacy !== undefined) throw rlsError(`The database has ${describe(legacy)}; fix it with a new migration`);
  if (applied.length > 0) await grantTenantRole(engine);
  return applied;
}
