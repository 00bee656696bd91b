import { z } from 'zod';
import type { Note } from '../services/notes.js';

/** A note as clients see it: no tenant id, ISO timestamps. */
export const NoteResponse = z.strictObject({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  createdAt: z.iso.datetime(),
});

export type NoteResponse = z.infer<typeof NoteResponse>;

export function toNoteResponse(note: Note): NoteResponse {
  return { id: note.id, title: note.title, body: note.body, createdAt: note.created_at.toISOString() };
}
