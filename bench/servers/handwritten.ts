import { createSecretKey, randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { jwtVerify, type JWTPayload } from 'jose';
import { pino } from 'pino';
import { z } from 'zod';
import { announce, AUTH, ItemBody, ItemResponse, NoteParams } from './_common.js';
import { notesDatabase, SELECT_NOTE, type NoteRow } from './_pglite.js';

// The same two routes written by hand with the same libraries and the same checks: jose with
// pinned algorithm, issuer, audience and required claims (key imported once, as jose advises),
// a permission check, zod strict parsing, a response schema, helmet, and a pino line per request.
const NoteResponse = z.strictObject({ id: z.uuid(), title: z.string(), body: z.string(), createdAt: z.iso.datetime() });
const key = createSecretKey(new TextEncoder().encode(AUTH.secret));
const logger = pino({ level: 'info' });
const { db, noteId } = await notesDatabase();

interface Identity {
  readonly tenantId: string;
  readonly permissions: readonly string[];
}

async function identify(req: Request): Promise<Identity | undefined> {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(header.slice(7), key, {
      algorithms: ['HS256'],
      issuer: AUTH.issuer,
      audience: AUTH.audience,
      requiredClaims: ['exp', 'sub', 'iss', 'aud'],
      clockTolerance: 5,
    }));
  } catch {
    return undefined;
  }
  const tenantId = payload['tenant_id'];
  const permissions = payload['permissions'];
  if (typeof tenantId !== 'string' || !Array.isArray(permissions)) return undefined;
  return { tenantId, permissions: permissions.filter((p): p is string => typeof p === 'string') };
}

function guard(permission: string) {
  return async function authorise(req: Request, res: Response, next: NextFunction) {
    const identity = await identify(req);
    if (identity === undefined) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ title: 'Unauthorized' });
    if (!identity.permissions.includes(permission)) return void res.status(403).json({ title: 'Forbidden' });
    res.locals['identity'] = identity;
    next();
  };
}

const app = express();
app.disable('x-powered-by');
app.use(function logRequest(req, res, next) {
  const started = process.hrtime.bigint();
  res.on('finish', () =>
    logger.info(
      { method: req.method, path: req.path, status: res.statusCode, durationMs: Number(process.hrtime.bigint() - started) / 1e6 },
      'request completed',
    ),
  );
  next();
});
app.use(helmet());
app.use(express.json({ limit: '100kb' }));
app.post('/items', guard('items:write'), function createItem(req, res) {
  const parsed = ItemBody.safeParse(req.body);
  if (!parsed.success) return void res.status(400).json({ title: 'Bad Request' });
  const body = parsed.data;
  res.status(201).json(ItemResponse.parse({ id: randomUUID(), title: body.title, quantity: body.quantity, tags: body.tags ?? [] }));
});
app.get('/notes/:noteId', guard('notes:read'), async function getNote(req, res) {
  const params = NoteParams.safeParse(req.params);
  if (!params.success) return void res.status(400).json({ title: 'Bad Request' });
  const identity = res.locals['identity'] as Identity;
  const { rows } = await db.query<NoteRow>(SELECT_NOTE, [identity.tenantId, params.data.noteId]);
  const note = rows[0];
  if (note === undefined) return void res.status(404).json({ title: 'Not Found' });
  res.json(NoteResponse.parse({ id: note.id, title: note.title, body: note.body, createdAt: note.created_at.toISOString() }));
});
const server = app.listen(0, '127.0.0.1', () => announce(server, { noteId }));
