import { CLIError, EXIT_FAILURE, EXIT_USAGE } from '../cli/errors.js';
import { tsMorph } from './ts-morph.js';

export interface RegistryEntry {
  /** The exported binding, e.g. `createOrder`. */
  readonly identifier: string;
  /** Relative to the registry file, e.g. `./endpoints/create-order.js`. */
  readonly moduleSpecifier: string;
  /** The array the entry belongs to, e.g. `endpoints`. */
  readonly arrayName: string;
}

/** Where registry edits run: in this thread, or on a worker that loaded ts-morph early. */
export interface AstEdits {
  addRegistryEntry(text: string, file: string, entry: RegistryEntry): Promise<string>;
}

export const inProcessEdits: AstEdits = { addRegistryEntry: (text, file, entry) => addRegistryEntry(text, file, entry) };

/** Loads ts-morph now, so a later edit does not wait for it. */
export function preloadTsMorph(): void {
  tsMorph();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when the registry already has exactly this import and this entry, one per line, as the
 * generator writes them: a re-run can skip loading TypeScript altogether.
 */
export function hasRegistryEntry(text: string, entry: RegistryEntry): boolean {
  const id = escapeRegExp(entry.identifier);
  const importLine = new RegExp(`^import \\{ ${id} \\} from '${escapeRegExp(entry.moduleSpecifier)}';$`, 'm');
  const elementLine = new RegExp(`^\\s+${id},?$`, 'm');
  const occurrences = text.match(new RegExp(`\\b${id}\\b`, 'g'))?.length ?? 0;
  return importLine.test(text) && elementLine.test(text) && occurrences === 2;
}

function unusable(file: string, why: string): never {
  throw new CLIError(`${file}: ${why}; add the entry by hand or restore the file's shape`, { exitCode: EXIT_FAILURE, code: 'ERR_AST_EDIT' });
}

/**
 * Adds one named import and one array element to a registry file, editing the syntax tree
 * with ts-morph and inserting text at node positions so the file's own formatting stays.
 * Idempotent: an import or element that is already there is not added again.
 *
 * @example
 * const after = await addRegistryEntry(text, 'src/routes.ts', { identifier: 'createOrder', moduleSpecifier: './endpoints/create-order.js', arrayName: 'endpoints' });
 */
export async function addRegistryEntry(text: string, file: string, entry: RegistryEntry): Promise<string> {
  // ts-morph brings the whole compiler; only an edit that is really needed pays for loading it.
  const { Node, Project, SyntaxKind } = tsMorph();
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { noLib: true } });
  const source = project.createSourceFile('/registry.ts', text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  const declaration = source.getVariableDeclaration(entry.arrayName);
  if (declaration === undefined) unusable(file, `no "${entry.arrayName}" declaration`);
  let initializer = declaration.getInitializer();
  while (initializer !== undefined && (Node.isAsExpression(initializer) || Node.isSatisfiesExpression(initializer) || Node.isParenthesizedExpression(initializer))) {
    initializer = initializer.getExpression();
  }
  const array = initializer?.asKind(SyntaxKind.ArrayLiteralExpression);
  if (array === undefined) unusable(file, `"${entry.arrayName}" is not an array literal`);

  const imports = source.getImportDeclarations();
  const sameModule = imports.find((d) => d.getModuleSpecifierValue() === entry.moduleSpecifier);
  const bound = imports.find((d) => d.getNamedImports().some((n) => (n.getAliasNode() ?? n.getNameNode()).getText() === entry.identifier));
  if (bound !== undefined && bound !== sameModule) {
    throw new CLIError(`--name: ${file} already imports a binding with this name from another module`, {
      exitCode: EXIT_USAGE,
      code: 'ERR_NAME_TAKEN',
      flag: 'name',
    });
  }
  const hasElement = array.getElements().some((e) => e.getText() === entry.identifier);

  // Edits go bottom-up so earlier positions stay valid.
  const edits: { pos: number; text: string }[] = [];
  if (!hasElement) {
    const elements = array.getElements();
    const last = elements.at(-1);
    if (last === undefined) {
      edits.push({ pos: array.getStart() + 1, text: `${eol}  ${entry.identifier},${eol}` });
    } else {
      const next = last.getNextSibling();
      const hasComma = next?.getKind() === SyntaxKind.CommaToken;
      const after = hasComma && next !== undefined ? next.getEnd() : last.getEnd();
      if (!text.slice(array.getStart(), last.getStart()).includes('\n')) {
        // A one-line array stays on one line.
        edits.push({ pos: last.getEnd(), text: `, ${entry.identifier}` });
      } else {
        const indent = /[ \t]*$/.exec(text.slice(0, last.getStart()))?.[0] ?? '  ';
        edits.push({ pos: after, text: `${hasComma ? '' : ','}${eol}${indent}${entry.identifier},` });
      }
    }
  }
  if (bound === undefined) {
    const line = `import { ${entry.identifier} } from '${entry.moduleSpecifier}';`;
    if (sameModule !== undefined) {
      sameModule.addNamedImport(entry.identifier);
      return addRegistryEntry(source.getFullText(), file, entry);
    }
    const siblings = imports.filter((d) => d.getModuleSpecifierValue().startsWith(entry.moduleSpecifier.replace(/[^/]*$/, '')));
    const anchor = siblings.at(-1) ?? imports.at(-1);
    edits.push(anchor === undefined ? { pos: 0, text: `${line}${eol}` } : { pos: anchor.getEnd(), text: `${eol}${line}` });
  }
  let result = text;
  for (const edit of edits.sort((a, b) => b.pos - a.pos)) result = result.slice(0, edit.pos) + edit.text + result.slice(edit.pos);
  return result;
}
