import type { SourceRule } from '../types.js';
import { asNode, identifierName, propertyName, rootName, stringValue } from './_ast.js';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'head', 'options', 'route']);
// Names that hold an Express app or router by convention; `map.get(key)` is left alone.
const ROUTER_NAME = /^(?:app|api|server|router|[a-z]*Router|[a-z]*App)$/;

/** `app.get('/x', handler)`, `router.post(...)`, `app.use('/x', handler)`, `express.Router()` in src/. */
export const rawRoute: SourceRule = {
  kind: 'source',
  id: 'raw-route',
  doc: 'A route mounted outside defineEndpoint and the registry in src/routes.ts',
  fix: 'Run `npx generate endpoint …` (or write a defineEndpoint and add it to src/routes.ts): the registry mounts it behind auth and validation.',
  applies: (file) => file.path.startsWith('src/') && !file.isTest,
  visitor(_file, report) {
    return {
      CallExpression(node) {
        const callee = asNode(node['callee']);
        const args = node['arguments'] as unknown[];
        const method = propertyName(callee);
        const owner = asNode(callee?.['object']);
        const ownerName = identifierName(owner) ?? propertyName(owner);
        if (method === 'Router' && rootName(callee) === 'express') {
          report(node, 'express.Router() builds routes outside the registry');
          return;
        }
        if (identifierName(callee) === 'Router') {
          report(node, 'Router() builds routes outside the registry');
          return;
        }
        if (method === undefined || ownerName === undefined || !ROUTER_NAME.test(ownerName)) return;
        // `app.get('env')` reads a setting: a route needs a path and a handler.
        if (ROUTE_METHODS.has(method) && args.length >= 2) {
          report(node, `${ownerName}.${method}() mounts a route outside defineEndpoint and the registry`);
        } else if (method === 'route' && args.length === 1) {
          report(node, `${ownerName}.route() mounts a route outside defineEndpoint and the registry`);
        } else if (method === 'use' && args.length >= 2 && stringValue(args[0]) !== undefined) {
          report(node, `${ownerName}.use('${stringValue(args[0])}', …) mounts a handler outside the registry`);
        }
      },
    };
  },
};
