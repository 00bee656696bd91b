import type { z } from 'zod';
import type { FieldIssue } from '../errors/index.js';
import { childPath } from './_issues.js';
import { defOf, unwrapInput } from './_schema.js';

const LIST_TYPES = new Set(['array', 'tuple', 'set']);

/** Names of the query keys whose schema takes a list; every other key must be given once. */
export function listKeysOf(objectSchema: z.ZodType): ReadonlySet<string> {
  const shape = defOf(objectSchema)['shape'];
  const keys = new Set<string>();
  if (typeof shape !== 'object' || shape === null) return keys;
  for (const [key, value] of Object.entries(shape as Record<string, z.ZodType>)) {
    if (LIST_TYPES.has(defOf(unwrapInput(value)).type)) keys.add(key);
  }
  return keys;
}

/**
 * Express parses `?a=1&a=2` into an array and `?a=1` into a string. A list parameter accepts
 * both (one value becomes a list of one); a scalar parameter given twice is refused rather
 * than letting the first or the last one win silently.
 */
export function normaliseQuery(query: unknown, listKeys: ReadonlySet<string>, issues: FieldIssue[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  // Defined, not assigned: even a `__proto__` key that slipped through stays an own property.
  const put = (key: string, value: unknown): void => {
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  };
  if (typeof query !== 'object' || query === null) return result;
  for (const [key, value] of Object.entries(query)) {
    if (listKeys.has(key)) {
      put(key, typeof value === 'string' ? [value] : value);
    } else if (Array.isArray(value)) {
      issues.push({ path: childPath('query', key), message: 'must be given once' });
    } else {
      put(key, value);
    }
  }
  return result;
}
