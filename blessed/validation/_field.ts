import { z } from 'zod';

const DEFAULT_STRING_MAX = 256;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
// `\d` without the `u` flag is ASCII only; fifteen digits always fit a float exactly.
const INT_PATTERN = /^-?\d{1,15}$/;
const DECIMAL_PATTERN = /^-?\d{1,15}(?:\.\d{1,15})?$/;
// Control characters (C0, DEL, C1) and lone surrogates: PostgreSQL refuses NUL outright, the rest
// corrupt logs, terminals and CSV exports, and a lone surrogate is silently replaced on the way
// to the database. Multi-line text keeps tab, line feed and carriage return.
const SINGLE_LINE = /^[^\p{Cc}\p{Cs}]*$/u;
const MULTI_LINE = /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}])*$/u;

interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

interface StringOptions extends Bounds {
  readonly pattern?: RegExp;
  /** Allow tab, line feed and carriage return (text areas, descriptions). Default false. */
  readonly multiline?: boolean;
}

function checkBounds(name: string, bounds: Bounds, integer: boolean): void {
  for (const key of ['min', 'max'] as const) {
    const value = bounds[key];
    if (value === undefined) continue;
    const ok = integer ? Number.isSafeInteger(value) : Number.isFinite(value);
    if (!ok) throw new TypeError(`"${key}" of field.${name}() must be a finite ${integer ? 'integer' : 'number'}`);
  }
  if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
    throw new TypeError(`"min" of field.${name}() must not exceed "max"`);
  }
}

/** The string stage shared by every builder: bounded, and aborting there, before any regex runs. */
function bounded(max: number): z.ZodString {
  return z.string().max(max, { abort: true });
}

function numeric(name: string, pattern: RegExp, maxLength: number, bounds: Bounds, integer: boolean): z.ZodType<number> {
  checkBounds(name, bounds, integer);
  let target = integer ? z.number().int() : z.number();
  if (bounds.min !== undefined) target = target.min(bounds.min);
  if (bounds.max !== undefined) target = target.max(bounds.max);
  return bounded(maxLength)
    .regex(pattern, { message: integer ? 'must be a decimal integer' : 'must be a decimal number' })
    .transform(function toNumber(text) {
      const value = Number(text);
      return Object.is(value, -0) ? 0 : value;
    })
    .pipe(target);
}

/**
 * Builders for params and query fields. Both arrive as strings; these convert without the lossy
 * coercions of `z.coerce` (`''` is not 0, `'0x10'` is not 16, `'false'` is false) and bound
 * every string before a pattern sees it.
 *
 * @example
 * const query = z.strictObject({ page: field.int({ min: 1 }).optional(), sort: field.enum(['asc', 'desc']).optional() });
 */
export const field = {
  /**
   * A string of `min`..`max` characters (default max 256), optionally matching `pattern`. Control
   * characters are refused; `multiline: true` allows tab, line feed and carriage return.
   */
  string(options: StringOptions = {}): z.ZodType<string> {
    checkBounds('string', options, true);
    if (options.multiline !== undefined && typeof options.multiline !== 'boolean') {
      throw new TypeError('"multiline" of field.string() must be a boolean');
    }
    if (options.min !== undefined && options.min < 0) throw new TypeError('"min" of field.string() must not be negative');
    if (options.max !== undefined && options.max < 1) throw new TypeError('"max" of field.string() must be at least 1');
    const { pattern } = options;
    if (pattern !== undefined && (!(pattern instanceof RegExp) || pattern.global || pattern.sticky)) {
      // A global or sticky regex keeps `lastIndex` between calls and answers differently each time.
      throw new TypeError('"pattern" of field.string() must be a RegExp without the g or y flag');
    }
    let schema = bounded(options.max ?? DEFAULT_STRING_MAX).regex(options.multiline === true ? MULTI_LINE : SINGLE_LINE, {
      message:
        options.multiline === true
          ? 'must not contain control characters other than tab and line breaks'
          : 'must not contain control characters or line breaks',
    });
    if (options.min !== undefined) schema = schema.min(options.min);
    if (pattern !== undefined) schema = schema.regex(pattern, { message: 'has an invalid format' });
    return schema;
  },

  /** A path id: 1 to 64 of `A-Z a-z 0-9 _ -`. */
  id(): z.ZodType<string> {
    return bounded(64).regex(ID_PATTERN, { message: 'must be 1 to 64 letters, digits, "_" or "-"' });
  },

  uuid(): z.ZodType<string> {
    return bounded(36).pipe(z.uuid({ message: 'must be a UUID' }));
  },

  /** A plain decimal integer such as `-12`; no sign `+`, spaces, exponents, hex or empty string. */
  int(options: Bounds = {}): z.ZodType<number> {
    return numeric('int', INT_PATTERN, 16, options, true);
  },

  /** A plain decimal number such as `-1.25`; no exponents, hex, `Infinity` or `NaN`. */
  number(options: Bounds = {}): z.ZodType<number> {
    return numeric('number', DECIMAL_PATTERN, 32, options, false);
  },

  /** Exactly `'true'` or `'false'`. */
  boolean(): z.ZodType<boolean> {
    return z.enum(['true', 'false'], { message: 'must be true or false' }).transform((text) => text === 'true');
  },

  enum<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number]> {
    if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'string')) {
      throw new TypeError('"values" of field.enum() must be a non-empty list of strings');
    }
    return z.enum(values);
  },
};
