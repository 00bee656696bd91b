import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestKit } from '../blessed/testing/index.js';
import { createKit } from './support/kit.js';

let kit: TestKit;
let token: string;

beforeAll(async () => {
  kit = await createKit();
  token = await kit.tokens.valid({ permissions: ['notes:read', 'notes:write'] });
});
afterAll(() => kit.close());

const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'title', 'body', 'tenant_id', 'polluted');
const key = fc.oneof(dangerousKey, fc.string({ maxLength: 12 }));
// Raw JSON text, so `__proto__` arrives as an own key exactly as an attacker would send it.
const hostileJson: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    tie('object'),
    tie('array'),
  ),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
})).value;

describe('the app under arbitrary JSON bodies', () => {
  it('never answers 5xx and never pollutes Object.prototype', async () => {
    await fc.assert(
      fc.asyncProperty(hostileJson, async (text) => {
        const res = await kit.request().post('/notes').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(text);
        expect(res.status).toBeLessThan(500);
        expect([201, 400]).toContain(res.status);
        expect(Object.prototype).not.toHaveProperty('polluted');
        expect(({} as Record<string, unknown>).title).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
