import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ZodType } from 'zod';
import { describePath } from './_paths.js';

/** The paths zod reports for a value, as the client would print them. */
function printed(schema: ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to fail the schema');
  return result.error.issues.map((issue) => describePath(schema, issue.path));
}

describe('issue paths', () => {
  it('follows wrappers, unions, pipes and tuples to the keys they declare', () => {
    const shipment = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('parcel'), weight: z.number() }),
      z.object({ kind: z.literal('letter'), stamps: z.tuple([z.string(), z.number()]) }),
    ]);
    const schema = z.object({
      shipments: z.array(shipment).optional(),
      owner: z.object({ name: z.string() }).nullable().readonly(),
      total: z.string().transform(Number).pipe(z.number().int()),
      lines: z.array(z.object({ qty: z.number() })).default([]),
    });
    const value = {
      shipments: [
        { kind: 'parcel', weight: 'x' },
        { kind: 'letter', stamps: ['a', 'b'] },
      ],
      owner: { name: 3 },
      total: '1.5',
      lines: [{ qty: null }],
    };
    expect(printed(schema, value).sort()).toEqual(
      ['body.lines.0.qty', 'body.owner.name', 'body.shipments.0.weight', 'body.shipments.1.stamps.1', 'body.total'].sort(),
    );
  });

  it('replaces keys of records, maps and catch-alls, and keeps following their values', () => {
    const schema = z.object({
      byUser: z.record(z.string(), z.object({ score: z.number() })),
      extra: z.looseObject({ id: z.string() }).catchall(z.number()),
      tags: z.map(z.string(), z.number()),
    });
    const value = { byUser: { sk_live_ABC: { score: 'x' } }, extra: { id: 'i', sk_live_DEF: 'y' }, tags: new Map([['sk_live_GHI', 'z']]) };
    const paths = printed(schema, value);
    expect(paths).toContain('body.byUser.<key>.score');
    expect(paths).toContain('body.extra.<key>');
    expect(paths.join(' ')).not.toContain('sk_live_');
  });

  it('ends a recursive schema without looping', () => {
    interface Node {
      readonly name: string;
      readonly children: Record<string, Node>;
    }
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.record(z.string(), node) }));
    const value = { name: 'a', children: { secretA: { name: 'b', children: { secretB: { name: 1, children: {} } } } } };
    expect(printed(node, value)).toEqual(['body.children.<key>.children.<key>.name']);
  });

  it('never prints a key that is not declared, whatever the record holds', () => {
    const schema = z.object({ items: z.array(z.record(z.string(), z.strictObject({ ok: z.boolean() }))) });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }), (inner) => {
        for (const path of printed(schema, { items: [{ ...inner, forced: { ok: 'no' } }] })) {
          for (const segment of path.split('.')) expect(['body', 'items', 'ok', '<key>', '0']).toContain(segment);
        }
      }),
      { numRuns: 100 },
    );
  });
});
