import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../blessed/db/index.js';
import { defineEndpoint } from '../../blessed/endpoint/index.js';
import { createLogger } from '../../blessed/logger/index.js';
import { createApp } from '../../src/app.js';
import { getNote } from '../../src/endpoints/get-note.js';
import { notesTable } from '../../src/services/notes.js';
import { announce, AUTH, ItemBody, ItemResponse, TENANT } from './_common.js';

// The blessed stack as `npm start` builds it: createApp with the registry's pipeline.
const createItem = defineEndpoint({
  method: 'POST',
  path: '/items',
  permission: 'items:write',
  body: ItemBody,
  response: ItemResponse,
  handler({ body }) {
    return { id: randomUUID(), title: body.title, quantity: body.quantity, tags: body.tags ?? [] };
  },
});

const logger = createLogger({ level: 'info' });
const database = await openDatabase({ logger, migrationsDir: fileURLToPath(new URL('../../src/migrations', import.meta.url)) });
const note = await database.forTenant(TENANT).table(notesTable).insert({ title: 'bench note' });
// The limiters stay in the chain (their cost is part of the stack) with limits no bench run reaches.
const rateLimits = { windowMs: 60_000, anonymous: 10_000_000, authenticated: 10_000_000 };
const app = createApp({ auth: AUTH, rateLimits }, { logger, database, endpoints: [createItem, getNote] });
const server = app.listen(0, '127.0.0.1', () => announce(server, { noteId: note.id }));
