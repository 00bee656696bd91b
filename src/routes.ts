import type { Endpoint } from '../blessed/endpoint/index.js';
import { createNote } from './endpoints/create-note.js';
import { getNote } from './endpoints/get-note.js';
import { health } from './endpoints/health.js';
import { listNotes } from './endpoints/list-notes.js';

/**
 * The registry: the app mounts exactly these endpoints and the OpenAPI document is derived from
 * the same list. `npx generate endpoint` adds entries here; keep one entry per line.
 */
// biome-ignore format: one entry per line, so adding or removing an endpoint is a one-line diff
export const endpoints: readonly Endpoint[] = [
  health,
  listNotes,
  createNote,
  getNote,
];
