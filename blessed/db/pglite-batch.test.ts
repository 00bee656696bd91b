import { CompiledQuery, Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../testing/_recording.js';
import type { LooseDb } from './_engine.js';
import { createPglite } from './_initial-data.js';
import { pgliteDialect, type RunWithSettings } from './_pglite-dialect.js';

// The one-round-trip path of the embedded engine: settings and statement in one implicit transaction.
let kysely: Kysely<LooseDb>;
let run: RunWithSettings;
beforeAll(async () => {
  const pglite = await createPglite(undefined, createRecordingLogger());
  const { dialect, runWithSettings } = pgliteDialect(pglite);
  kysely = new Kysely<LooseDb>({ dialect });
  run = runWithSettings;
  await sql`create table batch_items (id integer primary key, tenant text not null)`.execute(kysely);
});
afterAll(async () => {
  await kysely.destroy();
});

const SETTING = 'app.tenant_id';
const readSetting = CompiledQuery.raw(`select current_setting('${SETTING}', true) as value`);

async function sessionSetting(): Promise<string | null> {
  const { rows } = await sql<{ value: string | null }>`select current_setting(${SETTING}, true) as value`.execute(kysely);
  return rows[0]?.value ?? null;
}

describe('runWithSettings (embedded engine)', () => {
  it('applies the settings to the statement and to nothing after it', async () => {
    const { rows } = await run<{ value: string }>([[SETTING, 'tenant-a']], readSetting);
    expect(rows).toEqual([{ value: 'tenant-a' }]);
    // Local to the batch's own transaction: the session never keeps the tenant.
    expect(await sessionSetting()).not.toBe('tenant-a');
  });

  it('binds values with their inferred types and reports affected rows', async () => {
    const insert = CompiledQuery.raw('insert into batch_items (id, tenant) values ($1, current_setting($2)) returning id, tenant', [7, SETTING]);
    const result = await run<{ id: number; tenant: string }>([[SETTING, 'tenant-b']], insert);
    expect(result.rows).toEqual([{ id: 7, tenant: 'tenant-b' }]);
    expect(result.numAffectedRows).toBe(1n);
  });

  it('rolls the statement back with the settings when it fails, and leaves no transaction open', async () => {
    const twice = CompiledQuery.raw('insert into batch_items (id, tenant) values ($1, $2), ($1, $2)', [8, 'x']);
    await expect(run([[SETTING, 'tenant-c']], twice)).rejects.toMatchObject({ code: '23505' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from batch_items where id = 8`.execute(kysely);
    expect(rows[0]?.n).toBe(0);
    expect(await sessionSetting()).not.toBe('tenant-c');
  });

  it('waits for an open transaction instead of running inside it', async () => {
    let batch: Promise<{ rows: { value: string }[] }> | undefined;
    let settledInside = false;
    await kysely.transaction().execute(async (trx) => {
      await sql`select set_config(${SETTING}, 'outer', true)`.execute(trx);
      batch = run<{ value: string }>([[SETTING, 'inner']], readSetting);
      void batch.then(() => (settledInside = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows } = await sql<{ value: string }>`select current_setting(${SETTING}, true) as value`.execute(trx);
      expect(rows[0]?.value).toBe('outer');
    });
    expect(settledInside).toBe(false);
    expect((await batch)?.rows).toEqual([{ value: 'inner' }]);
  });
});
