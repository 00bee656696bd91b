import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLogging } from '../logger/index.js';
import { createLogCapture } from '../testing/index.js';
import { problemHandler, toAppError } from './index.js';

function appThrowing(thrown: unknown) {
  const logs = createLogCapture();
  const logger = createLogger({ level: 'trace', destination: logs.stream });
  const app = express();
  app.use(requestLogging({ logger }));
  app.get('/items/:itemId', function item(req, res) {
    res.json({ itemId: req.params.itemId });
  });
  app.get('/throws', function throws() {
    throw thrown;
  });
  app.use(problemHandler({ logger }));
  return { app, logs };
}

const levels = (logs: ReturnType<typeof createLogCapture>) => logs.lines().map((line) => line['level']);

describe('problemHandler and library errors', () => {
  it.each(['%ZZ', '%C0%AF', '%FF', '%E0%A4%A'])('answers a malformed escape %s in a path parameter with a 400, logged at info', async (badEscape) => {
    const { app, logs } = appThrowing(undefined);
    const res = await request(app).get(`/items/${badEscape}`);
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, code: 'ERR_MALFORMED_PATH', title: 'Bad Request' });
    expect(res.text).not.toContain(badEscape);
    expect(res.text).not.toMatch(/URIError|Failed to decode/);
    expect(logs.lines().find((line) => line['msg'] === 'request rejected')?.['code']).toBe('ERR_MALFORMED_PATH');
    expect(levels(logs).every((level) => typeof level === 'number' && level < 50)).toBe(true);
  });

  it('keeps the 4xx a library error claims, never its message', async () => {
    const err = Object.assign(new Error('token sk_live_123 refused'), { statusCode: 429 });
    const { app, logs } = appThrowing(err);
    const res = await request(app).get('/throws');
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'ERR_REQUEST_REJECTED', title: 'Too Many Requests' });
    expect(res.text).not.toContain('sk_live');
    expect(logs.text()).not.toContain('sk_live');
  });

  it('maps a body-parser error of an unknown type by its status', () => {
    const err = Object.assign(new Error('raw body text'), { type: 'entity.verify.failed', status: 403 });
    expect(toAppError(err)).toMatchObject({ status: 403, code: 'ERR_REQUEST_REJECTED' });
  });

  it.each([
    ['a 5xx status', Object.assign(new Error('upstream'), { status: 503 })],
    ['a 3xx status', Object.assign(new Error('moved'), { status: 302 })],
    ['a status that is not a number', Object.assign(new Error('odd'), { status: '400' })],
    ['a URIError without a status', new URIError('URI malformed')],
    ['a non-error', 'a string'],
  ])('still treats %s as our bug: 500 with nothing of it in the body', async (_name, thrown) => {
    const { app, logs } = appThrowing(thrown);
    const res = await request(app).get('/throws');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_INTERNAL');
    expect(res.text).not.toMatch(/upstream|moved|odd|malformed|a string/);
    expect(levels(logs)).toContain(50);
  });
});
