import type { SourceRule } from '../types.js';
import { asNode, identifierName, isBuiltString, propertyName, rootName, type AnyNode } from './_ast.js';

const QUERY_METHODS = new Set(['query', 'execute', 'exec', 'unsafe', 'raw', 'executeQuery', 'sql']);

/** A literal, or a choice between literals (`asc ? '>' : '<'`): text fixed at write time. */
function isFixedText(node: AnyNode | undefined): boolean {
  if (node === undefined) return false;
  if (node.type === 'Literal') return true;
  if (node.type === 'TemplateLiteral') return (node['expressions'] as unknown[]).length === 0;
  if (node.type === 'ConditionalExpression') return isFixedText(asNode(node['consequent'])) && isFixedText(asNode(node['alternate']));
  return false;
}

/** What is wrong with a query argument, if anything. */
function problem(arg: AnyNode | undefined, built: ReadonlySet<string>): string | undefined {
  if (arg === undefined) return undefined;
  if (isBuiltString(arg)) return arg.type === 'TemplateLiteral' ? 'an untagged template' : 'string concatenation';
  if (arg.type === 'TaggedTemplateExpression' && identifierName(arg['tag']) !== 'sql')
    return `a template tagged ${identifierName(arg['tag']) ?? propertyName(arg['tag']) ?? 'with something'} other than sql`;
  const name = identifierName(arg);
  if (name !== undefined && built.has(name)) return `"${name}", a string built from pieces`;
  return undefined;
}

/** A query whose text is built from strings instead of kysely's builder or the `sql` tag. */
export const sqlString: SourceRule = {
  kind: 'source',
  id: 'sql-string',
  doc: 'SQL text built from strings (concatenation, untagged or non-sql templates) reaching a query',
  fix: "Use the tenant-scoped query builder from blessed/db, or kysely's sql`…` tag, which sends every ${value} as a parameter.",
  applies: (file) => !file.isTest,
  visitor(_file, report) {
    const built = new Set<string>();
    return {
      VariableDeclarator(node) {
        const name = identifierName(node['id']);
        if (name !== undefined && isBuiltString(node['init'])) built.add(name);
      },
      CallExpression(node) {
        const callee = asNode(node['callee']);
        const method = propertyName(callee) ?? identifierName(callee);
        if (method === undefined || !QUERY_METHODS.has(method)) return;
        const arg = asNode((node['arguments'] as unknown[])[0]);
        // sql.raw / sql.lit splice text into the query: only a literal is safe there.
        if (rootName(callee) === 'sql' && (method === 'raw' || method === 'unsafe')) {
          if (arg !== undefined && !isFixedText(arg)) report(node, `sql.${method}() splices run-time text into the query`);
          return;
        }
        const what = problem(arg, built);
        if (what !== undefined) report(node, `${method}() receives SQL built from ${what}`);
      },
    };
  },
};
