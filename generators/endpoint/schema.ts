import { z } from 'zod';
import type { FieldMeta } from '../toolkit/answers.js';
import { nameProblem } from '../toolkit/names.js';
import { routePathProblem } from '../toolkit/routes.js';

/** The methods `defineEndpoint` accepts (a test keeps the two lists equal). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const PERMISSION = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*:[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const MAX_TEXT_LENGTH = 200;

export function meta(value: FieldMeta): FieldMeta {
  return value;
}

export function ruled(check: (value: string) => string | undefined) {
  return z.string({ error: 'is required' }).superRefine((value, ctx) => {
    const problem = check(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/**
 * Free text only ever reaches code as a JSON string literal, so quotes, backticks, `${` and
 * `*\/` are harmless; control and bidirectional-override characters are refused anyway because
 * they hide what a reviewer reads.
 */
export function freeText(min: number) {
  return ruled((value) => {
    if (value.startsWith('-')) return 'must not start with a dash';
    if (value.trim().length < min) return min > 1 ? `must be at least ${min} characters` : 'must not be empty';
    if (value.length > MAX_TEXT_LENGTH) return `must be at most ${MAX_TEXT_LENGTH} characters`;
    if (/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(value)) {
      return 'must not contain control or bidirectional-override characters';
    }
    return undefined;
  }).transform((value) => value.trim());
}

const methods = HTTP_METHODS.join(', ');

/** Every answer `generate endpoint` takes; flags, prompts and --help all come from here. */
export const EndpointFields = z.strictObject({
  name: ruled(nameProblem).meta(
    meta({
      description: 'endpoint name: the camelCase export and the kebab-case file',
      placeholder: '<name>',
      positional: true,
      message: 'Endpoint name (e.g. createOrder)',
    }),
  ),
  method: z
    .string({ error: 'is required' })
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${methods}` }))
    .meta(meta({ description: 'HTTP method', placeholder: '<method>', choices: HTTP_METHODS, message: 'HTTP method' })),
  path: ruled(routePathProblem).meta(
    meta({
      description: 'route path: lowercase segments and :params, e.g. /orders/:orderId',
      placeholder: '<path>',
      message: 'Route path (e.g. /orders/:orderId)',
    }),
  ),
  permission: z
    .string()
    .max(64, 'must be at most 64 characters')
    .regex(PERMISSION, 'must look like resource:action (lowercase, digits, single dashes)')
    .optional()
    .meta(
      meta({
        description: 'permission the token must grant, resource:action',
        placeholder: '<res:action>',
        message: 'Permission (resource:action); leave empty for a public endpoint',
        ask: true,
      }),
    ),
  public: freeText(3)
    .optional()
    .meta(
      meta({
        description: 'make the endpoint public and record why (instead of --permission)',
        placeholder: '"<reason>"',
        message: 'Why does this endpoint need no token?',
        askWhen: (answers) => answers['permission'] === undefined,
      }),
    ),
  summary: freeText(1)
    .optional()
    .meta(
      meta({
        description: 'one-line summary for the API document; default made from the name ("List widgets")',
        placeholder: '"<text>"',
        message: 'Summary',
        ask: true,
      }),
    ),
  service: ruled(nameProblem)
    .optional()
    .meta(meta({ description: 'delegate the handler to src/services/<service>.ts (stub created if missing)', placeholder: '<name>' })),
});

/** The answers after the rules that span fields. */
export const EndpointAnswers = EndpointFields.superRefine((answers, ctx) => {
  const { permission, public: reason } = answers;
  if (permission !== undefined && reason !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['public'], message: 'and --permission exclude each other; pass exactly one' });
  } else if (permission === undefined && reason === undefined) {
    ctx.addIssue({ code: 'custom', path: ['permission'], message: 'is required (or --public "<reason>" for an endpoint without a token)' });
  }
});

export type EndpointAnswers = z.output<typeof EndpointAnswers>;
