import { z } from 'zod';
import { defineEndpoint } from '../../blessed/endpoint/index.js';
import { field } from '../../blessed/validation/index.js';
import * as notesService from '../services/notes.js';
import { NoteResponse, toNoteResponse } from './_notes.js';

export const listNotes = defineEndpoint({
  method: 'GET',
  path: '/notes',
  permission: 'notes:read',
  summary: "The caller's tenant's notes, newest first",
  query: z.strictObject({
    limit: field.int({ min: 1, max: 100 }).optional(),
    cursor: field.string({ max: 512 }).optional(),
  }),
  response: z.strictObject({ items: z.array(NoteResponse), nextCursor: z.string().nullable() }),
  async handler({ query, db }) {
    const page = await notesService.listNotes(db, {
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return { items: page.items.map(toNoteResponse), nextCursor: page.nextCursor };
  },
});
