import type { FieldIssue } from '../errors/index.js';
import { childPath } from './_issues.js';

/** Keys that reach `Object.prototype` through a naive merge or a bracket assignment. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A response lists this many problems at most; a hostile body could otherwise produce thousands. */
export const MAX_ISSUES = 20;

/** PostgreSQL stores no NUL in text or jsonb; refusing it here keeps every schema, not only `field`, safe. */
const NUL = '\u0000';
const NUL_MESSAGE = 'must not contain NUL characters';

export interface InspectLimits {
  readonly maxDepth: number;
  /** Strings (keys included) longer than this are refused; `Infinity` skips the length check. */
  readonly maxStringLength: number;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  // Only what a JSON or query parser produces; a Buffer or a Date is a leaf, not a tree to walk.
  return proto === Object.prototype || proto === null;
}

/**
 * Walks parsed input without recursion (a deep body must be a 400, never a stack overflow) and
 * reports, by path, nesting beyond `maxDepth`, prototype-polluting keys, over-long strings and
 * NUL characters.
 * It runs before any schema, so no regex ever sees an unbounded string.
 */
export function inspectInput(value: unknown, root: string, limits: InspectLimits, issues: FieldIssue[]): void {
  const tooLong = `must be at most ${limits.maxStringLength} characters`;
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (issues.length >= MAX_ISSUES) return;
    const current = item.value;
    if (typeof current === 'string') {
      if (current.length > limits.maxStringLength) issues.push({ path: item.path, message: tooLong });
      else if (current.includes(NUL)) issues.push({ path: item.path, message: NUL_MESSAGE });
      continue;
    }
    if (!isContainer(current)) continue;
    const depth = item.depth + 1;
    if (depth > limits.maxDepth) {
      issues.push({ path: item.path, message: `must not nest deeper than ${limits.maxDepth} levels` });
      return;
    }
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        pending.push({ value: current[index], path: childPath(item.path, index), depth });
      }
      continue;
    }
    const keys = Object.keys(current);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index] as string;
      if (FORBIDDEN_KEYS.has(key)) {
        issues.push({ path: childPath(item.path, key), message: 'is a reserved key and is not allowed' });
      } else if (key.length > limits.maxStringLength) {
        issues.push({ path: item.path, message: `has a key longer than ${limits.maxStringLength} characters` });
      } else if (key.includes(NUL)) {
        issues.push({ path: item.path, message: 'has a key containing a NUL character' });
      } else {
        pending.push({ value: current[key], path: childPath(item.path, key), depth });
      }
    }
  }
}
