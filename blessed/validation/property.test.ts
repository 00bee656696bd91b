import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemHandler } from '../errors/index.js';
import { createLogger } from '../logger/index.js';
import { field, jsonBody, validate } from './index.js';

/** The kind of merge found in real handlers; it pollutes Object.prototype if `__proto__` reaches it. */
function naiveMerge(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (typeof source !== 'object' || source === null) return target;
  for (const key of Object.keys(source)) {
    const value = (source as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) {
      const next = target[key];
      target[key] = naiveMerge(typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {}, value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

const app = express();
app.use(jsonBody());
const anyBody = validate({ body: z.unknown() });
const recordBody = validate({ body: z.record(z.string(), z.unknown()) });
const shapedBody = validate({
  body: z.strictObject({ name: field.string().optional(), tags: z.array(z.string()).optional(), meta: z.strictObject({ polluted: z.number() }).optional() }),
});
for (const [path, check] of [
  ['/any', anyBody],
  ['/record', recordBody],
  ['/shaped', shapedBody],
] as const) {
  app.post(path, async function merge(req, res) {
    const { body } = await check(req);
    res.json(naiveMerge({}, body));
  });
}
app.use(problemHandler({ logger: createLogger({ level: 'silent' }) }));

/** JSON text built by hand, so `__proto__` stays a plain key instead of becoming a prototype. */
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'name', 'tags', 'meta'), fc.string({ maxLength: 6 }));
const { node } = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.jsonValue({ maxDepth: 0 }).map((value) => JSON.stringify(value)),
      fc.constant('1'),
    ),
    fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
}));
const jsonText = fc.oneof(node, fc.string({ maxLength: 20 }), fc.constant('{"__proto__":{"polluted":1}}'));

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Duplicate keys mean the text alone cannot say; JSON.parse keeps the last one, as the parser does. */
function hasReservedKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some((k) => ['__proto__', 'constructor', 'prototype'].includes(k) || hasReservedKey((value as Record<string, unknown>)[k]));
}

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>)['polluted'];
});

describe('arbitrary JSON bodies', () => {
  it('never cause a 5xx and never pollute Object.prototype', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, fc.constantFrom('/any', '/record', '/shaped'), async (text, path) => {
        const res = await request(app).post(path).set('Content-Type', 'application/json').send(text);
        expect(res.status).toBeLessThan(500);
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
        if (hasReservedKey(parsedOrUndefined(text))) expect(res.status).toBe(400);
      }),
      { numRuns: 300 },
    );
  });
});
