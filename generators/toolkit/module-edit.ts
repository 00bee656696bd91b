import { tsMorph } from './ts-morph.js';
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

  const { Project } = tsMorph();
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { noLib: true } });
  const source = project.createSourceFile('/module.ts', result);
  const declarations = source.getImportDeclarations();
  const missing: string[] = [];
  for (const wanted of imports) {
    const same = declarations.find((d) => d.getModuleSpecifierValue() === wanted.from && !d.isTypeOnly() && d.getNamespaceImport() === undefined);
    if (same?.getNamedImports().some((n) => n.getName() === wanted.name)) continue;
    if (same !== undefined) {
      same.addNamedImport(wanted.name);
      continue;
    }
    missing.push(`import { ${wanted.name} } from '${wanted.from}';`);
  }
  let edited = source.getFullText();
  if (missing.length > 0) {
    const last = source.getImportDeclarations().at(-1);
    const at = last === undefined ? 0 : last.getEnd();
    const block = last === undefined ? `${missing.join(eol)}${eol}${eol}` : `${eol}${missing.join(eol)}`;
    edited = edited.slice(0, at) + block + edited.slice(at);
  }
  return edited;
}
