import type { ZodType } from 'zod';
import type * as core from 'zod/v4/core';

/** Stands in for every object key the schema does not declare: those keys are the upstream's. */
export const UNDECLARED_KEY = '<key>';

/** Wrappers and combinators are followed this deep; a recursive (lazy) schema ends here. */
const MAX_EXPANSION = 32;

function defOf(schema: core.$ZodType): core.$ZodTypes['_zod']['def'] {
  return (schema as core.$ZodTypes)._zod.def;
}

/** The concrete schemas a value at this position may be checked against: wrappers, unions and pipes opened. */
function expand(schemas: readonly core.$ZodType[]): core.$ZodType[] {
  const out: core.$ZodType[] = [];
  const seen = new Set<core.$ZodType>();
  function visit(schema: core.$ZodType, depth: number): void {
    if (depth > MAX_EXPANSION || seen.has(schema)) return;
    seen.add(schema);
    const def = defOf(schema);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
      case 'catch':
      case 'success':
      case 'promise':
        visit(def.innerType, depth + 1);
        return;
      case 'pipe':
        visit(def.in, depth + 1);
        visit(def.out, depth + 1);
        return;
      case 'lazy':
        visit(def.getter(), depth + 1);
        return;
      case 'union':
        for (const option of def.options) visit(option, depth + 1);
        return;
      case 'intersection':
        visit(def.left, depth + 1);
        visit(def.right, depth + 1);
        return;
      default:
        out.push(schema);
    }
  }
  for (const schema of schemas) visit(schema, 0);
  return out;
}

/** One step down the path: the segment to print and the schemas found under it. */
function step(candidates: readonly core.$ZodType[], key: PropertyKey): { segment: string; next: core.$ZodType[] } {
  const concrete = expand(candidates);
  if (typeof key === 'number') {
    const next: core.$ZodType[] = [];
    for (const schema of concrete) {
      const def = defOf(schema);
      if (def.type === 'array') next.push(def.element);
      if (def.type === 'tuple') {
        const item = def.items[key] ?? def.rest;
        if (item !== undefined && item !== null) next.push(item);
      }
    }
    if (next.length > 0) return { segment: String(key), next };
  }
  const declared: core.$ZodType[] = [];
  const undeclared: core.$ZodType[] = [];
  for (const schema of concrete) {
    const def = defOf(schema);
    if (def.type === 'object') {
      const field = typeof key === 'string' && Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
      if (field !== undefined) declared.push(field);
      else if (def.catchall !== undefined) undeclared.push(def.catchall);
    } else if (def.type === 'record' || def.type === 'map') {
      undeclared.push(def.valueType);
    }
  }
  if (declared.length > 0)
    return {
      segment: String(key)
        .replace(/[^\w-]/g, '?')
        .slice(0, 40),
      next: declared,
    };
  return { segment: UNDECLARED_KEY, next: undeclared };
}

/**
 * A validation issue's path as it may be logged: keys the schema declares, array indexes, and
 * `<key>` for everything else. Records, catch-alls and maps hold keys chosen by the upstream
 * (`{ "sk_live_…": 1 }`), and those must never reach an error message or a log line.
 */
export function describePath(schema: ZodType, path: readonly PropertyKey[]): string {
  const segments = ['body'];
  let candidates: core.$ZodType[] = [schema];
  for (const key of path) {
    const { segment, next } = step(candidates, key);
    segments.push(segment);
    candidates = next;
  }
  return segments.join('.');
}
