import type { NodePlopAPI } from 'node-plop';
import type { ChangeSet } from '../toolkit/change-set.js';
import type { GeneratorConfig } from '../toolkit/generator.js';
import { parseFields } from '../resource/fields.js';
import { migrationPath, serviceView, type ServiceView } from '../resource/view.js';
import { ServiceAnswers, ServiceFields } from './schema.js';

export const SERVICE_NOTES = `Writes src/services/<plural>.ts (defineTable + functions taking the tenant-bound db), the next
numbered migration src/migrations/NNNN_create_<plural>.sql (tenant id, uuid id, timestamps, forced
row-level security) and test/services/<plural>.test.ts (a two-tenant isolation test).

Example:
  generate service gadgets --fields "title:string, done:boolean?"
`;

/** The plan actions for the service, its migration and its test; `generate resource` reuses them. */
export function serviceActions(view: ServiceView): object[] {
  let migration = '';
  const locate = async (plan: ChangeSet): Promise<string> => {
    migration = await migrationPath(plan.root, view.table);
    return migration;
  };
  return [
    { type: 'plan:create', locate, templateFile: 'service/migration.sql.hbs', view },
    { type: 'plan:create', path: view.files.service, templateFile: 'service/service.ts.hbs', view: () => ({ ...view, migration }) },
    { type: 'plan:create', path: view.files.serviceTest, templateFile: 'service/service.test.ts.hbs', view },
  ];
}

/**
 * `generate service`: a tenant-scoped table, its migration and its isolation test.
 *
 * @example
 * serviceGenerator(plop);
 */
export default function serviceGenerator(plop: NodePlopAPI): void {
  const config: GeneratorConfig<ServiceAnswers> = {
    description: 'add a tenant-scoped service with its table, migration and isolation test',
    fields: ServiceFields,
    answers: ServiceAnswers,
    notes: SERVICE_NOTES,
    actions(data) {
      const answers = ServiceAnswers.parse(data);
      return serviceActions(serviceView(answers.name, answers.fields === undefined ? [] : parseFields(answers.fields)));
    },
  };
  plop.setGenerator('service', config as unknown as Parameters<NodePlopAPI['setGenerator']>[1]);
}
