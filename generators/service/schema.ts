import { z } from 'zod';
import { meta, ruled } from '../endpoint/schema.js';
import { nameProblem } from '../toolkit/names.js';
import { fieldsProblem } from '../resource/fields.js';
import { resourceNames } from '../resource/view.js';

/** A name is checked as given and in both its singular and plural forms, which become bindings too. */
export function resourceNameProblem(name: string): string | undefined {
  const problem = nameProblem(name);
  if (problem !== undefined) return problem;
  const { singular, plural } = resourceNames(name);
  return nameProblem(singular.camel) ?? nameProblem(plural.camel);
}

export const FIELDS_HELP = 'name:type[?],... with types string, text, int, number, boolean, date, datetime, uuid, email, url, enum(a|b)';

export function fieldsFlag(required: boolean) {
  const base = ruled(fieldsProblem);
  const described = meta({
    description: `the table's fields: ${FIELDS_HELP}; ? makes one optional`,
    placeholder: '"<spec>"',
    message: 'Fields (e.g. title:string, done:boolean?)',
    ask: true,
  });
  return required ? base.meta(described) : base.optional().meta(described);
}

/** Every answer `generate service` takes. */
export const ServiceFields = z.strictObject({
  // Normalised to the plural, so `gadget` and `gadgets` are the same answers (and one manifest entry).
  name: ruled(resourceNameProblem)
    .transform((name) => resourceNames(name).plural.camel)
    .meta(
      meta({
        description: 'what the service stores, singular or plural (gadget or gadgets)',
        placeholder: '<name>',
        positional: true,
        message: 'Service name (e.g. gadgets)',
      }),
    ),
  fields: fieldsFlag(false),
});

export const ServiceAnswers = ServiceFields;
export type ServiceAnswers = z.output<typeof ServiceAnswers>;
