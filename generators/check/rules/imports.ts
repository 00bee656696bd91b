import type { Report, SourceFile, SourceRule } from '../types.js';
import { asNode, identifierName, propertyName, stringValue, type AnyNode } from './_ast.js';

interface Home {
  readonly what: string;
  /** The folder allowed to import it, or null when nothing in the service may. */
  readonly home: string | null;
  /** Other blessed folders that may import it too, each for a stated reason. */
  readonly also?: readonly string[];
  /** Named imports that are not the dangerous part (`IncomingMessage` for instanceof checks). */
  readonly harmless?: ReadonlySet<string>;
}

// node:http's classes and constants serve servers and instanceof checks; only requests leave the process.
const HTTP_SERVER_SIDE = new Set([
  'IncomingMessage',
  'ServerResponse',
  'STATUS_CODES',
  'METHODS',
  'Server',
  'createServer',
  'OutgoingMessage',
  'validateHeaderName',
  'validateHeaderValue',
]);
const HTTP: Home = { what: 'an HTTP client', home: 'blessed/http/', harmless: HTTP_SERVER_SIDE };
const DB: Home = { what: 'a database driver', home: 'blessed/db/' };
const LOG: Home = { what: 'a logger', home: 'blessed/logger/' };
// The security test kit forges malformed tokens (alg none, wrong keys) that blessed/auth must refuse.
const JWT: Home = { what: 'a JWT library', home: 'blessed/auth/', also: ['blessed/testing/'] };
const PROCESS: Home = { what: 'process spawning', home: null };
const VM: Home = { what: 'dynamic code evaluation', home: null };

const MODULES: ReadonlyMap<string, Home> = new Map([
  ...['axios', 'node-fetch', 'got', 'superagent', 'request', 'http', 'https', 'http2', 'undici'].map((m) => [m, HTTP] as const),
  ...['pg', 'pg-pool', 'postgres', '@electric-sql/pglite', 'kysely', 'mysql', 'mysql2', 'sqlite3', 'better-sqlite3', 'knex'].map((m) => [m, DB] as const),
  ...['pino', 'pino-http', 'winston', 'bunyan'].map((m) => [m, LOG] as const),
  ...['jose', 'jsonwebtoken', 'jwt-decode', 'jws', 'njwt'].map((m) => [m, JWT] as const),
  ['child_process', PROCESS],
  ['vm', VM],
]);

/** The home a module specifier belongs to: `node:http`, `pg/lib/x` and `@electric-sql/pglite/worker` count. */
function homeOf(specifier: string): Home | undefined {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = bare.split('/');
  const name = bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
  return MODULES.get(name);
}

/** The names an import declaration binds, or undefined when it binds the whole module (default, namespace). */
function namedImports(node: AnyNode): string[] | undefined {
  const names: string[] = [];
  for (const specifier of (node['specifiers'] as unknown[] | undefined) ?? []) {
    const spec = asNode(specifier);
    if (spec?.type !== 'ImportSpecifier') return undefined;
    if (spec['importKind'] === 'type') continue;
    names.push(identifierName(spec['imported']) ?? stringValue(spec['imported']) ?? '');
  }
  return names;
}

function checkSpecifier(file: SourceFile, node: AnyNode, specifier: string | undefined, report: Report, names?: readonly string[]): void {
  if (specifier === undefined) return;
  const home = homeOf(specifier);
  if (home === undefined || (home.home !== null && file.path.startsWith(home.home))) return;
  if (home.also?.some((folder) => file.path.startsWith(folder)) === true) return;
  if (names !== undefined && home.harmless !== undefined && names.every((name) => home.harmless?.has(name) === true)) return;
  report(
    node,
    home.home === null ? `"${specifier}" (${home.what}) has no place in the service` : `"${specifier}" is ${home.what}; import it only in ${home.home}`,
  );
}

/** HTTP clients, database drivers, loggers, JWT libraries, child_process and vm outside their blessed home. */
export const forbiddenImport: SourceRule = {
  kind: 'source',
  id: 'forbidden-import',
  doc: 'An HTTP client, database driver, logger, JWT library, child_process or vm imported outside its blessed module',
  fix: 'Use the blessed module instead: blessed/http (createHttpClient), blessed/db, blessed/logger, blessed/auth; nothing in the service spawns processes or evaluates code.',
  applies: (file) => (file.path.startsWith('src/') || file.path.startsWith('blessed/')) && !file.isTest,
  visitor(file, report) {
    let fetchShadowed = false;
    return {
      ImportDeclaration(node) {
        // Types vanish at compile time: `import type { Kysely }` loads nothing.
        if (node['importKind'] === 'type') return;
        checkSpecifier(file, node, stringValue(node['source']), report, namedImports(node));
      },
      ExportNamedDeclaration(node) {
        if (node['exportKind'] !== 'type') checkSpecifier(file, node, stringValue(node['source']), report);
      },
      ExportAllDeclaration(node) {
        if (node['exportKind'] !== 'type') checkSpecifier(file, node, stringValue(node['source']), report);
      },
      ImportExpression(node) {
        checkSpecifier(file, node, stringValue(node['source']), report);
      },
      CallExpression(node) {
        const callee = asNode(node['callee']);
        const args = node['arguments'] as unknown[];
        if (identifierName(callee) === 'require') checkSpecifier(file, node, stringValue(args[0]), report);
        const isFetch =
          identifierName(callee) === 'fetch' ||
          (propertyName(callee) === 'fetch' && ['globalThis', 'window', 'global'].includes(identifierName(asNode(callee?.['object'])) ?? ''));
        if (isFetch && !fetchShadowed && !file.path.startsWith(HTTP.home ?? '')) {
          report(node, 'global fetch() has no timeout, no host allowlist and follows redirects; use blessed/http');
        }
      },
      VariableDeclarator(node) {
        // A local `fetch` (a parameter or an injected client) is not the global one.
        if (identifierName(node['id']) === 'fetch') fetchShadowed = true;
      },
    };
  },
};

/** `eval`, `new Function`, and timers given a string: code built from text. */
export const dynamicCode: SourceRule = {
  kind: 'source',
  id: 'dynamic-code',
  doc: 'eval, new Function or a string passed to setTimeout/setInterval',
  fix: 'Write the code as code: pass a function to timers; parse data with JSON.parse or a zod schema.',
  applies: () => true,
  // `\u`: an identifier may be spelled with escapes (`\u0065val`).
  mentions: /eval|Function|setTimeout|setInterval|setImmediate|\\u/,
  visitor(_file, report) {
    function calls(node: AnyNode, isNew: boolean): void {
      const callee = asNode(node['callee']);
      const name = identifierName(callee) ?? (identifierName(asNode(callee?.['object'])) === 'globalThis' ? propertyName(callee) : undefined);
      const first = asNode((node['arguments'] as unknown[])[0]);
      if (name === 'eval') report(node, 'eval() runs text as code');
      else if (name === 'Function') report(node, `${isNew ? 'new ' : ''}Function() runs text as code`);
      else if (
        (name === 'setTimeout' || name === 'setInterval' || name === 'setImmediate') &&
        (first?.type === 'Literal' || first?.type === 'TemplateLiteral' || first?.type === 'BinaryExpression')
      ) {
        report(node, `${name}() with a string runs text as code`);
      }
    }
    return {
      CallExpression: (node) => calls(node, false),
      NewExpression: (node) => calls(node, true),
    };
  },
};
