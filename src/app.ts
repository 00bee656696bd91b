import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
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
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.use(function noStore(_req, res, next) {
    // Responses carry tenant data; no shared cache may keep them.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
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
