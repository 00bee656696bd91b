import type { RequestHandler } from 'express';
import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { wrapPino } from './_logger.js';
import { MAX_DEPTH, createKeyMatcher, normalizeKey } from './_redact.js';
import { createRequestLogging } from './_request.js';
import type { Logger, LogLevel } from './_types.js';

export type { Logger, LogLevel, LogFn } from './_types.js';
export { getRequestContext } from './_context.js';
export type { RequestContext } from './_context.js';
export { scrubText } from './_scrub.js';

export interface LoggerOptions {
  /** Lowest level written; default `'info'`. `'silent'` writes nothing. */
  level?: LogLevel;
  /** Where JSON lines go; default stdout. */
  destination?: NodeJS.WritableStream;
  name?: string;
  /** Extra secret keys, added to the fixed list (which can never shrink). */
  redactKeys?: readonly string[];
}

export interface RequestLoggingOptions {
  logger: Logger;
  /** Accept a well-formed incoming `X-Request-Id` (`/^[A-Za-z0-9._-]{1,64}$/`); default false. */
  trustIncomingRequestId?: boolean;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isWritable(value: unknown): value is NodeJS.WritableStream {
  return typeof value === 'object' && value !== null && typeof (value as { write?: unknown }).write === 'function';
}

function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof Logger, unknown>>;
  return typeof candidate.info === 'function' && typeof candidate.child === 'function';
}

const loggerOptionsSchema = z.strictObject({
  level: z.enum(LEVELS, { error: `"level" must be one of ${LEVELS.join(', ')}` }).optional(),
  destination: z.custom<NodeJS.WritableStream>(isWritable, { error: '"destination" must be a writable stream' }).optional(),
  name: z.string({ error: '"name" must be a non-empty string' }).min(1, { error: '"name" must be a non-empty string' }).optional(),
  redactKeys: z
    .array(
      z.string().refine((key) => normalizeKey(key) !== '', { error: '"redactKeys" must be an array of non-empty strings' }),
      { error: '"redactKeys" must be an array of non-empty strings' },
    )
    .optional(),
});

const requestLoggingOptionsSchema = z.strictObject({
  logger: z.custom<Logger>(isLogger, { error: '"logger" must be a Logger from createLogger()' }),
  trustIncomingRequestId: z.boolean({ error: '"trustIncomingRequestId" must be a boolean' }).optional(),
});

function parseOptions<T>(schema: z.ZodType<T>, options: unknown, what: string): T {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new TypeError(`"${issue.keys[0] ?? ''}" is not a ${what} option`);
  if (issue?.code === 'invalid_type' && issue.path.length === 0) throw new TypeError(`${what} options must be an object`);
  throw new TypeError(issue?.message ?? `invalid ${what} options`);
}

/**
 * Creates the project's JSON-lines logger (pino 10). Secret-named keys are redacted at any
 * depth and credential-shaped text is scrubbed from messages, arguments and errors before
 * anything is written; the returned `Logger` offers no way to switch that off.
 *
 * @example
 * const logger = createLogger({ level: 'info', name: 'orders' });
 * logger.info({ orderId, headers: req.headers }, 'order created'); // headers.authorization: [REDACTED]
 * logger.child({ tenantId }).error({ err }, 'payment failed');
 */
export function createLogger(options?: LoggerOptions): Logger {
  const parsed = parseOptions(loggerOptionsSchema, options, 'logger');
  const isSecret = createKeyMatcher(parsed.redactKeys ?? []);
  const pinoOptions = {
    level: parsed.level ?? 'info',
    // Values arrive already serialised; pino's error serializer would rename `type` to `Object`.
    serializers: {
      err: function keepSerialized(value: unknown): unknown {
        return value;
      },
    },
    // Our own depth cap is the one that applies; pino's default (5) would cut in first.
    depthLimit: MAX_DEPTH + 5,
    ...(parsed.name === undefined ? {} : { name: parsed.name }),
  };
  const instance = parsed.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, parsed.destination as unknown as DestinationStream);
  return wrapPino(instance, isSecret);
}

/**
 * The first middleware of the app: assigns a request id (a random UUID unless a trusted,
 * well-formed `X-Request-Id` came in), exposes `{ requestId, log }` via `getRequestContext(req)`,
 * echoes `X-Request-Id`, and logs one `request completed` line per request with
 * `requestId, method, route, status, durationMs, path` (and the query, secrets redacted).
 * Headers are never logged.
 *
 * @example
 * const app = express();
 * app.use(requestLogging({ logger }));
 * app.get('/orders/:orderId', (req, res) => { getRequestContext(req)?.log.info('loading'); … });
 */
export function requestLogging(options: RequestLoggingOptions): RequestHandler {
  const parsed = parseOptions(requestLoggingOptionsSchema, options, 'requestLogging');
  return createRequestLogging({ logger: parsed.logger, trustIncomingRequestId: parsed.trustIncomingRequestId ?? false });
}
