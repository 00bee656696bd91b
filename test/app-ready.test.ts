import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../blessed/logger/index.js';
import { createLogCapture } from '../blessed/testing/index.js';
import { createApp } from '../src/app.js';
import { endpoints } from '../src/routes.js';

// The start-up contract: /health (liveness) answers while the database opens; other routes wait.
const secret = randomBytes(32);
const auth = { secret, issuer: 'ready-test', audience: 'ready-test' };
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function deferred(): { promise: Promise<void>; resolve(): void; reject(err: Error): void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function listen(ready: Promise<void>): Promise<string> {
  const app = createApp({ auth }, { logger: createLogger({ level: 'fatal', destination: createLogCapture().stream }), endpoints, ready });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function token(): Promise<string> {
  return new SignJWT({ tenant_id: 'acme', permissions: ['notes:read'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('alice')
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(secret);
}

describe('while the database opens', () => {
  it('answers the liveness probe at once and holds every other request until it is open', async () => {
    const opening = deferred();
    const base = await listen(opening.promise);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    let answered = false;
    const held = fetch(`${base}/notes/00000000-0000-4000-8000-000000000000`).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    opening.resolve();
    // Past the gate, the request meets the usual pipeline: no token, so 401.
    expect((await held).status).toBe(401);
  });

  it('answers 503 problem+json, never the route, when the database fails to open', async () => {
    const opening = deferred();
    const base = await listen(opening.promise);
    const held = fetch(`${base}/notes`, { headers: { authorization: `Bearer ${await token()}` } });
    opening.reject(new Error('migration refused'));
    const res = await held;
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, code: 'ERR_DB_UNAVAILABLE' });
    const later = await fetch(`${base}/notes`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(later.status).toBe(503);
  });
});
