import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineEndpoint } from '../../blessed/endpoint/index.js';
import { field } from '../../blessed/validation/index.js';
import { addOperations, readOperations } from '../../generators/inventory/merge.js';
import { buildOpenApi, openApiText } from '../../generators/inventory/openapi.js';
import { endpoints } from '../../src/routes.js';

const info = { title: 'merge-test', version: '1.2.3' };
const current = openApiText(buildOpenApi(endpoints, info));

const getPart = defineEndpoint({
  method: 'GET',
  path: '/notes/:noteId/parts/:partId',
  permission: 'notes:read',
  params: z.strictObject({ noteId: field.id(), partId: field.id() }),
  response: z.strictObject({ id: field.id() }),
  async handler() {
    return { id: '00000000-0000-4000-8000-000000000000' };
  },
});

describe('openapi.json merged with new operations', () => {
  it('reads back every operation of a document the renderer wrote', () => {
    const operations = readOperations(current);
    expect(operations?.map((o) => `${o.method} ${o.path}`).sort()).toEqual(endpoints.map((e) => `${e.method} ${e.path}`).sort());
  });

  it('gives the bytes the renderer gives for the whole registry, wherever the new path sorts', () => {
    const merged = addOperations(current, [getPart], info);
    expect(merged).toBe(openApiText(buildOpenApi([...endpoints, getPart], info)));
    expect(Object.keys(JSON.parse(merged ?? '{}').paths)).toContain('/notes/{noteId}/parts/{partId}');
  });

  it('refuses a document it did not write byte for byte: reformatted, reordered, extended or not JSON', () => {
    const document = JSON.parse(current) as { paths: Record<string, Record<string, Record<string, unknown>>>; components: Record<string, unknown> };
    const { components, ...rest } = document;
    const reordered = { components, ...rest };
    const oldComponents = { ...document, components: { ...document.components, schemas: {} } };
    const extended = { ...document, 'x-extra': true };
    const options = structuredClone(document);
    (Object.values(options.paths)[0] ?? {})['options'] = {};
    for (const text of [
      JSON.stringify(document),
      `${JSON.stringify(reordered, null, 2)}\n`,
      openApiText(oldComponents),
      openApiText(extended),
      openApiText(options),
      '{ not json',
      '[]',
    ]) {
      expect(readOperations(text)).toBeUndefined();
      expect(addOperations(text, [getPart], info)).toBeUndefined();
    }
  });

  it('refuses to add an operation whose method and path are already documented', () => {
    const [first] = endpoints;
    expect(first).toBeDefined();
    if (first !== undefined) expect(addOperations(current, [first], info)).toBeUndefined();
  });
});
