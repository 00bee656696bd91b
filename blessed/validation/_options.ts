import { z } from 'zod';

/**
 * Parses a factory's options once with zod and turns the first problem into a TypeError that
 * names the option, so a misconfigured service fails when it starts, not on its first request.
 */
export function parseOptions<T extends z.ZodType>(schema: T, options: unknown, describe: Record<string, string>): z.output<T> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new TypeError(`"${issue.keys[0] ?? ''}" is not a known option`);
  const name = String(issue?.path[0] ?? 'options');
  throw new TypeError(`"${name}" ${describe[name] ?? 'is not valid'}`);
}

export const positiveInt = (max: number): z.ZodOptional<z.ZodNumber> => z.number().int().positive().max(max).optional();
