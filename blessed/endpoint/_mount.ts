import { Router, type Request, type RequestHandler, type Response } from 'express';
import { getAuth, requirePermission, type AuthContext } from '../auth/index.js';
import type { Database, TenantDb } from '../db/index.js';
import { InternalError, MethodNotAllowedError } from '../errors/index.js';
import { getRequestContext, type Logger } from '../logger/index.js';
import { createParser } from '../validation/_parse.js';
import { jsonBody, validate } from '../validation/index.js';
import { isEndpoint, type Endpoint } from './_define.js';

export interface MountOptions {
  /** The configured `authenticate(...)` middleware from blessed/auth. */
  readonly authenticate: RequestHandler;
  /** Fallback logger for requests that reach a handler without request logging. */
  readonly logger: Logger;
  /** The data layer; handlers get it bound to the token's tenant. */
  readonly database?: Database | undefined;
  /**
   * Reads the request body; runs after authentication and authorisation, so an anonymous or
   * unauthorised request never has its body read, inflated or parsed. Default `jsonBody()`.
   */
  readonly readBody?: RequestHandler | undefined;
  /**
   * Counts requests that end without an identity: public routes, 405s and failed
   * authentications (a `rateLimit({ by: 'address' })` from blessed/ratelimit). Default: none.
   */
  readonly limitAnonymous?: RequestHandler | undefined;
  /** Counts authenticated requests, right after authentication (`rateLimit({ by: 'identity' })`). Default: none. */
  readonly limitAuthenticated?: RequestHandler | undefined;
}

interface Stages {
  readonly readBody: RequestHandler;
  readonly limitAnonymous: RequestHandler[];
  readonly limitAuthenticated: RequestHandler[];
  readonly authenticate: RequestHandler;
}

/** A failed authentication is an anonymous request: it counts against the client address, and past the limit a 429 replaces the 401. */
function authenticateOrCount(authenticate: RequestHandler, limitAnonymous: RequestHandler | undefined): RequestHandler {
  if (limitAnonymous === undefined) return authenticate;
  return function authenticateRequest(req, res, next) {
    return authenticate(req, res, function afterAuthenticate(err?: unknown) {
      if (err === undefined || err === null || err === 'route' || err === 'router') {
        next(err as undefined);
        return;
      }
      void limitAnonymous(req, res, function afterCount(limited?: unknown) {
        next(limited ?? err);
      });
    });
  };
}

function routeKey(endpoint: Endpoint): string {
  // Parameter names do not matter to the router: /a/:x and /a/:y are the same route.
  return `${endpoint.method} ${endpoint.path.replace(/:[A-Za-z0-9]+/g, ':')}`;
}

/** Refuses a registry that could not be served as written; runs when the app is built. */
export function checkRegistry(endpoints: readonly unknown[]): readonly Endpoint[] {
  const seen = new Map<string, string>();
  endpoints.forEach((endpoint, index) => {
    if (!isEndpoint(endpoint)) {
      throw new TypeError(`routes[${index}] is not built with defineEndpoint(); every route needs a permission or a public reason`);
    }
    const key = routeKey(endpoint);
    const other = seen.get(key);
    if (other !== undefined) throw new TypeError(`routes[${index}] ${endpoint.method} ${endpoint.path} duplicates ${other}`);
    seen.set(key, `${endpoint.method} ${endpoint.path}`);
  });
  return endpoints as readonly Endpoint[];
}

function tenantDb(database: Database | undefined, auth: AuthContext | null, label: string): TenantDb | null {
  if (auth === null) return null;
  if (database === undefined) throw new InternalError({ reason: `${label}: the handler uses db but the app has no database` });
  return database.forTenant(auth.tenantId);
}

function pipeline(endpoint: Endpoint, options: MountOptions, stages: Stages): RequestHandler[] {
  const check = validate({
    params: endpoint.schemas.params,
    query: endpoint.schemas.query,
    body: endpoint.schemas.body,
  });
  const label = `${endpoint.method} ${endpoint.path}`;
  const parseResponse = createParser(endpoint.schemas.response);
  const respond: RequestHandler = async function runEndpoint(req: Request, res: Response) {
    const context = getRequestContext(req);
    const input = await check(req);
    const auth = endpoint.access.kind === 'public' ? null : (getAuth(req) ?? null);
    if (endpoint.access.kind !== 'public' && auth === null) {
      // The chain below always authenticates first; reaching here means the pipeline was altered.
      throw new InternalError({ reason: `${label}: handler reached without an identity` });
    }
    const result = await endpoint.invoke({
      ...input,
      auth,
      // Lazy: a handler that never touches the database needs none configured.
      get db() {
        return tenantDb(options.database, auth, label);
      },
      // Lazy, like db: the request's child logger is built only for a handler that logs.
      get log() {
        return context?.log ?? options.logger;
      },
      requestId: context?.requestId ?? '',
    });
    if (endpoint.status === 204) {
      res.status(204).end();
      return;
    }
    const parsed = await parseResponse(result);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new InternalError({ reason: `${label}: response does not match its schema at ${paths}` });
    }
    res.status(endpoint.status).json(parsed.data);
  };
  if (endpoint.access.kind === 'public') return [...stages.limitAnonymous, stages.readBody, respond];
  return [stages.authenticate, ...stages.limitAuthenticated, requirePermission(endpoint.access.permission), stages.readBody, respond];
}

/**
 * Mounts the registry: every route is authenticate -> rate limit -> authorise -> read body ->
 * validate -> handler -> response check; a path asked with a method it does not serve answers 405 with `Allow`.
 *
 * @example
 * app.use(mountEndpoints(endpoints, { authenticate: authenticate(config.auth), logger }));
 */
export function mountEndpoints(endpoints: readonly unknown[], options: MountOptions): Router {
  const checked = checkRegistry(endpoints);
  const limitAnonymous = options.limitAnonymous === undefined ? [] : [options.limitAnonymous];
  const stages: Stages = {
    readBody: options.readBody ?? jsonBody(),
    limitAnonymous,
    limitAuthenticated: options.limitAuthenticated === undefined ? [] : [options.limitAuthenticated],
    authenticate: authenticateOrCount(options.authenticate, options.limitAnonymous),
  };
  const router = Router({ strict: true, caseSensitive: true });
  const methodsByPath = new Map<string, Set<string>>();
  for (const endpoint of checked) {
    router[endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](endpoint.path, ...pipeline(endpoint, options, stages));
    const methods = methodsByPath.get(endpoint.path) ?? new Set<string>();
    methods.add(endpoint.method);
    if (endpoint.method === 'GET') methods.add('HEAD');
    methodsByPath.set(endpoint.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort();
    router.all(path, ...limitAnonymous, function methodNotAllowed(_req, _res, next) {
      next(new MethodNotAllowedError(allow));
    });
  }
  return router;
}
