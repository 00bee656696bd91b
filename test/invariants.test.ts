import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/spawn.js';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

function consoleCalls(file: string): number[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === 'console') lines.push(source.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('project invariants', () => {
  it('nothing in blessed/, src/ or generators/ uses console (the redacting logger is the only output)', () => {
    const found = ['blessed', 'src', 'generators'].flatMap(sources).flatMap((file) => consoleCalls(file).map((line) => `${relative(ROOT, file)}:${line}`));
    expect(found).toEqual([]);
  });

  it('no blessed public signature uses any', () => {
    const entries = readdirSync(join(ROOT, 'blessed'))
      .map((name) => join(ROOT, 'blessed', name, 'index.ts'))
      .filter((file) => {
        try {
          return readFileSync(file).length > 0;
        } catch {
          return false;
        }
      });
    expect(entries.length).toBeGreaterThanOrEqual(8);
    const program = ts.createProgram(entries, {
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      // The project's lib and types (tsconfig.json): without them the program also parses the DOM
      // lib and every @types package installed, which this syntactic walk never looks at.
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const offenders: string[] = [];
    for (const file of entries) {
      const source = program.getSourceFile(file);
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      if (!moduleSymbol) continue;
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        for (const declaration of symbol.declarations ?? []) {
          let hasAny = false;
          const visit = (node: ts.Node): void => {
            if (node.kind === ts.SyntaxKind.AnyKeyword) hasAny = true;
            // Function bodies are implementation, not signature.
            if (ts.isBlock(node)) return;
            ts.forEachChild(node, visit);
          };
          visit(declaration);
          // Syntactic on purpose: express's own types say `any` in places we cannot change.
          if (hasAny) offenders.push(`${relative(ROOT, file)}: ${exported.name}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
