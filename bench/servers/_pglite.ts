import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { TENANT } from './_common.js';

/** The embedded database with the project's migration applied and one note, as the comparison stacks use it. */
export async function notesDatabase(): Promise<{ readonly db: PGlite; readonly noteId: string }> {
  const db = await PGlite.create();
  await db.exec(readFileSync(new URL('../../src/migrations/0001_create_notes.sql', import.meta.url), 'utf8'));
  const { rows } = await db.query<{ id: string }>('insert into notes (tenant_id, title) values ($1, $2) returning id', [TENANT, 'bench note']);
  const noteId = rows[0]?.id;
  if (noteId === undefined) throw new Error('the bench note was not created');
  return { db, noteId };
}

export interface NoteRow {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly created_at: Date;
}

export const SELECT_NOTE = 'select id, title, body, created_at from notes where tenant_id = $1 and id = $2';
