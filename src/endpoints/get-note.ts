import { z } from 'zod';
import { defineEndpoint } from '../../blessed/endpoint/index.js';
import { field } from '../../blessed/validation/index.js';
import * as notesService from '../services/notes.js';
import { NoteResponse, toNoteResponse } from './_notes.js';

export const getNote = defineEndpoint({
  method: 'GET',
  path: '/notes/:noteId',
  permission: 'notes:read',
  summary: "One note of the caller's tenant; another tenant's note is a 404",
  params: z.strictObject({ noteId: field.uuid() }),
  response: NoteResponse,
  async handler({ params, db }) {
    return toNoteResponse(await notesService.getNote(db, params.noteId));
  },
});
