import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NotFoundError } from '../errors/index.js';
import { notesTable } from '../../src/services/notes.js';
import type { TenantDb } from './index.js';
import { openTestDatabase, type TestDatabase } from './_testing.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await openTestDatabase();
});
afterAll(async () => {
  await test.cleanup();
});

type Who = 0 | 1;
/** `ref` picks one of the ids created so far (by either tenant), or a never-created id. */
type Command =
  | { op: 'create'; who: Who; title: string }
  | { op: 'get'; who: Who; ref: number }
  | { op: 'update'; who: Who; ref: number; title: string }
  | { op: 'delete'; who: Who; ref: number }
  | { op: 'list'; who: Who };

const who = fc.constantFrom<Who>(0, 1);
const title = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const ref = fc.nat({ max: 30 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), who, title }),
  fc.record({ op: fc.constant('get' as const), who, ref }),
  fc.record({ op: fc.constant('update' as const), who, ref, title }),
  fc.record({ op: fc.constant('delete' as const), who, ref }),
  fc.record({ op: fc.constant('list' as const), who }),
);

interface ModelRow {
  owner: Who;
  title: string;
}

async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(NotFoundError);
}

async function expectListMatches(handle: TenantDb, owner: Who, model: Map<string, ModelRow>): Promise<void> {
  const page = await handle.table(notesTable).list({ limit: 100 });
  const expected = [...model].filter(([, row]) => row.owner === owner).map(([id, row]) => ({ id, title: row.title }));
  const actual = page.items.map((n) => ({ id: n.id, title: n.title }));
  const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id);
  expect(actual.sort(byId)).toEqual(expected.sort(byId));
}

it("two tenants interleaving create/read/update/delete/list never touch each other's rows", { timeout: 240_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { maxLength: 20 }), async (commands) => {
      // Fresh tenants per run instead of truncating: earlier runs' rows stay, and must stay invisible.
      const run = randomUUID();
      const tenants: [TenantDb, TenantDb] = [test.db.forTenant(`a-${run}`), test.db.forTenant(`b-${run}`)];
      const model = new Map<string, ModelRow>();
      const ids: string[] = [];
      const idFor = (n: number): string => ids[n] ?? randomUUID();

      for (const cmd of commands) {
        const notes = tenants[cmd.who].table(notesTable);
        switch (cmd.op) {
          case 'create': {
            const note = await notes.insert({ title: cmd.title });
            expect(note.title).toBe(cmd.title);
            ids.push(note.id);
            model.set(note.id, { owner: cmd.who, title: cmd.title });
            break;
          }
          case 'get': {
            const id = idFor(cmd.ref);
            const row = model.get(id);
            if (row?.owner === cmd.who) expect((await notes.get(id)).title).toBe(row.title);
            else await expectNotFound(notes.get(id));
            break;
          }
          case 'update': {
            const id = idFor(cmd.ref);
            const row = model.get(id);
            if (row?.owner === cmd.who) {
              expect((await notes.update(id, { title: cmd.title })).title).toBe(cmd.title);
              row.title = cmd.title;
            } else {
              await expectNotFound(notes.update(id, { title: cmd.title }));
            }
            break;
          }
          case 'delete': {
            const id = idFor(cmd.ref);
            if (model.get(id)?.owner === cmd.who) {
              await notes.delete(id);
              model.delete(id);
            } else {
              await expectNotFound(notes.delete(id));
            }
            break;
          }
          case 'list':
            await expectListMatches(tenants[cmd.who], cmd.who, model);
            break;
        }
      }
      await expectListMatches(tenants[0], 0, model);
      await expectListMatches(tenants[1], 1, model);
    }),
    { numRuns: 25 },
  );
});
