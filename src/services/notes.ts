import { defineTable, type Page, type Row, type TenantDb } from '../../blessed/db/index.js';

/** Mirrors src/migrations/0001_create_notes.sql; `tenant_id` is implied by every table. */
export const notesTable = defineTable({
  name: 'notes',
  columns: {
    id: { type: 'uuid', generated: true },
    title: { type: 'text' },
    body: { type: 'text', generated: true },
    created_at: { type: 'timestamptz', generated: true, immutable: true },
  },
  sortable: ['created_at', 'title'],
  filterable: ['title'],
});

export type Note = Row<typeof notesTable.columns>;

export interface ListNotesQuery {
  readonly limit?: number;
  readonly cursor?: string;
  readonly title?: string;
}

/** The tenant's notes, newest first. */
export function listNotes(db: TenantDb, query: ListNotesQuery = {}): Promise<Page<Note>> {
  return db.table(notesTable).list({
    orderBy: 'created_at',
    direction: 'desc',
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    ...(query.title === undefined ? {} : { where: { title: query.title } }),
  });
}

export function createNote(db: TenantDb, input: { readonly title: string; readonly body?: string }): Promise<Note> {
  return db.table(notesTable).insert(input.body === undefined ? { title: input.title } : { title: input.title, body: input.body });
}

/** NotFoundError (404) when the note is missing or belongs to another tenant. */
export function getNote(db: TenantDb, id: string): Promise<Note> {
  return db.table(notesTable).get(id);
}

export function updateNote(db: TenantDb, id: string, patch: { readonly title?: string; readonly body?: string }): Promise<Note> {
  return db.table(notesTable).update(id, {
    ...(patch.title === undefined ? {} : { title: patch.title }),
    ...(patch.body === undefined ? {} : { body: patch.body }),
  });
}

export function deleteNote(db: TenantDb, id: string): Promise<void> {
  return db.table(notesTable).delete(id);
}
