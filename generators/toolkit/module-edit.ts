import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import { importDeclarations, parseModule } from './parse.js';
export interface NamedImport {
  readonly name: string;
  readonly from: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the module already exports a function with this name. */
export function exportsFunction(text: string, name: string): boolean {
  return new RegExp(`^export (?:async )?function ${escapeRegExp(name)}\\b`, 'm').test(text);
}

/**
 * Appends a function to a module and adds the named imports it needs, using the syntax tree to
 * find what is already imported. Does nothing when the function is already exported.
 *
 * @example
 * const after = await addFunction(text, 'export async function createOrder() {...}', 'createOrder', [{ name: 'randomUUID', from: 'node:crypto' }]);
 */
export async function addFunction(text: string, code: string, name: string, imports: readonly NamedImport[]): Promise<string> {
  if (exportsFunction(text, name)) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = text.replace(/\s*$/, '');
  let result = `${body}${body === '' ? '' : eol}${code.replace(/\n/g, eol).replace(/^(\r?\n)*/, body === '' ? '' : eol)}`;
  if (!result.endsWith(eol)) result += eol;
  if (imports.length === 0) return result;

  const { program, error } = parseModule(result);
  if (error !== undefined) {
    throw new CLIError(`the service module does not parse (${error}); fix it, then generate again`, { exitCode: EXIT_FAILURE, code: 'ERR_AST_EDIT' });
  }
  const declarations = importDeclarations(program);
  const additions: { pos: number; text: string }[] = [];
  const missing: string[] = [];
  for (const wanted of imports) {
    const same = declarations.find((d) => d.source.value === wanted.from && d.importKind !== 'type' && d.specifiers.some((s) => s.type === 'ImportSpecifier'));
    const named = same?.specifiers.filter((s) => s.type === 'ImportSpecifier') ?? [];
    if (named.some((s) => s.local.name === wanted.name)) continue;
    const lastNamed = named.at(-1);
    if (lastNamed !== undefined) {
      additions.push({ pos: lastNamed.end, text: `, ${wanted.name}` });
      continue;
    }
    missing.push(`import { ${wanted.name} } from '${wanted.from}';`);
  }
  const last = declarations.at(-1);
  if (missing.length > 0) {
    additions.push(last === undefined ? { pos: 0, text: `${missing.join(eol)}${eol}${eol}` } : { pos: last.end, text: `${eol}${missing.join(eol)}` });
  }
  let edited = result;
  for (const addition of additions.sort((a, b) => b.pos - a.pos)) edited = edited.slice(0, addition.pos) + addition.text + edited.slice(addition.pos);
  return edited;
}
