import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { createCursorCodec, type CursorScope } from './_cursor.js';
import { openDatabase } from './index.js';
import { recordingLogger } from './_testing.js';

const SECRET = 's'.repeat(32);
const scope: CursorScope = { table: 'notes', tenantId: 'tenant-a', orderBy: 'created_at', direction: 'desc', orderType: 'timestamptz', keyType: 'uuid' };
const position = { value: '2026-11-30 23:50:01.123456+00', key: randomUUID() };

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).status).toBe(400);
    expect((err as ValidationError).errors).toEqual([{ path: 'cursor', message: 'is not a valid cursor for this listing' }]);
    return String((err as ValidationError).reason);
  }
  throw new Error('expected a ValidationError');
}

describe('signed cursors', () => {
  it('round-trips, and another codec with the same secret accepts it (several instances)', () => {
    const cursor = createCursorCodec(SECRET).encode(scope, position);
    expect(createCursorCodec(SECRET).decode(scope, cursor)).toEqual(position);
    expect(createCursorCodec(new TextEncoder().encode(SECRET)).decode(scope, cursor)).toEqual(position);
  });

  it('refuses a cursor signed with another key, or with the random key of another process', () => {
    const cursor = createCursorCodec(SECRET).encode(scope, position);
    expect(reasonOf(() => createCursorCodec('t'.repeat(32)).decode(scope, cursor))).toMatch(/ERR_DB_CURSOR_INVALID: signature/);
    expect(reasonOf(() => createCursorCodec().decode(scope, cursor))).toMatch(/signature/);
  });

  it.each<[string, Partial<CursorScope>]>([
    ['another tenant', { tenantId: 'tenant-b' }],
    ['another table', { table: 'orders' }],
    ['another ordering column', { orderBy: 'title', orderType: 'text' }],
    ['the other direction', { direction: 'asc' }],
  ])('refuses a genuine cursor used for %s', (_name, change) => {
    const codec = createCursorCodec(SECRET);
    const cursor = codec.encode(scope, position);
    expect(() => codec.decode({ ...scope, ...change }, cursor)).toThrow(ValidationError);
  });

  it('refuses every single-character change of a genuine cursor', () => {
    const codec = createCursorCodec(SECRET);
    const cursor = codec.encode(scope, position);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
        fc.pre(cursor[index] !== replacement);
        const forged = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
        expect(() => codec.decode(scope, forged)).toThrow(ValidationError);
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, CursorScope, { value: string; key: string | number }, RegExp]>([
    ['a word for a timestamp', scope, { value: 'abc', key: randomUUID() }, /value does not fit the timestamptz column/],
    ['a non-uuid key', scope, { value: position.value, key: 'not-a-uuid' }, /key does not fit the uuid primary key/],
    ['a NUL in a text value', { ...scope, orderBy: 'title', orderType: 'text' }, { value: 'a\u0000', key: randomUUID() }, /value does not fit/],
    ['a fraction for an integer key', { ...scope, keyType: 'integer' }, { value: position.value, key: 1.5 }, /key does not fit the integer/],
    ['an unsafe integer key', { ...scope, keyType: 'integer' }, { value: position.value, key: 2 ** 60 }, /key does not fit the integer/],
  ])('refuses %s even when signed with the right key', (_name, where, forged, reason) => {
    const codec = createCursorCodec(SECRET);
    expect(reasonOf(() => codec.decode(where, codec.encode(where, forged)))).toMatch(reason);
  });

  it('accepts what Postgres prints for each sortable type', () => {
    const codec = createCursorCodec(SECRET);
    for (const [orderType, value] of [
      ['timestamptz', '2026-01-02 03:04:05+05:30'],
      ['timestamptz', '0044-03-15 12:00:00+00 BC'],
      ['timestamptz', 'infinity'],
      ['integer', '-42'],
      ['boolean', 'false'],
      ['text', 'any text, even "quotes" and ünïcode'],
    ] as const) {
      const where = { ...scope, orderType };
      expect(codec.decode(where, codec.encode(where, { value, key: position.key }))).toEqual({ value, key: position.key });
    }
  });

  it.each(['', 'a.b', 'x'.repeat(5000), `${'a'.repeat(10)}.${'b'.repeat(42)}`, 'not base64!.' + 'a'.repeat(43)])(
    'refuses the malformed cursor %#',
    (cursor) => {
      expect(reasonOf(() => createCursorCodec(SECRET).decode(scope, cursor))).toMatch(/not <payload>.<mac>/);
    },
  );

  it('refuses a short or ill-typed secret when the database opens', async () => {
    const logger = recordingLogger();
    await expect(openDatabase({ logger, cursorSecret: 'short' })).rejects.toThrow('"cursorSecret" must be at least 32 bytes');
    await expect(openDatabase({ logger, cursorSecret: 42 as unknown as string })).rejects.toThrow('"cursorSecret" must be a string or a Uint8Array');
  });
});
