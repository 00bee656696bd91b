import { z } from 'zod';
import { defineEndpoint } from '../../blessed/endpoint/index.js';
import * as notesService from '../services/notes.js';
import { NoteResponse, toNoteResponse } from './_notes.js';

export const createNote = defineEndpoint({
  method: 'POST',
  path: '/notes',
  permission: 'notes:write',
  summary: "Create a note in the caller's tenant",
  body: z.strictObject({
    title: z.string().min(1).max(200),
    body: z.string().max(10_000).optional(),
  }),
  response: NoteResponse,
  async handler({ body, db }) {
    const note = await notesService.createNote(db, body.body === undefined ? { title: body.title } : { title: body.title, body: body.body });
    return toNoteResponse(note);
  },
});
