import { randomUUID } from 'node:crypto';
import express from 'express';
import { announce, TENANT } from './_common.js';
import { notesDatabase, SELECT_NOTE, type NoteRow } from './_pglite.js';

// The floor: Express 5 with a JSON body parser and the same query, no auth, validation or logging.
const { db, noteId } = await notesDatabase();
const app = express();
app.use(express.json({ limit: '100kb' }));
app.post('/items', function createItem(req, res) {
  const body = req.body as { title: string; quantity: number; tags?: string[] };
  res.status(201).json({ id: randomUUID(), title: body.title, quantity: body.quantity, tags: body.tags ?? [] });
});
app.get('/notes/:noteId', async function getNote(req, res) {
  const { rows } = await db.query<NoteRow>(SELECT_NOTE, [TENANT, req.params.noteId]);
  const note = rows[0];
  if (note === undefined) return void res.status(404).end();
  res.json({ id: note.id, title: note.title, body: note.body, createdAt: note.created_at.toISOString() });
});
const server = app.listen(0, '127.0.0.1', () => announce(server, { noteId }));
