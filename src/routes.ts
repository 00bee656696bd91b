import type { Endpoint } from '../blessed/endpoint/index.js';
import { createNoteEndpoint } from './endpoints/create-note.js';
import { getNoteEndpoint } from './endpoints/get-note.js';
import { health } from './endpoints/health.js';
import { listNotesEndpoint } from './endpoints/list-notes.js';

/**
 * The registry: the app mounts exactly these endpoints and the OpenAPI document is derived from
 * the same list. `npx generate endpoint` adds entries here; keep one entry per line.
 */
export const endpoints: readonly Endpoint[] = [
  health,
  listNotesEndpoint,
  createNoteEndpoint,
  getNoteEndpoint,
];
