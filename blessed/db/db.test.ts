import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ConflictError, DependencyError, NotFoundError, problemFor, toAppError, ValidationError } from '../errors/index.js';
import { createNote, getNote, listNotes, notesTable } from '../../src/services/notes.js';
import { columnId, defineTable, openDatabase, tableId, type Database, type TenantDb } from './index.js';
import { openTestDatabase, recordingLogger, type TestDatabase } from './_testing.js';

let test: TestDatabase;
let db: Database;
beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
});
afterAll(async () => {
  await test.cleanup();
});

/** A fresh tenant per test keeps tests independent while sharing one database. */
function tenant(): TenantDb {
  return db.forTenant(`tenant-${randomUUID()}`);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('options and tenant handles', () => {
  it('names the bad option', async () => {
    const logger = recordingLogger();
    await expect(openDatabase({ logger, url: 'mysql://x' })).rejects.toThrow(new TypeError('"url" must be a postgres:// or postgresql:// URL'));
    await expect(openDatabase({ logger, schema: 'Bad-Name' })).rejects.toThrow(/"schema"/);
  });

  it('reports an unreachable server as a 503 dependency error', async () => {
    const err = await rejection(openDatabase({ logger: recordingLogger(), url: 'postgres://nobody:secret@127.0.0.1:1/none' }));
    expect(err).toBeInstanceOf(DependencyError);
    expect((err as DependencyError).status).toBe(503);
    expect((err as DependencyError).code).toBe('ERR_DB_UNAVAILABLE');
    expect((err as DependencyError).message).not.toContain('secret');
  });

  it('refuses a handle without a tenant', () => {
    expect(() => db.forTenant('')).toThrow(TypeError);
    expect(() => db.forTenant('   ')).toThrow(/"tenantId"/);
    expect(() => db.forTenant(undefined as unknown as string)).toThrow(/"tenantId"/);
  });
});

describe('tenant-scoped CRUD', () => {
  it('creates, reads, updates and deletes within one tenant', async () => {
    const notes = tenant().table(notesTable);
    const created = await notes.insert({ title: 'first', body: 'hello' });
    expect(created).toMatchObject({ title: 'first', body: 'hello' });
    expect(created.created_at).toBeInstanceOf(Date);
    expect(created).not.toHaveProperty('tenant_id');
    expect(await notes.get(created.id)).toEqual(created);
    expect(await notes.update(created.id, { title: 'renamed' })).toMatchObject({ id: created.id, title: 'renamed', body: 'hello' });
    await notes.delete(created.id);
    await expect(notes.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers another tenant exactly as it answers a missing row', async () => {
    const owner = tenant().table(notesTable);
    const other = tenant().table(notesTable);
    const note = await owner.insert({ title: 'private' });
    const attempts = [
      () => other.get(note.id),
      () => other.update(note.id, { title: 'stolen' }),
      () => other.delete(note.id),
      () => other.get(randomUUID()),
      () => other.get('not-a-uuid'),
    ];
    for (const attempt of attempts) {
      const err = await rejection(attempt());
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).detail).toBe('The resource does not exist.');
    }
    expect((await other.list()).items).toEqual([]);
    expect(await owner.get(note.id)).toMatchObject({ title: 'private' });
  });

  it('writes tenant_id itself and refuses it, unknown or immutable columns from callers', async () => {
    const notes = tenant().table(notesTable);
    const values = { title: 'x', tenant_id: 'someone-else' } as unknown as { title: string };
    await expect(notes.insert(values)).rejects.toThrow(new TypeError('"tenant_id" is written by the tenant handle, not by callers'));
    await expect(notes.insert({ title: 'x', colour: 'red' } as unknown as { title: string })).rejects.toThrow(/"colour" is not a column of table "notes"/);
    const note = await notes.insert({ title: 'x' });
    await expect(notes.update(note.id, { created_at: new Date() } as unknown as { title: string })).rejects.toThrow(/"created_at" is not an updatable column/);
    await expect(notes.update(note.id, { id: randomUUID() } as unknown as { title: string })).rejects.toThrow(/"id" is not an updatable column/);
  });

  it('maps a duplicate key to ConflictError', async () => {
    const notes = tenant().table(notesTable);
    const id = randomUUID();
    await notes.insert({ id, title: 'one' });
    await expect(notes.insert({ id, title: 'two' })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('parameterised by construction', () => {
  const payloads = ["'; DROP TABLE notes; --", '\\', '\\\\x00', '$1', '$1::text', "' OR '1'='1", '"quoted"', 'Ω≈ç√ 日本語 👩‍💻 \u202Eevil', '%_*', ');--'];

  it('stores and returns injection payloads literally, as values and as filters', async () => {
    const handle = tenant();
    const notes = handle.table(notesTable);
    for (const payload of payloads) {
      const note = await notes.insert({ title: payload, body: payload });
      expect(await notes.get(note.id)).toMatchObject({ title: payload, body: payload });
      const found = await notes.list({ where: { title: payload } });
      expect(found.items.map((n) => n.title)).toEqual([payload]);
      const raw = await handle.sql<{ title: string }>`select title from notes where title = ${payload}`;
      expect(raw).toEqual([{ title: payload }]);
    }
    expect((await notes.list({ limit: 100 })).items).toHaveLength(payloads.length);
  });

  it('refuses identifiers outside the allowlists', async () => {
    const notes = tenant().table(notesTable);
    await expect(notes.list({ orderBy: 'body' })).rejects.toThrow(new TypeError('"body" is not a sortable column of table "notes"'));
    await expect(notes.list({ orderBy: 'created_at; drop table notes' as 'title' })).rejects.toThrow(/is not a sortable column/);
    await expect(notes.list({ where: { tenant_id: 'other' } as unknown as { title: string } })).rejects.toThrow(/"tenant_id" is not a filterable column/);
    await expect(notes.list({ direction: 'asc; --' as 'asc' })).rejects.toThrow(/"direction"/);
    expect(() => columnId(notesTable, 'nope' as 'title')).toThrow(new TypeError('Unknown column "nope" for table "notes"'));
    expect(() => defineTable({ name: 'x; drop', columns: { id: { type: 'uuid' } } })).toThrow(TypeError);
  });

  it('bounds page sizes: more than 100 is refused, the default is 20', async () => {
    const notes = tenant().table(notesTable);
    await expect(notes.list({ limit: 10_000 })).rejects.toThrow(new TypeError('"limit" must be an integer from 1 to 100'));
    await expect(notes.list({ limit: 0 })).rejects.toThrow(/"limit"/);
    for (let i = 0; i < 23; i += 1) await notes.insert({ title: `n${String(i).padStart(2, '0')}` });
    const page = await notes.list();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('pages through every row exactly once and refuses a forged cursor', async () => {
    const notes = tenant().table(notesTable);
    const titles = Array.from({ length: 11 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    for (const title of titles) await notes.insert({ title });
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await notes.list({ orderBy: 'title', direction: 'desc', limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((n) => n.title));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...titles].reverse());
    await expect(notes.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    const other = (await notes.list({ orderBy: 'created_at', limit: 2 })).nextCursor ?? '';
    await expect(notes.list({ orderBy: 'title', cursor: other })).rejects.toBeInstanceOf(ValidationError);
  });

  it('binds raw-SQL interpolations and refuses SQL fragments', async () => {
    const handle = tenant();
    const rows = await handle.sql<{ v: string }>`select ${"1; select 'pwned'"}::text as v`;
    expect(rows).toEqual([{ v: "1; select 'pwned'" }]);
    await expect(handle.sql`select * from notes where ${sql.raw('true')}`).rejects.toThrow(/is a SQL fragment/);
    await expect(handle.sql(['select 1'] as unknown as TemplateStringsArray)).rejects.toThrow(/tagged template/);
    const named = await handle.sql`select ${columnId(notesTable, 'title')} from ${tableId(notesTable)}`;
    expect(named).toEqual([]);
  });

  it('surfaces database failures as a 500 whose response and reason hold no values', async () => {
    const err = await rejection(tenant().sql`select ${'secret-value-42'}::int`);
    expect(err).toBeInstanceOf(AppError);
    const appError = err as AppError;
    expect(appError.status).toBe(500);
    expect(appError.code).toBe('ERR_DB_QUERY');
    expect(appError.reason).toContain('$1');
    expect(appError.reason).not.toContain('secret-value-42');
    expect(appError.cause).toBeUndefined();
    const body = JSON.stringify(problemFor(toAppError(err), 'req-1'));
    expect(body).not.toMatch(/select|secret-value-42|22P02/i);
  });
});

describe('row-level security (second line, for raw SQL)', () => {
  it('limits raw queries to the tenant even without a where clause', async () => {
    const a = tenant();
    const b = tenant();
    await a.table(notesTable).insert({ title: 'a1' });
    await a.table(notesTable).insert({ title: 'a2' });
    await b.table(notesTable).insert({ title: 'b1' });
    const seenByB = await b.sql<{ title: string }>`select title from notes order by title`;
    expect(seenByB).toEqual([{ title: 'b1' }]);
    const updated = await b.sql`update notes set title = 'hijacked' returning id`;
    expect(updated).toHaveLength(1);
    expect((await a.table(notesTable).list()).items.map((n) => n.title).sort()).toEqual(['a1', 'a2']);
  });

  it('refuses a raw insert that names another tenant', async () => {
    const err = await rejection(tenant().sql`insert into notes (tenant_id, title) values (${'victim'}, 'planted')`);
    expect(err).toBeInstanceOf(AppError);
    await expect(db.forTenant('victim').sql`select id from notes`).resolves.toEqual([]);
  });
});

describe('transactions', () => {
  it('commits on success and rolls back every write on a throw', async () => {
    const id = `tenant-${randomUUID()}`;
    const boom = new Error('boom');
    const err = await rejection(
      db.withTransaction(async (tx) => {
        await tx.forTenant(id).table(notesTable).insert({ title: 'partial 1' });
        await tx.forTenant(id).table(notesTable).insert({ title: 'partial 2' });
        throw boom;
      }),
    );
    expect(err).toBe(boom);
    expect((await db.forTenant(id).table(notesTable).list()).items).toEqual([]);
    const kept = await db.withTransaction((tx) => tx.forTenant(id).table(notesTable).insert({ title: 'kept' }));
    expect(await db.forTenant(id).table(notesTable).get(kept.id)).toMatchObject({ title: 'kept' });
  });

  it('rolls back a tenant transaction and closes its handle when it ends', async () => {
    const handle = tenant();
    let leaked: TenantDb | undefined;
    await expect(
      handle.withTransaction(async (tx) => {
        leaked = tx;
        await tx.table(notesTable).insert({ title: 'gone' });
        await tx.table(notesTable).update(randomUUID(), { title: 'missing' });
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await handle.table(notesTable).list()).items).toEqual([]);
    await expect(leaked?.table(notesTable).list()).rejects.toThrow(/after its transaction ended/);
  });
});

describe('notes service', () => {
  it('creates, lists newest first and gets notes for one tenant only', async () => {
    const handle = tenant();
    const first = await createNote(handle, { title: 'one' });
    // Notes created within one clock tick tie on created_at and fall back to id order; newest
    // first is only defined a tick apart.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await createNote(handle, { title: 'two', body: 'b' });
    const page = await listNotes(handle, { limit: 10 });
    expect(page.items.map((n) => n.id)).toEqual([second.id, first.id]);
    expect((await listNotes(handle, { title: 'one' })).items.map((n) => n.id)).toEqual([first.id]);
    expect(await getNote(handle, first.id)).toEqual(first);
    await expect(getNote(tenant(), first.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
