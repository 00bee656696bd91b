import type supertest from 'supertest';
import type { TokenMinter } from './_tokens.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Requests already carrying one tenant's bearer token. */
export type TenantCaller = { readonly [M in Method]: (url: string) => supertest.Test };

export interface IsolationProbe {
  /** Shown when the probe fails, e.g. `PATCH /gadgets/:id`. */
  readonly name: string;
  /** The request the other tenant makes against the first tenant's object. */
  readonly send: (as: TenantCaller, id: string) => supertest.Test;
  /** `not-found`: a 404 problem; `absent`: a 2xx whose body never mentions the object. */
  readonly expect: 'not-found' | 'absent';
}

export interface IsolationCase {
  /** Granted to both tenants, so only the tenant differs. */
  readonly permissions: readonly string[];
  /** Creates an object as the first tenant and resolves to its id. */
  readonly create: (as: TenantCaller) => Promise<string>;
  /** Reads it back as the first tenant: before and after the probes, the answers must be equal. */
  readonly read: (as: TenantCaller, id: string) => supertest.Test;
  readonly probes: readonly IsolationProbe[];
}

export interface IsolationKit {
  request(): supertest.Agent;
  readonly tokens: TokenMinter;
}

function caller(kit: IsolationKit, token: string): TenantCaller {
  const auth = (test: supertest.Test) => test.set('Authorization', `Bearer ${token}`);
  return {
    get: (url) => auth(kit.request().get(url)),
    post: (url) => auth(kit.request().post(url)),
    put: (url) => auth(kit.request().put(url)),
    patch: (url) => auth(kit.request().patch(url)),
    delete: (url) => auth(kit.request().delete(url)),
  };
}

function verdict(probe: IsolationProbe, res: supertest.Response, id: string): string | undefined {
  const text = res.text ?? '';
  if (probe.expect === 'not-found') {
    if (res.status !== 404) return `${probe.name} answered ${res.status}, expected 404`;
  } else if (res.status < 200 || res.status > 299) {
    return `${probe.name} answered ${res.status}, expected a 2xx without the object`;
  }
  if (text.includes(id)) return `${probe.name} mentions the other tenant's object in its body`;
  return undefined;
}

/**
 * Runs the same requests as two tenants: the first creates an object, the second tries to read,
 * change, delete and list it. Throws, naming each probe that saw, changed or deleted anything,
 * or when the first tenant's object reads differently afterwards.
 *
 * @example
 * await expectTenantIsolation(kit, {
 *   permissions: ['gadgets:read', 'gadgets:write'],
 *   create: async (as) => (await as.post('/gadgets').send(VALID_BODY).expect(201)).body.id,
 *   read: (as, id) => as.get(`/gadgets/${id}`),
 *   probes: [
 *     { name: 'GET /gadgets/:id', send: (as, id) => as.get(`/gadgets/${id}`), expect: 'not-found' },
 *     { name: 'GET /gadgets', send: (as) => as.get('/gadgets'), expect: 'absent' },
 *   ],
 * });
 */
export async function expectTenantIsolation(kit: IsolationKit, spec: IsolationCase): Promise<void> {
  if (spec.probes.length === 0) throw new TypeError('"probes" must name at least one request of the other tenant');
  const owner = caller(kit, await kit.tokens.valid({ permissions: spec.permissions }));
  const other = caller(kit, await kit.tokens.otherTenant({ permissions: spec.permissions }));
  const id = await spec.create(owner);
  if (typeof id !== 'string' || id === '') throw new TypeError('"create" must resolve to the new object\'s id');
  const before = await spec.read(owner, id);
  if (before.status !== 200) throw new Error(`the first tenant cannot read its own object: ${before.status}`);
  const failures: string[] = [];
  for (const probe of spec.probes) {
    const problem = verdict(probe, await probe.send(other, id), id);
    if (problem !== undefined) failures.push(problem);
  }
  const after = await spec.read(owner, id);
  if (after.status !== 200) failures.push(`the first tenant's object is gone afterwards (${after.status})`);
  else if (JSON.stringify(after.body) !== JSON.stringify(before.body)) failures.push("the first tenant's object changed");
  if (failures.length > 0) throw new Error(`Tenant isolation broken as the other tenant: ${failures.join('; ')}`);
}
