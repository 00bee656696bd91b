import { createRequire } from 'node:module';

type TsMorph = typeof import('ts-morph');

let loaded: TsMorph | undefined;

/**
 * ts-morph, loaded on first use. It is CommonJS: `require` skips the export scan an ESM
 * `import()` runs over its source, a noticeable part of an edit's cost.
 */
export function tsMorph(): TsMorph {
  loaded ??= createRequire(import.meta.url)('ts-morph') as TsMorph;
  return loaded;
}
