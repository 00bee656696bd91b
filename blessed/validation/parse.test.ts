import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createParser } from './_parse.js';

describe('createParser', () => {
  it('parses a synchronous schema without a promise', () => {
    const parse = createParser(z.strictObject({ n: z.number() }));
    const ok = parse({ n: 1 });
    expect(ok).not.toBeInstanceOf(Promise);
    expect(ok).toMatchObject({ success: true, data: { n: 1 } });
    expect(parse({ n: 'x' })).toMatchObject({ success: false });
  });

  it('falls back to the async parse for a schema with an async refinement, and keeps its verdicts', async () => {
    let checks = 0;
    const schema = z.strictObject({
      name: z.string().refine(async (value) => {
        checks += 1;
        return value !== 'taken';
      }, 'is taken'),
    });
    const parse = createParser(schema);
    expect(await parse({ name: 'free' })).toMatchObject({ success: true, data: { name: 'free' } });
    const refused = await parse({ name: 'taken' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('is taken');
    // Once known to be async, it is never tried synchronously again: one refinement call per parse.
    const before = checks;
    await parse({ name: 'free' });
    expect(checks - before).toBe(1);
  });

  it('lets errors other than the async one through', () => {
    const parse = createParser(
      z.string().transform(() => {
        throw new RangeError('boom');
      }),
    );
    expect(() => parse('x')).toThrow(RangeError);
  });
});
