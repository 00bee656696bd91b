import type { z } from 'zod';

/**
 * Reading zod 4's definitions. The walk only needs the `type` tag and the child schemas, so the
 * definition is read as a loose record and every child is checked before it is followed.
 */
type Def = Readonly<Record<string, unknown>> & { readonly type: string };

export function isZodSchema(value: unknown): value is z.ZodType {
  if (typeof value !== 'object' || value === null) return false;
  const inner = (value as { _zod?: unknown })._zod;
  if (typeof inner !== 'object' || inner === null) return false;
  const def = (inner as { def?: unknown }).def;
  return typeof def === 'object' && def !== null && typeof (def as { type?: unknown }).type === 'string';
}

export function defOf(schema: z.ZodType): Def {
  return schema._zod.def as unknown as Def;
}

function child(def: Def, key: string): z.ZodType | undefined {
  const value = def[key];
  return isZodSchema(value) ? value : undefined;
}

/** Wrappers whose inner schema sees the same input value. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'promise']);

/**
 * Follows wrappers, the input side of pipes and lazy getters down to the schema that first sees
 * the value: `z.strictObject({...}).optional().transform(f)` gives the strict object.
 */
export function unwrapInput(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let hops = 0; hops < 64; hops += 1) {
    const def = defOf(current);
    const next = WRAPPERS.has(def.type) ? child(def, 'innerType') : def.type === 'pipe' ? child(def, 'in') : def.type === 'lazy' ? lazyTarget(def) : undefined;
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

function lazyTarget(def: Def): z.ZodType | undefined {
  const getter = def['getter'];
  if (typeof getter !== 'function') return undefined;
  const target: unknown = getter();
  return isZodSchema(target) ? target : undefined;
}

export function isStrictObject(schema: z.ZodType): boolean {
  const def = defOf(schema);
  if (def.type !== 'object') return false;
  const catchall = child(def, 'catchall');
  return catchall !== undefined && defOf(catchall).type === 'never';
}

/**
 * Throws a TypeError for the first object that is not strict, at any depth. A plain `z.object`
 * nested in a strict one strips unknown keys silently, so strictness only holds if it holds at
 * every level. Each schema is visited once, which also ends recursive `z.lazy` definitions.
 */
export function assertStrictSchema(schema: z.ZodType, location: string): void {
  const visited = new Set<z.ZodType>();
  // Breadth first, so the shallowest offender is the one named.
  const pending: { schema: z.ZodType; at: string }[] = [{ schema, at: location }];
  for (let index = 0, item = pending[0]; item !== undefined; index += 1, item = pending[index]) {
    if (visited.has(item.schema)) continue;
    visited.add(item.schema);
    const def = defOf(item.schema);
    const at = item.at;
    const follow = (next: unknown, where: string): void => {
      if (isZodSchema(next)) pending.push({ schema: next, at: where });
    };
    switch (def.type) {
      case 'object': {
        if (!isStrictObject(item.schema)) throw new TypeError(`"${at}" must be a strict object (z.strictObject)`);
        const shape = def['shape'];
        if (typeof shape === 'object' && shape !== null) {
          for (const [key, value] of Object.entries(shape)) follow(value, `${at}.${key}`);
        }
        break;
      }
      case 'array':
        follow(def['element'], `${at}[]`);
        break;
      case 'set':
        follow(def['valueType'], `${at}[]`);
        break;
      case 'tuple': {
        const items = def['items'];
        if (Array.isArray(items)) items.forEach((value: unknown, index) => follow(value, `${at}[${index}]`));
        follow(def['rest'], `${at}[]`);
        break;
      }
      case 'record':
      case 'map':
        follow(def['keyType'], `${at}{key}`);
        follow(def['valueType'], `${at}[*]`);
        break;
      case 'union': {
        const options = def['options'];
        if (Array.isArray(options)) for (const option of options) follow(option, at);
        break;
      }
      case 'intersection':
        follow(def['left'], at);
        follow(def['right'], at);
        break;
      case 'pipe':
        follow(def['in'], at);
        follow(def['out'], at);
        break;
      case 'lazy':
        follow(lazyTarget(def), at);
        break;
      default:
        if (WRAPPERS.has(def.type)) follow(def['innerType'], at);
        break;
    }
  }
}
