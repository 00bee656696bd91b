import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit as expressRateLimit, type Store } from 'express-rate-limit';
import { getAuth } from '../auth/index.js';
import { InternalError, TooManyRequestsError } from '../errors/index.js';
import type { Logger } from '../logger/index.js';
import { parseRateLimitOptions, type RateLimitKey } from './_options.js';

export { DEFAULT_WINDOW_MS } from './_options.js';
export type { RateLimitKey } from './_options.js';
export { postgresRateLimitStore, postgresRateLimitStores, RATE_LIMIT_TABLE } from './_postgres.js';
export type { PostgresRateLimitStores, SqlClient } from './_postgres.js';
export type { Store as RateLimitStore } from 'express-rate-limit';

export interface RateLimitOptions {
  /** `address`: the client address (`req.ip`, so `trust proxy` hops apply); `identity`: the token's tenant and subject. */
  readonly by: RateLimitKey;
  /** Requests one client may make per window. */
  readonly limit: number;
  /** Window length in milliseconds. Default 60 000. */
  readonly windowMs?: number;
  /** Policy name in the `RateLimit` and `RateLimit-Policy` headers. Default: the value of `by`. */
  readonly name?: string;
  /** Where the counts live. Default: in memory (one process). One store per limiter. */
  readonly store?: Store;
  readonly logger: Logger;
}

function keyOf(by: RateLimitKey, req: Request): string {
  if (by === 'address') {
    // IPv6 clients own whole prefixes; counting per /56 keeps one of them from rotating addresses.
    return `address:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
  }
  const auth = getAuth(req);
  if (auth === undefined) throw new InternalError({ reason: 'rate limit by identity reached before authentication' });
  return `identity:${JSON.stringify([auth.tenantId, auth.subject])}`;
}

/**
 * Counts requests per client address or per authenticated identity (tenant and subject) with
 * express-rate-limit, and refuses those past `limit` in a window with a 429 problem+json
 * (`ERR_TOO_MANY_REQUESTS`) carrying `Retry-After`. Every answer carries the standard `RateLimit`
 * and `RateLimit-Policy` headers. A request is counted at most once by one limiter, however many
 * places it is mounted in.
 *
 * @example
 * const anonymous = rateLimit({ by: 'address', limit: 1000, logger });
 * const authenticated = rateLimit({ by: 'identity', limit: 3000, store: postgresRateLimitStore({ client: pool, name: 'authenticated' }), logger });
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const parsed = parseRateLimitOptions(options);
  const name = parsed.name ?? parsed.by;
  const log = parsed.logger.child({ component: 'rate-limit', limiter: name });
  const limiter = expressRateLimit({
    windowMs: parsed.windowMs,
    limit: parsed.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    ...(parsed.store === undefined ? {} : { store: parsed.store }),
    keyGenerator: (req) => keyOf(parsed.by, req),
    handler(_req, _res, next) {
      next(new TooManyRequestsError({ reason: `rate limit "${name}" exceeded` }));
    },
    // Clients choose these headers; a warning about them is theirs to trigger, not a misconfiguration.
    validate: { xForwardedForHeader: false, forwardedHeader: false },
    logger: {
      error: (err, message) => log.error({ err }, message ?? 'rate limiter error'),
      warn: (err, message) => log.warn({ err }, message ?? 'rate limiter warning'),
    },
  });
  const counted = new WeakSet<Request>();
  return function limitRequests(req, res, next) {
    if (counted.has(req)) {
      next();
      return;
    }
    counted.add(req);
    return limiter(req, res, next);
  };
}
