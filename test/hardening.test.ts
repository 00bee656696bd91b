import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type TestKit } from '../blessed/testing/index.js';
import { createKit } from './support/kit.js';

// Client input that once reached the database or the router unchecked and came back as a 500.
// Each case is a 4xx problem+json, logged below error level.

let kit: TestKit;
let readWrite: string;

beforeAll(async () => {
  kit = await createKit();
  readWrite = await kit.tokens.valid({ permissions: ['notes:read', 'notes:write'] });
});
afterAll(() => kit.close());

function bearer(token: string) {
  return { Authorization: `Bearer ${token}` };
}

function errorLines() {
  return kit.logs.lines().filter((line) => typeof line['level'] === 'number' && line['level'] >= 50);
}

function forgedCursor(parts: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

describe('malformed percent-escapes in a path parameter', () => {
  it.each([
    ['GET', '/notes/%ZZ'],
    ['GET', '/notes/%C0%AF'],
    ['DELETE', '/notes/%FF'],
    ['GET', '/notes/%E0%A4%A'],
  ])('%s %s is a 400 problem, without a token and with one', async (method, path) => {
    kit.logs.clear();
    const anonymous = await kit.request()[method === 'GET' ? 'get' : 'delete'](path);
    expectProblem(anonymous, 400);
    expect(anonymous.body.code).toBe('ERR_MALFORMED_PATH');
    expect(anonymous.text).not.toMatch(/URIError|decode|at .*\.js/);
    const authenticated = await kit.request()[method === 'GET' ? 'get' : 'delete'](path).set(bearer(readWrite));
    expectProblem(authenticated, 400);
    expect(errorLines()).toEqual([]);
  });
});

describe('control characters in stored strings', () => {
  it.each([
    ['a NUL in the title', { title: 'a\u0000b' }, 'body.title'],
    ['a bell in the title', { title: 'a\u0007b' }, 'body.title'],
    ['a newline in the title', { title: 'two\nlines' }, 'body.title'],
    ['a NUL in the multi-line body', { title: 'ok', body: 'x\u0000y' }, 'body.body'],
    ['an escape in the multi-line body', { title: 'ok', body: 'x\u001by' }, 'body.body'],
  ])('refuses %s with a 400 naming the field and not echoing it', async (_name, body, path) => {
    kit.logs.clear();
    const res = await kit.request().post('/notes').set(bearer(readWrite)).send(body);
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([{ path, message: expect.any(String) }]);
    expect(res.text).not.toMatch(/\\u000[017]|\\u001b/);
    expect(errorLines()).toEqual([]);
  });

  it('keeps tabs and newlines in the multi-line body', async () => {
    const res = await kit.request().post('/notes').set(bearer(readWrite)).send({ title: 'ok', body: 'line one\n\tline two\r\n' });
    expect(res.status).toBe(201);
    expect(res.body.body).toBe('line one\n\tline two\r\n');
  });
});

describe('forged pagination cursors', () => {
  const id = randomUUID();
  it.each([
    ['a word for the timestamp', forgedCursor(['created_at', 'desc', 'abc', id])],
    ['a non-uuid key', forgedCursor(['created_at', 'desc', '2026-01-01 00:00:00+00', 'not-a-uuid'])],
    ['a NUL in the value', forgedCursor(['created_at', 'desc', '2026\u0000', id])],
    ['an unknown key', forgedCursor(['created_at', 'desc', '2026-01-01 00:00:00+00', id, 'extra'])],
    ['an object', Buffer.from(JSON.stringify({ orderBy: 'created_at', value: 'abc' })).toString('base64url')],
    ['garbage', 'not-a-cursor'],
  ])('refuses %s with a 400', async (_name, cursor) => {
    kit.logs.clear();
    const res = await kit
      .request()
      .get(`/notes?cursor=${encodeURIComponent(cursor)}`)
      .set(bearer(readWrite));
    expectProblem(res, 400);
    expect(res.body.code).toBe('ERR_VALIDATION');
    expect(errorLines()).toEqual([]);
  });

  it('refuses a genuine cursor after any change to it, and one handed to another tenant', async () => {
    for (let index = 0; index < 3; index += 1) {
      await kit
        .request()
        .post('/notes')
        .set(bearer(readWrite))
        .send({ title: `page ${index}` })
        .expect(201);
    }
    const first = await kit.request().get('/notes?limit=1').set(bearer(readWrite)).expect(200);
    const cursor = first.body.nextCursor as string;
    const [payload = '', mac = ''] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    const retimed = Buffer.from(JSON.stringify([decoded[0], decoded[1], '1999-01-01 00:00:00+00', decoded[3]])).toString('base64url');
    const flipped = `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    for (const tampered of [`${retimed}.${mac}`, flipped, payload, `${payload}.`]) {
      const res = await kit
        .request()
        .get(`/notes?limit=1&cursor=${encodeURIComponent(tampered)}`)
        .set(bearer(readWrite));
      expectProblem(res, 400);
    }
    const other = await kit.tokens.otherTenant({ permissions: ['notes:read'] });
    expectProblem(
      await kit
        .request()
        .get(`/notes?limit=1&cursor=${encodeURIComponent(cursor)}`)
        .set(bearer(other)),
      400,
    );
    const second = await kit
      .request()
      .get(`/notes?limit=1&cursor=${encodeURIComponent(cursor)}`)
      .set(bearer(readWrite))
      .expect(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});

describe('tenant ids the data layer would refuse', () => {
  it.each([
    ['blank', ' '],
    ['empty', ''],
    ['201 characters', 't'.repeat(201)],
    ['a control character', 'tenant\u0007a'],
    ['a NUL', 'tenant\u0000a'],
    ['a lone surrogate', 'tenant\ud800'],
    ['a number', 42],
  ])('answers 401 to a signed token whose tenant is %s', async (_name, tenantId) => {
    kit.logs.clear();
    const token = await kit.tokens.crafted({ tenant_id: tenantId, permissions: ['notes:read', 'notes:write'] });
    const listed = await kit.request().get('/notes').set(bearer(token));
    expectProblem(listed, 401);
    const created = await kit.request().post('/notes').set(bearer(token)).send({ title: 'x' });
    expectProblem(created, 401);
    const rejected = kit.logs.lines().find((line) => line['msg'] === 'request rejected');
    expect(rejected?.['code']).toBe('ERR_AUTH_CLAIMS_INVALID');
    expect(errorLines()).toEqual([]);
  });

  it('accepts the longest tenant id the data layer stores', async () => {
    const token = await kit.tokens.crafted({ tenant_id: 't'.repeat(200), permissions: ['notes:read'] });
    await kit.request().get('/notes').set(bearer(token)).expect(200);
  });
});

describe('token type and age', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each(['JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt', 'application/jwt', undefined])('accepts typ %s', async (typ) => {
    const token = await kit.tokens.crafted({ permissions: ['notes:read'] }, { typ });
    await kit.request().get('/notes').set(bearer(token)).expect(200);
  });

  it.each(['secevent+jwt', 'logout+jwt', 'application/logout+jwt', 'id_token+jwt', 'dpop+jwt', 'JOSE', 'at+jwt ', ''])('refuses typ %j', async (typ) => {
    const token = await kit.tokens.crafted({ permissions: ['notes:read'] }, { typ });
    expectProblem(await kit.request().get('/notes').set(bearer(token)), 401);
  });

  it('refuses a non-string typ', async () => {
    const token = await kit.tokens.crafted({ permissions: ['notes:read'] }, { typ: 7 });
    expectProblem(await kit.request().get('/notes').set(bearer(token)), 401);
  });

  it('refuses a token issued more than 24 hours ago even when it has not expired', async () => {
    const token = await kit.tokens.crafted({ permissions: ['notes:read'], iat: now() - 25 * 3600, exp: now() + 3600 });
    expectProblem(await kit.request().get('/notes').set(bearer(token)), 401);
    const fresh = await kit.tokens.crafted({ permissions: ['notes:read'], iat: now() - 23 * 3600, exp: now() + 3600 });
    await kit.request().get('/notes').set(bearer(fresh)).expect(200);
  });

  it('refuses a token issued in the future beyond the clock tolerance, and one without iat', async () => {
    const future = await kit.tokens.crafted({ permissions: ['notes:read'], iat: now() + 3600, exp: now() + 7200 });
    expectProblem(await kit.request().get('/notes').set(bearer(future)), 401);
    const undated = await kit.tokens.crafted({ permissions: ['notes:read'], iat: undefined });
    expectProblem(await kit.request().get('/notes').set(bearer(undated)), 401);
    const skewed = await kit.tokens.crafted({ permissions: ['notes:read'], iat: now() + 2 });
    await kit.request().get('/notes').set(bearer(skewed)).expect(200);
  });
});
