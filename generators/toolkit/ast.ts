import { CLIError, EXIT_FAILURE, EXIT_USAGE } from '../cli/errors.js';
import { importDeclarations, localNames, parseModule, skipTrivia, topLevelDeclarator, unwrap } from './parse.js';

export interface RegistryEntry {
  /** The exported binding, e.g. `createOrder`. */
  readonly identifier: string;
  /** Relative to the registry file, e.g. `./endpoints/create-order.js`. */
  readonly moduleSpecifier: string;
  /** The array the entry belongs to, e.g. `endpoints`. */
  readonly arrayName: string;
}

/** Where registry edits run; generators receive it so a caller can substitute its own. */
export interface AstEdits {
  addRegistryEntry(text: string, file: string, entry: RegistryEntry): Promise<string>;
}

export const inProcessEdits: AstEdits = { addRegistryEntry: (text, file, entry) => addRegistryEntry(text, file, entry) };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when the registry already has exactly this import and this entry, one per line, as the
 * generator writes them: a re-run can skip parsing altogether.
 */
export function hasRegistryEntry(text: string, entry: RegistryEntry): boolean {
  const id = escapeRegExp(entry.identifier);
  const importLine = new RegExp(`^import \\{ ${id} \\} from '${escapeRegExp(entry.moduleSpecifier)}';$`, 'm');
  const elementLine = new RegExp(`^\\s+${id},?$`, 'm');
  // Counted outside quoted text: a name such as `js` or `index` is also a word of every module path.
  const code = text.replace(/'[^'\\\n]*'|"[^"\\\n]*"/g, "''");
  const occurrences = code.match(new RegExp(`(?<![\\w$])${id}(?![\\w$])`, 'g'))?.length ?? 0;
  return importLine.test(text) && elementLine.test(text) && occurrences === 2;
}

function unusable(file: string, why: string): never {
  throw new CLIError(`${file}: ${why}; add the entry by hand or restore the file's shape`, { exitCode: EXIT_FAILURE, code: 'ERR_AST_EDIT' });
}

interface Insertion {
  readonly pos: number;
  readonly text: string;
}

/**
 * Adds one named import and one array element to a registry file. The file is parsed (oxc) only
 * to find positions; text is inserted at them, so the file's own formatting stays. Idempotent:
 * an import or element that is already there is not added again. A file that does not parse,
 * or whose array is not a literal, is refused rather than guessed at.
 *
 * @example
 * const after = await addRegistryEntry(text, 'src/routes.ts', { identifier: 'createOrder', moduleSpecifier: './endpoints/create-order.js', arrayName: 'endpoints' });
 */
export async function addRegistryEntry(text: string, file: string, entry: RegistryEntry): Promise<string> {
  const { program, error } = parseModule(text);
  if (error !== undefined) unusable(file, `does not parse (${error})`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  const declaration = topLevelDeclarator(program, entry.arrayName);
  if (declaration === undefined) unusable(file, `no "${entry.arrayName}" declaration`);
  const array = unwrap(declaration.init);
  if (array?.type !== 'ArrayExpression') unusable(file, `"${entry.arrayName}" is not an array literal`);

  const imports = importDeclarations(program);
  const bound = imports.find((d) => localNames(d).includes(entry.identifier));
  if (bound !== undefined && bound.source.value !== entry.moduleSpecifier) {
    throw new CLIError(`--name: ${file} already imports a binding with this name from another module`, {
      exitCode: EXIT_USAGE,
      code: 'ERR_NAME_TAKEN',
      flag: 'name',
    });
  }
  const elements = array.elements.filter((e) => e !== null);
  const hasElement = elements.some((e) => text.slice(e.start, e.end) === entry.identifier);

  const edits: Insertion[] = [];
  const last = elements.at(-1);
  if (hasElement) {
    // Nothing to add to the array.
  } else if (last === undefined) {
    edits.push({ pos: array.start + 1, text: `${eol}  ${entry.identifier},${eol}` });
  } else if (!text.slice(array.start, last.start).includes('\n')) {
    // A one-line array stays on one line.
    edits.push({ pos: last.end, text: `, ${entry.identifier}` });
  } else {
    const afterLast = skipTrivia(text, last.end);
    const hasComma = text[afterLast] === ',';
    const indent = /[ \t]*$/.exec(text.slice(0, last.start))?.[0] ?? '  ';
    edits.push({ pos: hasComma ? afterLast + 1 : last.end, text: `${hasComma ? '' : ','}${eol}${indent}${entry.identifier},` });
  }
  if (bound === undefined) {
    const sameModule = imports.find(
      (d) => d.source.value === entry.moduleSpecifier && d.importKind !== 'type' && d.specifiers.some((s) => s.type === 'ImportSpecifier'),
    );
    const lastNamed = sameModule?.specifiers.filter((s) => s.type === 'ImportSpecifier').at(-1);
    if (lastNamed !== undefined) {
      edits.push({ pos: lastNamed.end, text: `, ${entry.identifier}` });
    } else {
      const line = `import { ${entry.identifier} } from '${entry.moduleSpecifier}';`;
      const folder = entry.moduleSpecifier.replace(/[^/]*$/, '');
      const anchor = imports.filter((d) => d.source.value.startsWith(folder)).at(-1) ?? imports.at(-1);
      edits.push(anchor === undefined ? { pos: 0, text: `${line}${eol}` } : { pos: anchor.end, text: `${eol}${line}` });
    }
  }
  // Bottom-up, so earlier positions stay valid.
  let result = text;
  for (const edit of edits.sort((a, b) => b.pos - a.pos)) result = result.slice(0, edit.pos) + edit.text + result.slice(edit.pos);
  return result;
}
