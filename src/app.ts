import cors from 'cors';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { authenticate } from '../blessed/auth/index.js';
import type { Database } from '../blessed/db/index.js';
import { mountEndpoints, type Endpoint } from '../blessed/endpoint/index.js';
import { DependencyError, notFoundHandler, problemHandler } from '../blessed/errors/index.js';
import { requestLogging, type Logger } from '../blessed/logger/index.js';
import { rateLimit, type RateLimitStore } from '../blessed/ratelimit/index.js';
import { DEFAULT_RATE_LIMITS, type AppConfig } from './config.js';
import { endpoints as registry } from './routes.js';

export type AppSettings = Pick<AppConfig, 'auth'> & Partial<Pick<AppConfig, 'corsOrigins' | 'trustProxyHops' | 'rateLimits'>>;

export interface AppDependencies {
  readonly logger: Logger;
  /** Defaults to the registry in routes.ts; tests may mount a subset. */
  readonly endpoints?: readonly Endpoint[];
  /** The data layer handlers reach as `db`; an app without one serves only routes that do not use it. */
  readonly database?: Database;
  /** Rate-limit counters shared by several instances (PostgreSQL); default: in memory, one set per app. */
  readonly rateLimitStore?: (limiter: 'anonymous' | 'authenticated') => RateLimitStore;
  /**
   * Settles once the database is open and migrated. Until then only the liveness probe is
   * answered; every other request waits for it, and gets a 503 if it fails. Default: ready.
   */
  readonly ready?: Promise<unknown>;
}

/** The security headers: helmet's defaults, with a CSP for an API (nothing to load, never framed). */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = Object.freeze({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
} satisfies HelmetOptions);

/**
 * helmet's headers, worked out once by running helmet itself against a recording response, then
 * set with one loop, together with `Cache-Control: no-store` (responses carry tenant data; no
 * shared cache may keep them). With static options (no per-request directive functions) helmet
 * answers every request with the same set; it rebuilt the CSP string and ran a dozen middlewares
 * each time. helmet was ~18 µs of a POST's CPU in the profile; this and the synchronous parse
 * (blessed/validation/_parse.ts) together took POST /items from 581 to 566 µs of server CPU per
 * request (interleaved with the hand-written server, median of 5 runs).
 */
function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  // Parallel arrays and an index loop: destructuring pairs in a for-of allocated per request.
  const names: string[] = [];
  const values: string[] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string) {
      names.push(name);
      values.push(value);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let finished = false;
  helmet({ ...options })({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err !== undefined) throw err;
    finished = true;
  });
  // A helmet that needs the real request or answers later cannot be replayed: refuse to start.
  if (!finished) throw new Error('helmet did not produce a static header set');
  recorder.setHeader('Cache-Control', 'no-store');
  return function setSecurityHeaders(_req, res, next) {
    for (let i = 0; i < names.length; i += 1) res.setHeader(names[i] as string, values[i] as string);
    for (let i = 0; i < removed.length; i += 1) res.removeHeader(removed[i] as string);
    next();
  };
}

/** The liveness probe: answered as soon as the service listens, while the database still opens. */
export const LIVENESS_PATH = '/health';

/**
 * Builds the service. Everything reachable is in the registry and goes through the blessed
 * pipeline; anything else is a problem+json 404.
 *
 * @example
 * const app = createApp(loadConfig(process.env), { logger: createLogger() });
 */
export function createApp(settings: AppSettings, deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // A hop count, never `true`: trusting every X-Forwarded-For hop lets clients pick their address.
  app.set('trust proxy', settings.trustProxyHops !== undefined && settings.trustProxyHops > 0 ? settings.trustProxyHops : false);

  app.use(requestLogging({ logger: deps.logger }));
  app.use(securityHeaders(HELMET_OPTIONS));
  const limits = settings.rateLimits ?? DEFAULT_RATE_LIMITS;
  const storeFor = (limiter: 'anonymous' | 'authenticated') => (deps.rateLimitStore === undefined ? {} : { store: deps.rateLimitStore(limiter) });
  // Per client address for requests without an identity; per tenant and subject once authenticated.
  const limitAnonymous = rateLimit({
    by: 'address',
    name: 'anonymous',
    limit: limits.anonymous,
    windowMs: limits.windowMs,
    logger: deps.logger,
    ...storeFor('anonymous'),
  });
  const limitAuthenticated = rateLimit({
    by: 'identity',
    name: 'authenticated',
    limit: limits.authenticated,
    windowMs: limits.windowMs,
    logger: deps.logger,
    ...storeFor('authenticated'),
  });
  app.use(function limitWithoutToken(req, res, next) {
    // A request with a token is counted once authentication has decided who it is (or that it is nobody).
    if (req.headers.authorization === undefined) void limitAnonymous(req, res, next);
    else next();
  });
  const ready = deps.ready;
  if (ready !== undefined) {
    let state: 'opening' | 'open' | 'failed' = 'opening';
    ready.then(
      () => (state = 'open'),
      () => (state = 'failed'),
    );
    const unavailable = () => new DependencyError(503, 'ERR_DB_UNAVAILABLE', { reason: 'the database did not open' });
    app.use(function awaitDatabase(req, _res, next) {
      if (state === 'open' || req.path === LIVENESS_PATH) return next();
      if (state === 'failed') return next(unavailable());
      ready.then(
        () => next(),
        () => next(unavailable()),
      );
    });
  }
  const origins = settings.corsOrigins ?? [];
  if (origins.length > 0) {
    app.use(cors({ origin: [...origins], methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], maxAge: 600 }));
  }
  // No body parser here: the endpoint pipeline reads bodies only once the caller is authorised.
  app.use(
    mountEndpoints(deps.endpoints ?? registry, {
      authenticate: authenticate(settings.auth),
      logger: deps.logger,
      database: deps.database,
      limitAnonymous,
      limitAuthenticated,
    }),
  );
  app.use(limitAnonymous);
  app.use(notFoundHandler());
  app.use(problemHandler({ logger: deps.logger }));
  return app;
}
