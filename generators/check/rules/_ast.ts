import type { Node } from 'oxc-parser';

/** A loosely typed node: rules only read a few well-known fields. */
export type AnyNode = { readonly type: string; readonly start: number; readonly end: number; readonly [key: string]: unknown };

export function asNode(value: unknown): AnyNode | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' ? (value as AnyNode) : undefined;
}

export function loose(node: Node): AnyNode {
  return node as unknown as AnyNode;
}

/** The name of an identifier, or undefined. */
export function identifierName(value: unknown): string | undefined {
  const node = asNode(value);
  return node?.type === 'Identifier' ? String(node['name']) : undefined;
}

/** The property name of `a.b` or `a['b']`. */
export function propertyName(value: unknown): string | undefined {
  const node = asNode(value);
  if (node?.type !== 'MemberExpression') return undefined;
  const property = asNode(node['property']);
  if (node['computed'] === true) return stringValue(property);
  return identifierName(property);
}

/** `a` in `a.b.c` (the leftmost identifier), for `console.log` or `crypto.createHash`. */
export function rootName(value: unknown): string | undefined {
  let node = asNode(value);
  while (node?.type === 'MemberExpression') node = asNode(node['object']);
  return identifierName(node);
}

/** The value of a string literal or a template literal without expressions. */
export function stringValue(value: unknown): string | undefined {
  const node = asNode(value);
  if (node?.type === 'Literal' && typeof node['value'] === 'string') return node['value'];
  if (node?.type === 'TemplateLiteral' && (node['expressions'] as unknown[]).length === 0) {
    const quasi = asNode((node['quasis'] as unknown[])[0]);
    const cooked = (quasi?.['value'] as { cooked?: unknown } | undefined)?.cooked;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

/** The key of an object property (`a: 1`, `'a': 1`). */
export function keyName(value: unknown): string | undefined {
  const node = asNode(value);
  if (node?.type !== 'Property' || node['computed'] === true) return undefined;
  return identifierName(node['key']) ?? stringValue(node['key']);
}

/** The properties of an object literal, by key. */
export function objectProperties(value: unknown): Map<string, AnyNode> {
  const node = asNode(value);
  const result = new Map<string, AnyNode>();
  if (node?.type !== 'ObjectExpression') return result;
  for (const property of node['properties'] as unknown[]) {
    const key = keyName(property);
    const valueNode = asNode(asNode(property)?.['value']);
    if (key !== undefined && valueNode !== undefined) result.set(key, valueNode);
  }
  return result;
}

/** Calls every node below `value` (depth first); `visit` returning false skips the children. */
export function walk(value: unknown, visit: (node: AnyNode) => boolean | undefined): void {
  const node = asNode(value);
  if (node === undefined) {
    if (Array.isArray(value)) for (const item of value) walk(item, visit);
    return;
  }
  if (visit(node) === false) return;
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'parent') continue;
    const child = node[key];
    if (typeof child === 'object' && child !== null) walk(child, visit);
  }
}

/** Whether a string-ish expression is built at run time: `a + b`, or a template with holes. */
export function isBuiltString(value: unknown): boolean {
  const node = asNode(value);
  if (node === undefined) return false;
  if (node.type === 'TemplateLiteral') return (node['expressions'] as unknown[]).length > 0;
  if (node.type === 'BinaryExpression' && node['operator'] === '+') return true;
  if (node.type === 'CallExpression' && propertyName(node['callee']) === 'concat') return true;
  return false;
}
