import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, FieldSpecError, parseFields, type FieldType } from '../../generators/resource/fields.js';
import { nameProblem } from '../../generators/toolkit/names.js';

const fieldName = fc
  .stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/)
  .filter((name) => !['id', 'tenantid', 'tenant', 'createdat', 'updatedat', 'cursor', 'limit', 'items', 'nextcursor'].includes(name.toLowerCase()))
  .filter((name) => nameProblem(name) === undefined || /already uses/.test(nameProblem(name) ?? ''));
const enumValues = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 5 });
const field = fc.record({ name: fieldName, type: fc.constantFrom(...FIELD_TYPES), optional: fc.boolean(), values: enumValues });
const fields = fc.uniqueArray(field, { minLength: 1, maxLength: 10, selector: (f) => f.name.toLowerCase() });

function render(f: { name: string; type: FieldType; optional: boolean; values: string[] }): string {
  return `${f.name}:${f.type}${f.type === 'enum' ? `(${f.values.join('|')})` : ''}${f.optional ? '?' : ''}`;
}

describe('parseFields', () => {
  it('reads back every well-formed spec it is given', () => {
    fc.assert(
      fc.property(fields, fc.constantFrom(',', ', ', ' , '), (list, separator) => {
        const parsed = parseFields(list.map(render).join(separator));
        expect(parsed.map((f) => [f.name, f.type, f.optional])).toEqual(list.map((f) => [f.name, f.type, f.optional]));
        for (const [i, f] of parsed.entries()) {
          expect(f.column).toMatch(/^[a-z][a-z0-9_]*$/);
          expect(f.values).toEqual(f.type === 'enum' ? list[i]?.values : []);
        }
      }),
    );
  });

  it('answers any other input with a FieldSpecError, never another error or an echo of the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[a-zA-Z_:?(|),\s\u0000-\u001f]{0,40}$/)), (spec) => {
        try {
          parseFields(spec);
        } catch (err) {
          expect(err).toBeInstanceOf(FieldSpecError);
          expect((err as Error).message).toMatch(/^[\x20-\x7e]+$/);
        }
      }),
    );
  });

  it.each([
    ['', /at least one field/],
    ['title', /must look like name:type/],
    ['title:strin', /field "title" has an unknown type/],
    ['id:uuid', /field "id" is reserved/],
    ['tenant_id:string', /field 1 name must be camelCase/],
    ['tenantId:string', /field "tenantId" is reserved/],
    ['__proto__:string', /field 1 name must be camelCase/],
    ['constructor:string', /reserved word or prototype-sensitive/],
    ['a:int,a:int', /field "a" is given twice/],
    ['a:int,,b:int', /field 2 is empty/],
    ['s:enum()', /enum needs at least one value/],
    ['s:enum(a|a)', /enum repeats a value/],
    ['s:enum(a b)', /enum values must be lowercase identifiers/],
    ['s:int(3)', /only enum takes/],
    ['s:string\u0007', /printable ASCII/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseFields(spec)).toThrow(message);
  });
});
