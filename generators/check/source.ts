import { parseSync } from 'oxc-parser';
import type { SourceFile } from './types.js';

export const SOURCE_EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Whether a project-relative path is test code (looser rules for fixtures and fakes). */
export function isTestPath(path: string): boolean {
  return path.startsWith('test/') || /\.test\.[cm]?[jt]sx?$/.test(path) || path.includes('/__fixtures__/');
}

export class ParseError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/**
 * Parses one file with oxc (a native parser: no type-check, no TypeScript compiler to load).
 *
 * @example
 * const file = parseSource('src/app.ts', await readFile('src/app.ts', 'utf8'));
 */
export function parseSource(path: string, text: string): SourceFile {
  const result = parseSync(path, text, { sourceType: 'module', range: false });
  let starts: number[] | undefined;
  function position(offset: number): { line: number; column: number } {
    starts ??= lineStarts(text);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }
  const fatal = result.errors.find((e) => e.severity === 'Error');
  if (fatal !== undefined) {
    const where = position(fatal.labels[0]?.start ?? 0);
    throw new ParseError(path, where.line, where.column, fatal.message);
  }
  return {
    path,
    text,
    // Built on first use (oxc hands the tree over as JSON): a file no rule walks costs only the parse.
    get program() {
      return result.program;
    },
    comments: result.comments,
    isTest: isTestPath(path),
    position,
  };
}
