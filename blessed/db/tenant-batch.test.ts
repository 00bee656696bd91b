import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../testing/_recording.js';
import { grantTenantRole, openEngine, type Engine } from './_engine.js';
import { rootScope, runStatement } from './_tenant.js';

// The one-round-trip path (PGlite, outside a transaction) with the table's own tenant condition
// taken away: row-level security, under the tenant role, is then all that separates tenants.
let engine: Engine;
beforeAll(async () => {
  engine = await openEngine({ url: undefined, dataDir: undefined, schema: undefined, logger: createRecordingLogger() });
  await sql`create table batch_notes (tenant_id text not null, title text not null)`.execute(engine.kysely);
  await sql`alter table batch_notes enable row level security`.execute(engine.kysely);
  await sql`alter table batch_notes force row level security`.execute(engine.kysely);
  await sql`create policy batch_notes_tenant on batch_notes using (tenant_id = current_setting('app.tenant_id', true))`.execute(engine.kysely);
  await sql`insert into batch_notes values ('tenant-a', 'a1'), ('tenant-b', 'b1')`.execute(engine.kysely);
  await grantTenantRole(engine);
});
afterAll(async () => {
  await engine.kysely.destroy();
});

describe('one statement with the tenant settings (embedded engine)', () => {
  it('runs as the tenant role, so row-level security applies even to a statement without a tenant condition', async () => {
    expect(engine.runWithSettings).toBeDefined();
    const scope = rootScope(engine, () => true);
    const unfiltered = (db: Engine['kysely']) => db.selectFrom('batch_notes').select('title');
    expect(await runStatement<{ title: string }>(scope, 'tenant-a', unfiltered)).toEqual([{ title: 'a1' }]);
    expect(await runStatement<{ title: string }>(scope, 'tenant-b', unfiltered)).toEqual([{ title: 'b1' }]);
  });
});
