import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notesTable } from '../../src/services/notes.js';
import { AppError } from '../errors/index.js';
import type { Database } from './index.js';
import { openTestDatabase, type TestDatabase } from './_testing.js';

let test: TestDatabase;
let db: Database;
beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
});
afterAll(async () => {
  await test.cleanup();
});

function tenantId(): string {
  return `tenant-${randomUUID()}`;
}

/** The titles stored under `tenant`, as row-level security sees them (outside any transaction). */
async function storedTitles(tenant: string): Promise<string[]> {
  const rows = await db.forTenant(tenant).sql<{ title: string }>`select title from notes order by title`;
  return rows.map((row) => row.title);
}

describe('concurrent operations in one transaction', () => {
  it("stores each tenant's concurrent inserts as that tenant's rows", async () => {
    const a = tenantId();
    const b = tenantId();
    await db.withTransaction(async (tx) => {
      const notesA = tx.forTenant(a).table(notesTable);
      const notesB = tx.forTenant(b).table(notesTable);
      await Promise.all([notesA.insert({ title: 'a1' }), notesB.insert({ title: 'b1' }), notesA.insert({ title: 'a2' }), notesB.insert({ title: 'b2' })]);
    });
    expect(await storedTitles(a)).toEqual(['a1', 'a2']);
    expect(await storedTitles(b)).toEqual(['b1', 'b2']);
  });

  it('runs each concurrent raw query and listing under its own tenant', async () => {
    const a = tenantId();
    const b = tenantId();
    await db.forTenant(a).table(notesTable).insert({ title: 'only-a' });
    await db.forTenant(b).table(notesTable).insert({ title: 'only-b' });
    const seen = await db.withTransaction(async (tx) => {
      const [ta, tb] = [tx.forTenant(a), tx.forTenant(b)];
      return Promise.all([
        ta.sql<{ title: string }>`select title from notes`,
        tb.sql<{ title: string }>`select title from notes`,
        ta.table(notesTable).list(),
        tb.table(notesTable).list(),
        ta.sql<{ title: string }>`select title from notes`,
      ]);
    });
    expect(seen[0]).toEqual([{ title: 'only-a' }]);
    expect(seen[1]).toEqual([{ title: 'only-b' }]);
    expect(seen[2].items.map((n) => n.title)).toEqual(['only-a']);
    expect(seen[3].items.map((n) => n.title)).toEqual(['only-b']);
    expect(seen[4]).toEqual([{ title: 'only-a' }]);
  });
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('raw SQL cannot change the tenant context', () => {
  // Literal in the SQL text on purpose: without bound values a driver would use the simple
  // protocol, which runs several statements from one string.
  const VICTIM = 'victim-ctx';
  beforeAll(async () => {
    await db.forTenant(VICTIM).table(notesTable).insert({ title: 'victim secret' });
  });

  // Thunks, so each attempt starts only after the previous one was refused.
  it('refuses a second statement, so a setting changed first cannot serve a read after it', async () => {
    const attacker = db.forTenant(tenantId());
    const attempts = [
      () => attacker.sql`select set_config('app.tenant_id', 'victim-ctx', true); select title from notes`,
      () => attacker.sql`reset role; select title from notes`,
      () => attacker.sql`commit; select title from notes`,
      () => attacker.sql`set local app.tenant_id = 'victim-ctx'; select title from notes`,
    ];
    for (const attempt of attempts) {
      const err = await refusal(attempt());
      expect(err.status).toBe(500);
      expect(JSON.stringify(err)).not.toContain('victim secret');
    }
    expect(await storedTitles(VICTIM)).toEqual(['victim secret']);
  });

  it('refuses a statement that leaves the tenant setting or the role changed', async () => {
    const attacker = db.forTenant(tenantId());
    const attempts = [
      () => attacker.sql`select set_config('app.tenant_id', 'victim-ctx', true)`,
      () => attacker.sql`select set_config('app.tenant_id', 'victim-ctx', false)`,
      () => attacker.sql`set app.tenant_id = 'victim-ctx'`,
      () => attacker.sql`set local app.tenant_id to default`,
      () => attacker.sql`reset app.tenant_id`,
      () => attacker.sql`reset all`,
      () => attacker.sql`reset role`,
      () => attacker.sql`set role none`,
      () => attacker.sql`select set_config('role', 'none', true)`,
      () => attacker.sql`do $$ begin perform set_config('app.tenant_id', 'victim-ctx', true); end $$`,
    ];
    for (const attempt of attempts) {
      const err = await refusal(attempt());
      expect(err.code).toBe('ERR_DB_TENANT_CONTEXT');
      expect(err.status).toBe(500);
    }
  });

  it('rolls back a transaction whose context was tampered with, even when the caller catches', async () => {
    const me = tenantId();
    const seen = await db
      .withTransaction(async (tx) => {
        const handle = tx.forTenant(me);
        await handle.table(notesTable).insert({ title: 'written before' });
        await handle.sql`select set_config('app.tenant_id', 'victim-ctx', true)`.catch(() => undefined);
        return handle.sql<{ title: string }>`select title from notes`.catch((e: unknown) => e);
      })
      .catch((e: unknown) => e);
    expect(seen).toBeInstanceOf(AppError);
    expect((seen as AppError).code).toBe('ERR_DB_TENANT_CONTEXT');
    expect(await storedTitles(me)).toEqual([]);
    expect(await storedTitles(VICTIM)).toEqual(['victim secret']);
  });

  it('still runs one ordinary statement, with or without bound values', async () => {
    const me = db.forTenant(tenantId());
    await me.table(notesTable).insert({ title: 'mine' });
    expect(await me.sql`select title from notes`).toEqual([{ title: 'mine' }]);
    expect(await me.sql`select title from notes where title = ${'mine'};`).toEqual([{ title: 'mine' }]);
  });
});
