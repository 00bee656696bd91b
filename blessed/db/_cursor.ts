import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ValidationError } from '../errors/index.js';
import type { ColumnType } from './_table.js';

/** Where a cursor belongs: a cursor minted for one listing is refused by every other. */
export interface CursorScope {
  readonly table: string;
  readonly tenantId: string;
  readonly orderBy: string;
  readonly direction: 'asc' | 'desc';
  /** The type of `orderBy` and of the primary key, which the decoded values must fit. */
  readonly orderType: ColumnType;
  readonly keyType: ColumnType;
}

export interface CursorPosition {
  /** The `orderBy` value as Postgres prints it (`::text`). */
  readonly value: string;
  readonly key: string | number;
}

export interface CursorCodec {
  encode(scope: CursorScope, position: CursorPosition): string;
  /** A ValidationError (400) for anything this codec did not mint for exactly this scope. */
  decode(scope: CursorScope, cursor: string): CursorPosition;
}

export const MIN_CURSOR_SECRET_BYTES = 32;
/** Far above any cursor we mint (the sort value is at most a few hundred bytes); checked before any work. */
const MAX_CURSOR_LENGTH = 4096;
const CURSOR_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d{1,19}$/;
// What Postgres prints for double precision, bounded so no runaway exponent reaches the database.
const DOUBLE = /^(?:-?\d{1,20}(?:\.\d{1,20})?(?:e[+-]?\d{1,3})?|-?Infinity|NaN)$/;
// Postgres's ISO output (the default DateStyle), any zone offset, and its special values.
const TIMESTAMPTZ = /^(?:\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2}(?: BC)?|-?infinity)$/;

const TEXT_FITS: Readonly<Record<ColumnType, (text: string) => boolean>> = {
  text: () => true,
  jsonb: () => true,
  uuid: (text) => UUID.test(text),
  integer: (text) => INTEGER.test(text),
  double: (text) => DOUBLE.test(text),
  boolean: (text) => text === 'true' || text === 'false',
  timestamptz: (text) => TIMESTAMPTZ.test(text),
};

function keyFits(type: ColumnType, key: unknown): key is string | number {
  if (type === 'integer') return Number.isSafeInteger(key) || (typeof key === 'string' && INTEGER.test(key));
  if (type === 'double') return (typeof key === 'number' && Number.isFinite(key)) || (typeof key === 'string' && DOUBLE.test(key));
  return typeof key === 'string' && !key.includes('\u0000') && TEXT_FITS[type](key);
}

function invalid(reason: string): ValidationError {
  return new ValidationError([{ path: 'cursor', message: 'is not a valid cursor for this listing' }], {
    reason: `ERR_DB_CURSOR_INVALID: ${reason}`,
  });
}

function toKey(secret: string | Uint8Array | undefined): KeyObject {
  if (secret === undefined) return createSecretKey(randomBytes(MIN_CURSOR_SECRET_BYTES));
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.byteLength < MIN_CURSOR_SECRET_BYTES) {
    throw new TypeError(`"cursorSecret" must be at least ${MIN_CURSOR_SECRET_BYTES} bytes`);
  }
  return createSecretKey(bytes);
}

/**
 * Signs and checks keyset cursors. A cursor is `<payload>.<HMAC-SHA256>`, the MAC covering the
 * payload and the table, tenant and ordering it was minted for, so a client can neither forge a
 * position nor carry one to another listing. Decoded values are also checked against the column
 * types, so even a leaked key cannot make a cursor reach the database as a type error.
 * Without a secret, a random one: cursors then live as long as the process.
 *
 * @example
 * const cursors = createCursorCodec(config.cursorSecret);
 */
export function createCursorCodec(secret?: string | Uint8Array): CursorCodec {
  const key = toKey(secret);

  function mac(scope: CursorScope, payload: string): Buffer {
    // Table names are identifiers and tenant ids hold no control characters: NUL separates unambiguously.
    return createHmac('sha256', key).update(['gp-cursor-v1', scope.table, scope.tenantId, payload].join('\u0000')).digest();
  }

  return Object.freeze({
    encode(scope: CursorScope, position: CursorPosition): string {
      const payload = Buffer.from(JSON.stringify([scope.orderBy, scope.direction, position.value, position.key])).toString('base64url');
      return `${payload}.${mac(scope, payload).toString('base64url')}`;
    },

    decode(scope: CursorScope, cursor: string): CursorPosition {
      if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !CURSOR_SHAPE.test(cursor)) {
        throw invalid('not <payload>.<mac>');
      }
      const [payload = '', signature = ''] = cursor.split('.');
      // Compared as text: base64url ignores the low bits of the last character, so decoding
      // first would accept several spellings of one signature.
      const given = Buffer.from(signature, 'utf8');
      const expected = Buffer.from(mac(scope, payload).toString('base64url'), 'utf8');
      if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) {
        throw invalid('signature does not match (forged, altered, or minted for another listing or key)');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalid('payload is not JSON');
      }
      if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid('payload is not [orderBy, direction, value, key]');
      const [column, direction, value, rowKey] = parsed as unknown[];
      if (column !== scope.orderBy || direction !== scope.direction) throw invalid('minted for another ordering');
      if (typeof value !== 'string' || value.includes('\u0000') || !TEXT_FITS[scope.orderType](value)) {
        throw invalid(`value does not fit the ${scope.orderType} column`);
      }
      if (!keyFits(scope.keyType, rowKey)) throw invalid(`key does not fit the ${scope.keyType} primary key`);
      return { value, key: rowKey };
    },
  });
}
