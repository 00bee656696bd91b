import type { z } from 'zod';
import type { FieldIssue } from '../errors/index.js';

const SAFE_SEGMENT = /^[A-Za-z0-9_$-]{1,64}$/;

/**
 * Keys come from the request too (unknown keys, record keys), so only short identifier-like keys
 * are echoed in a path; anything else is shown as `*`.
 */
export function childPath(parent: string, key: PropertyKey): string {
  if (typeof key === 'number') return `${parent}.${key}`;
  if (typeof key === 'string' && SAFE_SEGMENT.test(key)) return `${parent}.${key}`;
  return `${parent}.*`;
}

export function joinPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((parent, key) => childPath(parent, key), root);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || typeof key === 'symbol') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * zod's own messages name what was expected, never what was received, but refinements are free
 * text: a message that contains the string it judged is replaced rather than sent back.
 */
function safeMessage(message: string, value: unknown): string {
  if (typeof value === 'string' && value.length >= 3 && message.includes(value)) return 'is not valid';
  return message;
}

/** Turns zod issues into `{ path, message }` entries rooted at `params`, `query` or `body`. */
export function issuesFromZod(root: string, error: z.ZodError, input: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) issues.push({ path: joinPath(root, [...issue.path, key]), message: 'is not an allowed key' });
        break;
      case 'invalid_type':
        issues.push({
          path: joinPath(root, issue.path),
          message: value === undefined ? 'is required' : `must be of type ${issue.expected}`,
        });
        break;
      default:
        issues.push({ path: joinPath(root, issue.path), message: safeMessage(issue.message, value) });
        break;
    }
  }
  return issues;
}
