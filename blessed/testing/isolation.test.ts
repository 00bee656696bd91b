import { randomUUID } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, getAuth } from '../auth/index.js';
import { createTestKit, expectTenantIsolation, type IsolationCase, type TestAppSettings, type TestKit } from './index.js';

interface Thing {
  tenant: string;
  title: string;
}

/**
 * A tiny store with one switch per operation: scoped (the tenant must match) or leaky (it is
 * ignored). The helper must pass only when every operation is scoped.
 */
function createApp(leaks: Set<string>) {
  return function build({ auth }: TestAppSettings) {
    const things = new Map<string, Thing>();
    const app = express();
    app.use(express.json(), authenticate(auth));
    const tenant = (req: express.Request) => getAuth(req)?.tenantId ?? '';
    const find = (req: express.Request, op: string) => {
      const thing = things.get(String(req.params['id']));
      return thing !== undefined && (leaks.has(op) || thing.tenant === tenant(req)) ? thing : undefined;
    };
    app.post('/things', function create(req, res) {
      const id = randomUUID();
      things.set(id, { tenant: tenant(req), title: String(req.body.title) });
      res.status(201).json({ id });
    });
    app.get('/things', function list(req, res) {
      const items = [...things].filter(([, t]) => leaks.has('list') || t.tenant === tenant(req)).map(([id, t]) => ({ id, title: t.title }));
      res.json({ items });
    });
    app.get('/things/:id', function read(req, res) {
      const thing = find(req, 'get');
      if (thing === undefined) res.status(404).json({ status: 404 });
      else res.json({ id: req.params['id'], title: thing.title });
    });
    app.patch('/things/:id', function update(req, res) {
      const thing = find(req, 'patch');
      if (thing === undefined) res.status(404).json({ status: 404 });
      else res.json(Object.assign(thing, { title: String(req.body.title) }));
    });
    app.delete('/things/:id', function remove(req, res) {
      if (find(req, 'delete') === undefined) res.status(404).json({ status: 404 });
      else {
        things.delete(String(req.params['id']));
        res.status(204).end();
      }
    });
    return app;
  };
}

const CASE: IsolationCase = {
  permissions: ['things:read', 'things:write'],
  create: async (as) => (await as.post('/things').send({ title: 'mine' })).body.id as string,
  read: (as, id) => as.get(`/things/${id}`),
  probes: [
    { name: 'GET /things/:id', send: (as, id) => as.get(`/things/${id}`), expect: 'not-found' },
    { name: 'PATCH /things/:id', send: (as, id) => as.patch(`/things/${id}`).send({ title: 'theirs' }), expect: 'not-found' },
    { name: 'DELETE /things/:id', send: (as, id) => as.delete(`/things/${id}`), expect: 'not-found' },
    { name: 'GET /things', send: (as) => as.get('/things'), expect: 'absent' },
  ],
};

const leaks = new Set<string>();
let kit: TestKit;

beforeAll(async () => {
  kit = await createTestKit({ createApp: createApp(leaks) });
});
afterAll(() => kit.close());

describe('expectTenantIsolation', () => {
  it('passes when every operation is scoped to the tenant', async () => {
    leaks.clear();
    await expect(expectTenantIsolation(kit, CASE)).resolves.toBeUndefined();
  });

  it.each([
    ['get', /GET \/things\/:id answered 200, expected 404/],
    ['patch', /PATCH \/things\/:id answered 200.*; the first tenant's object changed/],
    ['delete', /DELETE \/things\/:id answered 204.*; the first tenant's object is gone afterwards \(404\)/],
    ['list', /GET \/things mentions the other tenant's object/],
  ])('fails, naming the probe, when %s ignores the tenant', async (op, message) => {
    leaks.clear();
    leaks.add(op);
    await expect(expectTenantIsolation(kit, CASE)).rejects.toThrow(message);
  });

  it('refuses a case without probes', async () => {
    await expect(expectTenantIsolation(kit, { ...CASE, probes: [] })).rejects.toThrow(/"probes" must name at least one/);
  });
});
