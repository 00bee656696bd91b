import { z } from 'zod';
import { defineEndpoint } from '../../blessed/endpoint/index.js';
import { field } from '../../blessed/validation/index.js';
import * as notesService from '../services/notes.js';
import { NoteResponse, toNoteResponse } from './_notes.js';

export const createNote = defineEndpoint({
  method: 'POST',
  path: '/notes',
  permission: 'notes:write',
  summary: "Create a note in the caller's tenant",
  body: z.strictObject({
    title: field.string({ min: 1, max: 200 }),
    body: field.string({ max: 10_000, multiline: true }).optional(),
  }),
  response: NoteResponse,
  async handler({ body, db }) {
    const note = await notesService.createNote(db, body.body === undefined ? { title: body.title } : { title: body.title, body: body.body });
    return toNoteResponse(note);
  },
});
