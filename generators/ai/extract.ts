import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';

/** One export of a blessed module as the prompt shows it. */
export interface BlessedExport {
  readonly name: string;
  /** `value` for what code can call or read at run time; `type` for types and interfaces only. */
  readonly kind: 'value' | 'type';
  /** The compiler's rendering of its type (values) or empty (types, named only). */
  readonly signature: string;
}

export interface BlessedModule {
  /** Project-relative import path, e.g. `blessed/auth/index.js`. */
  readonly module: string;
  readonly exports: readonly BlessedExport[];
}

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function describe(checker: ts.TypeChecker, exported: ts.Symbol): BlessedExport {
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.getName();
  // `export type { X }` of a class is a type to the importer, whatever X is.
  const typeOnly = exported.declarations?.some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) === true;
  if (typeOnly || !(target.flags & ts.SymbolFlags.Value)) return { name, kind: 'type', signature: '' };
  const declaration = target.valueDeclaration ?? target.declarations?.[0];
  if (declaration === undefined) return { name, kind: 'value', signature: '' };
  const type = checker.getTypeOfSymbolAtLocation(target, declaration);
  if (target.flags & ts.SymbolFlags.Class) return { name, kind: 'value', signature: `class ${name}` };
  const call = type.getCallSignatures()[0];
  const signature = call === undefined ? checker.typeToString(type, undefined, FLAGS) : checker.signatureToString(call, undefined, FLAGS);
  return { name, kind: 'value', signature };
}

/**
 * Reads every `blessed/<module>/index.ts` with the TypeScript compiler and lists its exports with
 * their signatures: what `blessed-api.json` must say, so a drift test can compare the two.
 *
 * @example
 * const modules = await extractBlessedApi(process.cwd());
 */
export async function extractBlessedApi(root: string): Promise<BlessedModule[]> {
  const entries = await readdir(join(root, 'blessed'), { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files = names.map((name) => join(root, 'blessed', name, 'index.ts'));
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return names.map((name, index) => {
    const source = program.getSourceFile(files[index] ?? '');
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const exports = symbol === undefined ? [] : checker.getExportsOfModule(symbol).map((e) => describe(checker, e));
    exports.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, 'en') : a.kind === 'value' ? -1 : 1));
    return { module: `blessed/${name}/index.js`, exports };
  });
}

/** Writes `generators/ai/blessed-api.json` from the blessed modules: run after changing a blessed export. */
export async function writeBlessedApi(root: string, target: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(target, `${JSON.stringify(await extractBlessedApi(root), null, 2)}\n`);
}
