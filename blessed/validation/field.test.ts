import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { field } from './index.js';

const PLAIN_INT = /^-?[0-9]{1,15}$/;
const PLAIN_DECIMAL = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/;

/** Strings near the edges: signs, spaces, exponents, hex, unicode digits, long runs of digits. */
const numericLooking = fc.oneof(
  fc.string(),
  fc.integer().map(String),
  fc.double().map(String),
  fc.stringMatching(/^[-+ 0-9.eExX_٣]{0,20}$/),
  fc.constantFrom('', '-', '0x10', '1e3', ' 1', '1 ', '+1', '1.', '.5', '-0', 'Infinity', 'NaN', '1_000', '٣', '9'.repeat(16)),
);

describe('field.int()', () => {
  it.each(['', '0x10', '1e3', ' 1', '1 ', '+1', '1.0', '1,000', '٣', '9'.repeat(16)])('refuses %j', (text) => {
    expect(field.int().safeParse(text).success).toBe(false);
  });

  it('reads plain decimal integers, bounded', () => {
    expect(field.int().parse('42')).toBe(42);
    expect(field.int().parse('-7')).toBe(-7);
    expect(Object.is(field.int().parse('-0'), 0)).toBe(true);
    expect(field.int({ min: 1, max: 10 }).safeParse('11').success).toBe(false);
    expect(field.int({ min: 1, max: 10 }).safeParse('0').success).toBe(false);
    expect(field.int().safeParse(5).success).toBe(false);
  });

  it('never accepts a string that is not a plain decimal integer', () => {
    fc.assert(
      fc.property(numericLooking, (text) => {
        const result = field.int().safeParse(text);
        if (result.success) {
          expect(text).toMatch(PLAIN_INT);
          expect(result.data).toBe(Number(text) || 0);
        } else {
          expect(PLAIN_INT.test(text)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('names a bad bound', () => {
    expect(() => field.int({ min: 1.5 })).toThrow(new TypeError('"min" of field.int() must be a finite integer'));
    expect(() => field.int({ min: 5, max: 1 })).toThrow('"min" of field.int() must not exceed "max"');
  });
});

describe('field.number()', () => {
  it('accepts decimal notation only', () => {
    expect(field.number().parse('-1.25')).toBe(-1.25);
    for (const text of ['1e3', '0x10', '.5', '1.', 'Infinity', 'NaN', '']) expect(field.number().safeParse(text).success).toBe(false);
  });

  it('never accepts anything but plain decimals', () => {
    fc.assert(
      fc.property(numericLooking, (text) => {
        expect(field.number().safeParse(text).success).toBe(PLAIN_DECIMAL.test(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('field.boolean(), field.enum(), field.id(), field.uuid()', () => {
  it('reads exactly true and false', () => {
    expect(field.boolean().parse('false')).toBe(false);
    expect(field.boolean().parse('true')).toBe(true);
    for (const text of ['', '0', '1', 'TRUE', 'yes', 'False']) expect(field.boolean().safeParse(text).success).toBe(false);
  });

  it('accepts listed values only', () => {
    const sort = field.enum(['asc', 'desc']);
    const value: 'asc' | 'desc' = sort.parse('asc');
    expect(value).toBe('asc');
    expect(sort.safeParse('ASC').success).toBe(false);
    expect(() => field.enum([] as unknown as readonly [string])).toThrow('"values" of field.enum() must be a non-empty list of strings');
  });

  it('bounds ids and uuids', () => {
    expect(field.id().parse('order_1-A')).toBe('order_1-A');
    for (const text of ['', 'a/b', 'a b', 'ä', 'x'.repeat(65)]) expect(field.id().safeParse(text).success).toBe(false);
    expect(field.uuid().parse('3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b')).toBe('3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b');
    expect(field.uuid().safeParse('3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b0').success).toBe(false);
  });
});

describe('field.string()', () => {
  it('defaults to at most 256 characters and stops there before the pattern runs', () => {
    expect(field.string().safeParse('x'.repeat(256)).success).toBe(true);
    const tooLong = field.string().safeParse('x'.repeat(257));
    expect(tooLong.error?.issues.map((issue) => issue.code)).toEqual(['too_big']);
    // An exponential pattern on a long input would hang; aborting at the length check means it never runs.
    const evil = field.string({ max: 20, pattern: /^(a+)+$/ });
    expect(evil.safeParse(`${'a'.repeat(5000)}!`).error?.issues.map((issue) => issue.code)).toEqual(['too_big']);
    expect(evil.safeParse('aaaa').success).toBe(true);
  });

  it('applies min, max and pattern', () => {
    const code = field.string({ min: 2, max: 4, pattern: /^[A-Z]+$/ });
    expect(code.parse('AB')).toBe('AB');
    for (const text of ['A', 'ABCDE', 'ab']) expect(code.safeParse(text).success).toBe(false);
  });

  it('refuses stateful patterns and bad bounds', () => {
    expect(() => field.string({ pattern: /a/g })).toThrow('"pattern" of field.string() must be a RegExp without the g or y flag');
    expect(() => field.string({ pattern: /a/y })).toThrow('without the g or y flag');
    expect(() => field.string({ max: 0 })).toThrow('"max" of field.string() must be at least 1');
    expect(() => field.string({ min: -1 })).toThrow('"min" of field.string() must not be negative');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a bell', 'a\u0007b'],
    ['an escape', 'a\u001b[31m'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a lone surrogate', 'a\ud800b'],
    ['a line feed', 'two\nlines'],
    ['a tab', 'a\tb'],
    ['a carriage return', 'a\rb'],
  ])('refuses %s by default, with a message that does not echo it', (_name, text) => {
    const result = field.string().safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must not contain control characters or line breaks');
  });

  it('allows tab and line breaks, and nothing else of the controls, with multiline', () => {
    const text = field.string({ max: 100, multiline: true });
    expect(text.parse('line one\n\tline two\r\n')).toBe('line one\n\tline two\r\n');
    for (const bad of ['a\u0000b', 'a\u000bb', 'a\u000cb', 'a\u001bb', 'a\u007fb', 'a\ud800']) {
      expect(text.safeParse(bad).error?.issues[0]?.message).toBe('must not contain control characters other than tab and line breaks');
    }
    expect(field.string().parse('émoji 🎉 and ünïcode')).toBe('émoji 🎉 and ünïcode');
    expect(() => field.string({ multiline: 'yes' as unknown as boolean })).toThrow('"multiline" of field.string() must be a boolean');
  });

  it('never accepts a control character outside multi-line whitespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.boolean(), (text, multiline) => {
        const accepted = field.string({ max: 100, multiline }).safeParse(text).success;
        const controls = [...text].filter((char) => /[\p{Cc}\p{Cs}]/u.test(char) && !(multiline && /[\t\n\r]/.test(char)));
        expect(accepted).toBe(controls.length === 0);
      }),
    );
  });
});
