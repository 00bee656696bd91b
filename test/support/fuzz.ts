import fc from 'fast-check';
import { z } from 'zod';

/** The slice of JSON Schema that zod emits for request schemas. */
interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** A zod request schema as JSON Schema of its input: what a client would have to send. */
export function inputSchemaOf(schema: z.ZodType | undefined): JsonSchema | undefined {
  if (schema === undefined) return undefined;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Strings a database, a router or a log line may choke on. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'a\u0000b',
      '\u0000',
      'tab\there',
      'line\nbreak',
      '\u0007\u001b[31m',
      'lone \ud800 surrogate',
      '\u202eevil',
      '%ZZ',
      '../..',
      ' ',
      '',
    ),
  },
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.constantFrom(20_000, 70_000).map((length) => 'x'.repeat(length)),
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, wrongType);

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  const maxLength = Math.min(schema.maxLength ?? 24, 24);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  if (schema.pattern !== undefined) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
    } catch {
      // fast-check cannot generate from every pattern (Unicode properties); plain text usually fits those.
    }
  }
  return fc.string({ unit: 'grapheme-ascii', minLength, maxLength });
}

/** Values the schema accepts, most of the time: the starting point that mutations then break. */
export function validish(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (schema === undefined) return fc.constant(undefined);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices !== undefined && choices.length > 0) return fc.oneof(...choices.map(validish));
  switch (schema.type) {
    case 'object': {
      const shape = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, validish(value)]));
      return fc.record(shape, { requiredKeys: [...(schema.required ?? [])] });
    }
    case 'array':
      return fc.array(validish(schema.items), { maxLength: 3 });
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const TAINTS = ['\u0000', '\u0007', '\u001b', '\u007f', '\ud800', '\u2028', '\n', '\t', '\u0085'];

/**
 * A valid-ish value with one member (or the whole) replaced by something hostile, a control
 * character slipped into one of its strings, or an unknown key added.
 */
export function mutated(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      validish(schema),
      fc.nat(),
      hostileValue,
      fc.constantFrom(...TAINTS),
      fc.constantFrom('taint', 'taint', 'replace', 'replace', 'add', 'whole', 'keep'),
    )
    .map(([value, index, hostile, taint, how]) => {
      if (how === 'keep') return value;
      if (how === 'whole' || typeof value !== 'object' || value === null || Array.isArray(value)) return hostile;
      const keys = Object.keys(value);
      const key = how === 'add' || keys.length === 0 ? `extra${index % 3}` : (keys[index % keys.length] ?? 'extra');
      if (how === 'taint') {
        const text = (value as Record<string, unknown>)[key];
        if (typeof text !== 'string') return { ...value, [key]: hostile };
        const at = index % (text.length + 1);
        return { ...value, [key]: `${text.slice(0, at)}${taint}${text.slice(at)}` };
      }
      return { ...value, [key]: hostile };
    });
}

/** A path segment: any text, well or badly percent-encoded. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('%ZZ', '%C0%AF', '%FF', '%', '%E0%A4%A', '%00', '%2F', '%2e%2e', 'a%2', '%u0041'),
  fc
    .tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 5 }), fc.stringMatching(/^%[0-9A-Za-z]{0,2}$/))
    .map(([text, badEscape]) => encodeURIComponent(text) + badEscape),
);

/**
 * A value seen in an earlier response (an id, a cursor) with a piece changed: a base64url JSON
 * payload keeps its shape and any `.signature` suffix but gets one leaf replaced.
 */
export function tamperedFrom(pool: readonly string[]): fc.Arbitrary<string> {
  const leaves = fc.constantFrom<unknown>('abc', 'a\u0000', 'not-a-uuid', '', 12, -1.5, null, ['x'], 'created_at', 'desc', '9999-99-99');
  return fc.tuple(fc.constantFrom(...pool), fc.nat(), leaves, fc.boolean()).map(([seen, index, leaf, keepSuffix]) => {
    const [payload = '', ...rest] = seen.split('.');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return `${seen}${typeof leaf === 'string' ? leaf : ''}`;
    }
    if (Array.isArray(decoded) && decoded.length > 0) decoded[index % decoded.length] = leaf;
    else if (typeof decoded === 'object' && decoded !== null) (decoded as Record<string, unknown>)[`k${index % 3}`] = leaf;
    else decoded = leaf;
    const forged = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    return keepSuffix && rest.length > 0 ? `${forged}.${rest.join('.')}` : forged;
  });
}

/** A base64url JSON object or array, optionally followed by `.signature`: a cursor, most likely. */
export function looksStructured(value: string): boolean {
  const payload = value.split('.')[0] ?? '';
  if (!/^[A-Za-z0-9_-]{8,}$/.test(payload)) return false;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null;
  } catch {
    return false;
  }
}

/** Every string leaf of a JSON value: ids and cursors to tamper with later. */
export function stringLeaves(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stringLeaves(item, into);
}
