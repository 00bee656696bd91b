import type { Store } from 'express-rate-limit';
import { z } from 'zod';
import type { Logger } from '../logger/index.js';

export const DEFAULT_WINDOW_MS = 60_000;
export const RATE_LIMIT_KEYS = ['address', 'identity'] as const;
export type RateLimitKey = (typeof RATE_LIMIT_KEYS)[number];

const isStore = (value: unknown): value is Store =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Store).increment === 'function' &&
  typeof (value as Store).decrement === 'function' &&
  typeof (value as Store).resetKey === 'function';

const isLogger = (value: unknown): value is Logger =>
  typeof value === 'object' && value !== null && typeof (value as Logger).warn === 'function' && typeof (value as Logger).error === 'function';

const schema = z.strictObject({
  by: z.enum(RATE_LIMIT_KEYS),
  limit: z.number().int().positive().max(10_000_000),
  windowMs: z.number().int().min(1_000).max(86_400_000).default(DEFAULT_WINDOW_MS),
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .optional(),
  store: z.custom<Store>(isStore).optional(),
  logger: z.custom<Logger>(isLogger),
});

const RULES: Record<string, string> = {
  by: 'must be "address" or "identity"',
  limit: 'must be a positive integer',
  windowMs: 'must be an integer from 1000 to 86400000 (milliseconds)',
  name: 'must be a lower-case name such as "anonymous"',
  store: 'must be an express-rate-limit Store (increment, decrement, resetKey)',
  logger: 'must be a Logger',
};

export type ParsedRateLimitOptions = z.output<typeof schema>;

/** Checks the options once, when the limiter is built; the first problem is a TypeError naming it. */
export function parseRateLimitOptions(options: unknown): ParsedRateLimitOptions {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new TypeError(`"${issue.keys[0] ?? ''}" is not a known option`);
  const name = String(issue?.path[0] ?? 'options');
  throw new TypeError(`"${name}" ${RULES[name] ?? 'is not valid'}`);
}
