import type { NodePlopAPI } from 'node-plop';
import { nameForms } from './names.js';

/** `JSON.stringify` of a string: the one way free text reaches generated code. */
export function jsonLiteral(value: unknown): string {
  return JSON.stringify(String(value));
}

/**
 * The same JSON-escaped literal, in the project's single quotes when the text has none: only
 * the `\"` escapes change, so every other escape JSON chose (newlines, backslashes, control
 * characters) stays exactly as JSON wrote it.
 */
export function stringLiteral(value: unknown): string {
  const json = jsonLiteral(value);
  if (json.includes("'")) return json;
  const inner = json.slice(1, -1).replace(/\\(["\\/bfnrtu])/g, (pair, c: string) => (c === '"' ? '"' : pair));
  return `'${inner}'`;
}

/**
 * Registers the helpers templates may use. Handlebars' own `{{x}}` escapes for HTML, which is
 * wrong for code, so templates use `{{{x}}}` for validated identifiers and these helpers for
 * anything that becomes a string literal.
 *
 * @example
 * registerHelpers(plop); // then in a template: summary: {{{str summary}}},
 */
export function registerHelpers(plop: NodePlopAPI): void {
  plop.setHelper('json', (value: unknown) => jsonLiteral(value));
  plop.setHelper('str', (value: unknown) => stringLiteral(value));
  plop.setHelper('camelCase', (value: unknown) => nameForms(String(value)).camel);
  plop.setHelper('pascalCase', (value: unknown) => nameForms(String(value)).pascal);
  plop.setHelper('kebabCase', (value: unknown) => nameForms(String(value)).kebab);
}
