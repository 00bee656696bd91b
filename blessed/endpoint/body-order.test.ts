import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/app.js';
import { signToken } from '../auth/index.js';
import { createLogger } from '../logger/index.js';
import { createLogCapture } from '../testing/index.js';
import { field } from '../validation/index.js';
import { defineEndpoint } from './index.js';

const auth = { secret: randomBytes(32), issuer: 'body-order-test', audience: 'body-order-test' };
const handled: string[] = [];

const createThing = defineEndpoint({
  method: 'POST',
  path: '/things',
  permission: 'things:write',
  body: z.strictObject({ name: field.string({ max: 20 }) }),
  response: z.strictObject({ name: z.string() }),
  handler({ body }) {
    handled.push(body.name);
    return { name: body.name };
  },
});

const app = createApp({ auth }, { logger: createLogger({ level: 'silent', destination: createLogCapture().stream }), endpoints: [createThing] });
const oversized = JSON.stringify({ name: 'x'.repeat(200 * 1024) });
// 1 MiB of zeros in 1 KiB of gzip: well past the 100 KiB limit once inflated.
const bomb = gzipSync(Buffer.from(`{"name":"${'0'.repeat(1024 * 1024)}"}`));

function bearer(permissions: string[]): Promise<string> {
  return signToken({ ...auth, subject: 'user-1', tenantId: 'tenant-a', permissions }).then((t) => `Bearer ${t}`);
}

describe('request bodies are read only after authentication and authorisation', () => {
  it.each([
    ['an oversized body', 'application/json', undefined, oversized],
    ['a gzip bomb', 'application/json', 'gzip', bomb],
    ['a body that is not JSON', 'text/plain', undefined, 'hello'],
    ['malformed JSON', 'application/json', undefined, '{"name":'],
  ])('an anonymous POST with %s is a 401, not a body error', async (_label, type, encoding, body) => {
    let req = request(app).post('/things').set('Content-Type', type);
    if (encoding !== undefined) req = req.set('Content-Encoding', encoding);
    // supertest would serialise a Buffer as JSON; send the bytes as they are.
    const res = await req.serialize((data: unknown) => data as string).send(body);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERR_AUTH_UNAUTHENTICATED');
  });

  it('a token without the permission gets 403 before its body is looked at', async () => {
    const res = await request(app)
      .post('/things')
      .set('Authorization', await bearer(['things:read']))
      .set('Content-Type', 'application/json')
      .send(oversized);
    expect(res.status).toBe(403);
  });

  it('keeps 413, 415 and 400 for an authorised caller, in that order of checks', async () => {
    const authorization = await bearer(['things:write']);
    const big = await request(app).post('/things').set('Authorization', authorization).set('Content-Type', 'application/json').send(oversized);
    expect(big.status).toBe(413);
    const inflated = await request(app)
      .post('/things')
      .set('Authorization', authorization)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((data: unknown) => data as string)
      .send(bomb);
    expect(inflated.status).toBe(413);
    const text = await request(app)
      .post('/things')
      .set('Authorization', authorization)
      .set('Content-Type', 'text/plain')
      .send('x'.repeat(200 * 1024));
    expect(text.status).toBe(415);
    const malformed = await request(app).post('/things').set('Authorization', authorization).set('Content-Type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('ERR_MALFORMED_BODY');
    const ok = await request(app).post('/things').set('Authorization', authorization).set('Content-Type', 'application/json').send({ name: 'fine' });
    expect(ok.status).toBe(201);
    expect(handled).toContain('fine');
  });

  describe('on a real socket', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers an anonymous POST without waiting for the body it announced, and closes the connection', async () => {
      const answer = await new Promise<{ head: string; closed: boolean }>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port });
        let head = '';
        // 50 000 bytes announced, 10 sent: a server that reads the body before deciding waits forever.
        socket.write('POST /things HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n{"name":"a');
        socket.on('data', (chunk: Buffer) => (head += chunk.toString('latin1')));
        socket.on('error', reject);
        socket.on('close', () => resolve({ head, closed: true }));
        setTimeout(() => {
          socket.destroy();
          resolve({ head, closed: false });
        }, 5_000).unref();
      });
      expect(answer.head).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer.head.toLowerCase()).toContain('connection: close');
      expect(answer.closed).toBe(true);
    });
  });
});
