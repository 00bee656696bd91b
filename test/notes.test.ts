import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type TestKit } from '../blessed/testing/index.js';
import { createKit } from './support/kit.js';

// The example endpoints end to end: auth, tenant isolation and validation on real data.
let kit: TestKit;
let readWrite: string;
let otherTenant: string;

beforeAll(async () => {
  kit = await createKit();
  readWrite = await kit.tokens.valid({ permissions: ['notes:read', 'notes:write'] });
  otherTenant = await kit.tokens.otherTenant({ permissions: ['notes:read', 'notes:write'] });
});
afterAll(() => kit.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function create(token: string, title: string) {
  const res = await kit.request().post('/notes').set(bearer(token)).send({ title });
  expect(res.status).toBe(201);
  return res.body as { id: string; title: string };
}

describe('notes', () => {
  it('creates, lists and reads a note within the tenant', async () => {
    const note = await create(readWrite, 'Quarterly plan');
    expect(note).toMatchObject({ title: 'Quarterly plan', body: '' });
    const list = await kit.request().get('/notes').set(bearer(readWrite));
    expect(list.status).toBe(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).toContain(note.id);
    const one = await kit.request().get(`/notes/${note.id}`).set(bearer(readWrite));
    expect(one.body).toEqual(note);
    expect(JSON.stringify(one.body)).not.toContain(kit.tenants.primary);
  });

  it("never shows one tenant another tenant's notes", async () => {
    const note = await create(readWrite, 'Tenant A only');
    const list = await kit.request().get('/notes').set(bearer(otherTenant));
    expect(list.status).toBe(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).not.toContain(note.id);
    const theirs = await kit.request().get(`/notes/${note.id}`).set(bearer(otherTenant));
    const missing = await kit.request().get(`/notes/${randomUUID()}`).set(bearer(otherTenant));
    expectProblem(theirs, 404);
    expectProblem(missing, 404);
    // Indistinguishable from a note that does not exist.
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(theirs.body)).toEqual(strip(missing.body));
  });

  it('ignores any tenant the client names and refuses it as input', async () => {
    const viaHeader = await kit.request().post('/notes').set(bearer(readWrite)).set('X-Tenant-Id', kit.tenants.other).send({ title: 'header' });
    expect(viaHeader.status).toBe(201);
    const seenByOther = await kit.request().get(`/notes/${viaHeader.body.id}`).set(bearer(otherTenant));
    expectProblem(seenByOther, 404);
    const viaBody = await kit.request().post('/notes').set(bearer(readWrite)).send({ title: 'body', tenant_id: kit.tenants.other });
    expectProblem(viaBody, 400);
    expect(viaBody.body.errors).toEqual([expect.objectContaining({ path: 'body.tenant_id' })]);
    const viaQuery = await kit.request().get(`/notes?tenant_id=${kit.tenants.other}`).set(bearer(readWrite));
    expectProblem(viaQuery, 400);
  });

  it('stores SQL-looking text literally', async () => {
    const title = "'; DROP TABLE notes; -- $1 \\ %s";
    const note = await create(readWrite, title);
    const one = await kit.request().get(`/notes/${note.id}`).set(bearer(readWrite));
    expect(one.body.title).toBe(title);
  });

  it.each([
    ['no token', async () => undefined],
    ['an expired token', () => kit.tokens.expired({ permissions: ['notes:read'] })],
    ['a wrong-audience token', () => kit.tokens.wrongAudience({ permissions: ['notes:read'] })],
    ['an alg:none token', () => kit.tokens.algNone({ permissions: ['notes:read'] })],
    ['a tampered token', () => kit.tokens.tampered({ permissions: ['notes:read'] })],
    ['a token signed with another key', () => kit.tokens.wrongKey({ permissions: ['notes:read'] })],
  ])('answers 401 to %s', async (_label, mint) => {
    const token = await mint();
    const req = kit.request().get('/notes');
    const res = token === undefined ? await req : await req.set(bearer(token));
    expectProblem(res, 401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 403 without the permission and writes nothing', async () => {
    const readOnly = await kit.tokens.withoutPermission('notes:write', { permissions: ['notes:read', 'notes:write'] });
    const res = await kit.request().post('/notes').set(bearer(readOnly)).send({ title: 'must not exist' });
    expectProblem(res, 403);
    const list = await kit.request().get('/notes?limit=100').set(bearer(readWrite));
    expect(list.body.items.map((n: { title: string }) => n.title)).not.toContain('must not exist');
  });

  it('refuses prototype keys, oversized bodies and lossy query values', async () => {
    const proto = await kit
      .request()
      .post('/notes')
      .set(bearer(readWrite))
      .set('Content-Type', 'application/json')
      .send('{"title":"x","__proto__":{"polluted":true}}');
    expectProblem(proto, 400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const big = await kit
      .request()
      .post('/notes')
      .set(bearer(readWrite))
      .send({ title: 'x'.repeat(200 * 1024) });
    expectProblem(big, 413);
    for (const limit of ['', '0x10', '1e1', '0', '101', '5&limit=6']) {
      const res = await kit.request().get(`/notes?limit=${limit}`).set(bearer(readWrite));
      expectProblem(res, 400);
    }
  });

  it('pages with a bounded limit', async () => {
    for (let i = 0; i < 3; i += 1) await create(readWrite, `page ${i}`);
    const first = await kit.request().get('/notes?limit=2').set(bearer(readWrite));
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await kit
      .request()
      .get(`/notes?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
      .set(bearer(readWrite));
    expect(second.status).toBe(200);
    const ids = new Set([...first.body.items, ...second.body.items].map((n: { id: string }) => n.id));
    expect(ids.size).toBe(4);
  });

  it('keeps every token out of the logs', () => {
    expect(kit.logs.lines().length).toBeGreaterThan(10);
    kit.expectLogsClean();
  });
});
