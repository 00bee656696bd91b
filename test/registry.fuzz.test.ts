import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../blessed/endpoint/index.js';
import type { TestKit } from '../blessed/testing/index.js';
import { endpoints } from '../src/routes.js';
import { createKit } from './support/kit.js';
import { hostileString, hostileValue, inputSchemaOf, looksStructured, mutated, pathSegment, stringLeaves, tamperedFrom, validish } from './support/fuzz.js';

// Every route of the registry (generated ones included) under hostile paths, queries, bodies and
// tokens: never a 5xx, never a stack trace in a body, never an error-level log line.
// `npm test` runs a few seconds' worth; for a long run: FUZZ_RUNS=2000 npx vitest run test/registry.fuzz.test.ts
const RUNS = Number.parseInt(process.env['FUZZ_RUNS'] ?? '', 10) || 80;
const STACK = /\bat [^\n]*:\d+:\d+|node_modules|URIError|TypeError/;

let kit: TestKit;
const seen = new Set<string>();
const permissions = [...new Set(endpoints.flatMap((e) => (e.access.kind === 'permission' ? [e.access.permission] : [])))];
const now = () => Math.floor(Date.now() / 1000);

type TokenSpec =
  | { readonly kind: 'valid' }
  | { readonly kind: 'none' }
  | { readonly kind: 'hostile'; readonly which: 'expired' | 'algNone' | 'tampered' | 'wrongKey' | 'wrongIssuer' }
  | { readonly kind: 'crafted'; readonly claims: Record<string, unknown>; readonly header: Record<string, unknown> }
  | { readonly kind: 'raw'; readonly header: string };

const oddClaim = fc.oneof(hostileValue, fc.constantFrom(' ', 't'.repeat(201), 'tenant\u0007', 'x'.repeat(300)));
const offset = (min: number, max: number) => fc.integer({ min, max }).map((seconds) => now() + seconds);
// One odd claim or header per token, so the others do not get it refused first.
const oddClaims: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  oddClaim.map((tenant_id) => ({ tenant_id })),
  oddClaim.map((sub) => ({ sub })),
  hostileValue.map((value) => ({ permissions: value })),
  hostileValue.map((scope) => ({ scope, permissions: undefined })),
  fc.oneof(offset(-200_000, 100_000), hostileValue).map((iat) => ({ iat })),
  fc.oneof(offset(-100, 100_000), hostileValue).map((exp) => ({ exp })),
);
const oddHeader = fc.oneof(
  fc.constant({}),
  fc.oneof(fc.constantFrom('JWT', 'at+jwt', 'secevent+jwt', 'logout+jwt', 'id_token+jwt'), hostileValue).map((typ) => ({ typ })),
);
const tokenSpec: fc.Arbitrary<TokenSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('crafted' as const), claims: oddClaims, header: oddHeader }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.constantFrom('expired', 'algNone', 'tampered', 'wrongKey', 'wrongIssuer').map((which) => ({ kind: 'hostile' as const, which })) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((text) => ({ kind: 'raw' as const, header: `Bearer ${text}` })) },
);

async function authorization(spec: TokenSpec): Promise<string | undefined> {
  switch (spec.kind) {
    case 'none':
      return undefined;
    case 'raw':
      return spec.header;
    case 'valid':
      return `Bearer ${await kit.tokens.valid({ permissions })}`;
    case 'hostile':
      return `Bearer ${await kit.tokens[spec.which]({ permissions })}`;
    case 'crafted':
      return `Bearer ${await kit.tokens.crafted({ permissions, ...spec.claims }, spec.header)}`;
  }
}

function queryValue(schema: ReturnType<typeof inputSchemaOf>, pool: readonly string[], known: boolean): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    // Mostly absent for a key the schema does not know: any such key alone is a 400 before the handler.
    { weight: known ? 3 : 16, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: validish(schema).map((value) => (typeof value === 'string' ? value : JSON.stringify(value))) },
    { weight: 1, arbitrary: hostileString },
    { weight: 3, arbitrary: tamperedFrom(pool) },
  );
}

/** One request: the endpoint's method (sometimes another), hostile path, query, body and token. */
function requestFor(endpoint: Endpoint, pool: readonly string[]) {
  const params = [...endpoint.path.matchAll(/:([A-Za-z0-9]+)/g)].map((match) => match[1] ?? '');
  const query = inputSchemaOf(endpoint.schemas.query);
  const queryKeys = [...Object.keys(query?.properties ?? {}), 'unknown'];
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(endpoint.method) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
      ),
      segments: fc.tuple(...params.map(() => pathSegment)),
      query: fc.tuple(...queryKeys.map((key) => queryValue(query?.properties?.[key], pool, key !== 'unknown'))),
      rawQuery: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('%ZZ=1', 'a=%FF', 'a[b]=1', 'a=1&a=2') }),
      body: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: mutated(inputSchemaOf(endpoint.schemas.body)) }),
      token: tokenSpec,
    })
    .map((input) => {
      let path = endpoint.path;
      params.forEach((name, index) => (path = path.replace(`:${name}`, input.segments[index] ?? '')));
      const pairs = queryKeys.flatMap((key, index) => {
        const value = input.query[index];
        return value === undefined ? [] : [`${key}=${encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?'))}`];
      });
      if (input.rawQuery !== null) pairs.push(input.rawQuery);
      return { ...input, url: pairs.length === 0 ? path : `${path}?${pairs.join('&')}` };
    });
}

async function send(method: string, url: string, auth: string | undefined, body: unknown) {
  let pending = kit.request()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url);
  if (auth !== undefined) pending = pending.set('Authorization', auth);
  if (body !== undefined && body !== null && method !== 'GET') pending = pending.set('Content-Type', 'application/json').send(JSON.stringify(body));
  return pending;
}

beforeAll(async () => {
  kit = await createKit();
  // Warm-up with schema-valid input, so listings have pages and responses yield ids and cursors to tamper with.
  const auth = `Bearer ${await kit.tokens.valid({ permissions })}`;
  for (const endpoint of endpoints) {
    const bodies = fc.sample(validish(inputSchemaOf(endpoint.schemas.body)), { numRuns: endpoint.method === 'GET' ? 1 : 25, seed: 1 });
    for (const body of bodies) {
      const res = await send(endpoint.method, endpoint.path.replace(/:[A-Za-z0-9]+/g, '00000000-0000-4000-8000-000000000000'), auth, body);
      if (res.status < 300) stringLeaves(res.body, seen);
    }
  }
  for (const endpoint of endpoints.filter((e) => e.method === 'GET' && !e.path.includes(':'))) {
    stringLeaves((await send('GET', endpoint.path, auth, undefined)).body, seen);
  }
}, 120_000);
afterAll(() => kit.close());

describe('the registry under hostile input', () => {
  it(`never answers 5xx, leaks a stack or logs an error (${RUNS} requests over ${endpoints.length} routes)`, async () => {
    // Structured values (base64url JSON, such as cursors) are the ones worth tampering with first.
    const structured = [...seen].filter(looksStructured);
    const pool = structured.length > 0 ? structured : [...seen].slice(0, 200);
    if (pool.length === 0) pool.push('seed');
    const anyRequest = fc.oneof(...endpoints.map((endpoint) => requestFor(endpoint, pool)));
    await fc.assert(
      fc.asyncProperty(anyRequest, async (input) => {
        kit.logs.clear();
        const res = await send(input.method, input.url, await authorization(input.token), input.body ?? undefined);
        const errors = kit.logs.lines().filter((line) => typeof line['level'] === 'number' && line['level'] >= 50);
        const where = `${input.method} ${input.url} (${input.token.kind}) answered ${res.status}`;
        expect(res.status, where).toBeLessThan(500);
        expect(res.text, `${where}: stack or library text in the body`).not.toMatch(STACK);
        // 431 comes from Node's HTTP parser (headers over 16 KB) before the app sees the request.
        if (res.status >= 400 && res.status !== 431) expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json/);
        expect(
          errors.map((line) => line['msg']),
          `${where}: error-level log`,
        ).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    kit.expectLogsClean();
  }, 600_000);
});
