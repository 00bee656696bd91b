import type { FieldView, ServiceView } from './view.js';

/** One of the five endpoints of a resource, as its files and tests need it. */
export interface ResourceEndpoint {
  readonly template: 'list' | 'get' | 'create' | 'update' | 'delete';
  readonly binding: string;
  readonly kebab: string;
  readonly file: string;
  readonly test: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly http: string;
  readonly route: string;
  /** The request path in a test, as TypeScript (a template literal over `id` for item routes). */
  readonly url: string;
  readonly permission: string;
  readonly otherPermission: string;
  readonly status: number;
  readonly needsId: boolean;
  readonly hasBody: boolean;
  readonly validBody: string;
}

function objectLiteral(entries: readonly (readonly [string, string])[]): string {
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

/** The five endpoints, in registry order. */
export function resourceEndpoints(view: ServiceView): ResourceEndpoint[] {
  const { singular, plural } = view;
  const item = `\`${view.path}/\${id}\``;
  const change = objectLiteral(view.first === null ? [] : [[view.first.name, view.first.sampleB]]);
  const make = (
    template: ResourceEndpoint['template'],
    binding: string,
    method: ResourceEndpoint['method'],
    status: number,
    body: 'SEED' | string | null,
  ): ResourceEndpoint => {
    const kebab = binding.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const needsId = template !== 'list' && template !== 'create';
    const write = method !== 'GET';
    return {
      template,
      binding,
      kebab,
      file: `src/endpoints/${kebab}.ts`,
      test: `test/endpoints/${kebab}.security.test.ts`,
      method,
      http: method.toLowerCase(),
      route: needsId ? view.itemPath : view.path,
      url: needsId ? item : `'${view.path}'`,
      permission: write ? view.write : view.read,
      otherPermission: write ? view.read : view.write,
      status,
      needsId,
      hasBody: body !== null,
      validBody: body ?? '{}',
    };
  };
  return [
    make('list', `list${plural.pascal}`, 'GET', 200, null),
    make('get', `get${singular.pascal}`, 'GET', 200, null),
    make('create', `create${singular.pascal}`, 'POST', 201, 'SEED'),
    make('update', `update${singular.pascal}`, 'PATCH', 200, change),
    make('delete', `delete${singular.pascal}`, 'DELETE', 204, null),
  ];
}

/** What the shared module and the functional test need beyond the service view. */
export function resourceExtras(view: ServiceView): {
  readonly summaries: Readonly<Record<ResourceEndpoint['template'], string>>;
  readonly required: readonly FieldView[];
  readonly bounded: readonly FieldView[];
  readonly changeBody: string;
} {
  const one = view.singular.words;
  const many = view.plural.words;
  return {
    summaries: {
      list: `List ${many}`,
      get: `Get a ${one}`,
      create: `Create a ${one}`,
      update: `Update a ${one}`,
      delete: `Delete a ${one}`,
    },
    required: view.fields.filter((f) => !f.optional),
    bounded: view.fields.filter((f) => f.tooLong !== null),
    changeBody: objectLiteral(view.first === null ? [] : [[view.first.name, view.first.sampleB]]),
  };
}
