import type { NodePlopAPI } from 'node-plop';
import { CLIError } from '../cli/errors.js';
import { hasRegistryEntry, type AstEdits, type RegistryEntry } from '../toolkit/ast.js';
import type { ChangeSet } from '../toolkit/change-set.js';
import type { GeneratorConfig } from '../toolkit/generator.js';
import { addFunction } from '../toolkit/module-edit.js';
import { findOverlap, knownRoutes } from '../toolkit/routes.js';
import { documentedEndpoint } from './documented.js';
import { EndpointAnswers, EndpointFields } from './schema.js';
import { endpointView, serviceShape } from './shapes.js';

const REGISTRY = 'src/routes.ts';

export const ENDPOINT_NOTES = `Writes src/endpoints/<name>.ts, test/endpoints/<name>.security.test.ts and the entry in
src/routes.ts. With --service, the handler calls <service>Service.<name>() from
src/services/<service>.ts; the file is created if missing and the function added if absent.

Example:
  generate endpoint createOrder --method POST --path /orders --permission orders:write --summary "Create an order"
`;

async function checkRoute(plan: ChangeSet, answers: EndpointAnswers, ownFile: string): Promise<void> {
  const routes = (await knownRoutes(plan.root)).filter((route) => route.file !== ownFile);
  const clash = findOverlap(answers.method, answers.path, routes);
  if (clash !== undefined) {
    throw new CLIError(`--path ${answers.method} ${answers.path} overlaps ${clash.method} ${clash.path} in ${clash.file}; one would shadow the other`, {
      flag: 'path',
      code: 'ERR_ROUTE_OVERLAP',
    });
  }
}

async function register(before: string, entry: RegistryEntry, edits: AstEdits): Promise<string> {
  // The usual re-run finds the entry as generated and never loads the compiler.
  return hasRegistryEntry(before, entry) ? before : edits.addRegistryEntry(before, REGISTRY, entry);
}

/**
 * `generate endpoint`: a `defineEndpoint` file, its security tests and its registry entry.
 *
 * @example
 * endpointGenerator(plop);
 * await plop.getGenerator('endpoint').runActions(data);
 */
export default function endpointGenerator(plop: NodePlopAPI): void {
  const config: GeneratorConfig<EndpointAnswers> = {
    description: 'add an endpoint with its security tests and registry entry',
    fields: EndpointFields,
    answers: EndpointAnswers,
    notes: ENDPOINT_NOTES,
    actions(data) {
      const answers = EndpointAnswers.parse(data);
      const view = endpointView(answers);
      if (view.service !== null && view.service.binding === view.name.camel) {
        throw new CLIError('--service must differ from --name', { flag: 'service' });
      }
      const entry = { identifier: view.name.camel, moduleSpecifier: `./endpoints/${view.name.kebab}.js`, arrayName: 'endpoints' };
      const service = view.service;
      return [
        { type: 'plan:check', check: (plan: ChangeSet) => checkRoute(plan, answers, view.files.endpoint) },
        // `documents`: openapi.json can take this endpoint's operation without loading the file.
        { type: 'plan:create', path: view.files.endpoint, templateFile: 'endpoint/endpoint.ts.hbs', view, documents: () => documentedEndpoint(view) },
        {
          type: 'plan:create',
          path: view.files.test,
          templateFile: view.access.key === 'public' ? 'endpoint/public.test.ts.hbs' : 'endpoint/security.test.ts.hbs',
          view,
        },
        ...(service === null || view.files.service === null
          ? []
          : [
              { type: 'plan:ensure', path: view.files.service, templateFile: 'endpoint/service.ts.hbs', view },
              {
                type: 'plan:render-edit',
                path: view.files.service,
                templateFile: 'endpoint/service-function.ts.hbs',
                view: { ...view, ...serviceShape(answers) },
                edit: (before: string, code: string) =>
                  addFunction(
                    before,
                    code,
                    view.name.camel,
                    service.imports.map((line) => importOf(line)),
                  ),
              },
            ]),
        { type: 'plan:edit', path: REGISTRY, edit: (before: string, edits: AstEdits) => register(before, entry, edits) },
      ];
    },
  };
  plop.setGenerator('endpoint', config as unknown as Parameters<NodePlopAPI['setGenerator']>[1]);
}

function importOf(line: string): { name: string; from: string } {
  const match = /^import \{ (\w+) \} from '([^']+)';$/.exec(line);
  if (match === null) throw new TypeError(`not a single named import: ${line}`);
  return { name: match[1] ?? '', from: match[2] ?? '' };
}
