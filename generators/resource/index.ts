import type { NodePlopAPI } from 'node-plop';
import { z } from 'zod';
import { CLIError } from '../cli/errors.js';
import { meta, ruled } from '../endpoint/schema.js';
import { hasRegistryEntry, type AstEdits } from '../toolkit/ast.js';
import type { ChangeSet } from '../toolkit/change-set.js';
import type { GeneratorConfig } from '../toolkit/generator.js';
import { findOverlap, knownRoutes } from '../toolkit/routes.js';
import { serviceActions } from '../service/index.js';
import { fieldsFlag, resourceNameProblem } from '../service/schema.js';
import { resourceNames, serviceView } from './view.js';
import { parseFields } from './fields.js';
import { resourceEndpoints, resourceExtras, type ResourceEndpoint } from './endpoints.js';

const REGISTRY = 'src/routes.ts';

export const RESOURCE_NOTES = `Writes the service, its migration and isolation test (as generate service does), five endpoints
on /<plural> and /<plural>/:<singular>Id (list with a keyset cursor, get, create, update with PATCH,
delete), a security test for each, a functional test as two tenants, and five registry entries.
Permissions: <plural>:read and <plural>:write. gadget and gadgets give the same resource.

Example:
  generate resource gadget --fields "title:string, notes:text?, status:enum(open|closed)"
`;

/** Every answer `generate resource` takes. */
export const ResourceFields = z.strictObject({
  name: ruled(resourceNameProblem)
    .transform((name) => resourceNames(name).plural.camel)
    .meta(
      meta({
        description: 'what the resource is, singular or plural (gadget or gadgets)',
        placeholder: '<name>',
        positional: true,
        message: 'Resource name (e.g. gadgets)',
      }),
    ),
  fields: fieldsFlag(true),
});
export const ResourceAnswers = ResourceFields;
export type ResourceAnswers = z.output<typeof ResourceAnswers>;

async function checkRoutes(plan: ChangeSet, endpoints: readonly ResourceEndpoint[]): Promise<void> {
  const own = new Set(endpoints.map((e) => e.file));
  const routes = (await knownRoutes(plan.root)).filter((route) => !own.has(route.file));
  for (const endpoint of endpoints) {
    const clash = findOverlap(endpoint.method, endpoint.route, routes);
    if (clash !== undefined) {
      throw new CLIError(`--name gives ${endpoint.method} ${endpoint.route}, which overlaps ${clash.method} ${clash.path} in ${clash.file}`, {
        flag: 'name',
        code: 'ERR_ROUTE_OVERLAP',
      });
    }
  }
}

async function register(before: string, endpoint: ResourceEndpoint, edits: AstEdits): Promise<string> {
  const entry = { identifier: endpoint.binding, moduleSpecifier: `./endpoints/${endpoint.kebab}.js`, arrayName: 'endpoints' };
  return hasRegistryEntry(before, entry) ? before : edits.addRegistryEntry(before, REGISTRY, entry);
}

/**
 * `generate resource`: a service with its table plus five CRUD endpoints, their tests and registry entries.
 *
 * @example
 * resourceGenerator(plop);
 */
export default function resourceGenerator(plop: NodePlopAPI): void {
  const config: GeneratorConfig<ResourceAnswers> = {
    description: 'add a CRUD resource: service, migration, five endpoints and their tests',
    fields: ResourceFields,
    answers: ResourceAnswers,
    notes: RESOURCE_NOTES,
    actions(data) {
      const answers = ResourceAnswers.parse(data);
      const service = serviceView(answers.name, parseFields(answers.fields ?? ''));
      const view = { ...service, ...resourceExtras(service) };
      const endpoints = resourceEndpoints(service);
      return [
        { type: 'plan:check', check: (plan: ChangeSet) => checkRoutes(plan, endpoints) },
        ...serviceActions(service),
        { type: 'plan:create', path: service.files.shared, templateFile: 'resource/shared.ts.hbs', view },
        ...endpoints.flatMap((endpoint) => [
          { type: 'plan:create', path: endpoint.file, templateFile: `resource/${endpoint.template}.ts.hbs`, view },
          { type: 'plan:create', path: endpoint.test, templateFile: 'resource/security.test.ts.hbs', view: { ...view, endpoint } },
        ]),
        { type: 'plan:create', path: service.files.test, templateFile: 'resource/resource.test.ts.hbs', view },
        ...endpoints.map((endpoint) => ({ type: 'plan:edit', path: REGISTRY, edit: (before: string, edits: AstEdits) => register(before, endpoint, edits) })),
      ];
    },
  };
  plop.setGenerator('resource', config as unknown as Parameters<NodePlopAPI['setGenerator']>[1]);
}
