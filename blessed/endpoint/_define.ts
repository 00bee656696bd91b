import type { z } from 'zod';
import type { AuthContext } from '../auth/index.js';
import type { TenantDb } from '../db/index.js';
import type { Logger } from '../logger/index.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type SuccessStatus = 200 | 201 | 202 | 204;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type OutOr<S, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;

/** What a handler receives: validated input, the verified identity and a request-scoped logger. */
export interface HandlerContext<P, Q, B, A> {
  readonly params: OutOr<P, Record<string, never>>;
  readonly query: OutOr<Q, Record<string, never>>;
  readonly body: Out<B>;
  /** The verified token's identity; `null` only on public endpoints. */
  readonly auth: A;
  /** The data layer bound to the token's tenant; `null` on public endpoints, which have no tenant. */
  readonly db: A extends null ? null : TenantDb;
  readonly log: Logger;
  readonly requestId: string;
}

interface DefinitionBase<P, Q, B, R extends z.ZodType> {
  readonly method: HttpMethod;
  /** Express path with lowercase segments and `:param` names only, e.g. `/orders/:orderId`. */
  readonly path: string;
  readonly summary?: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The response contract: what the handler returns is parsed with it, so extra fields never leak. */
  readonly response: R;
  /** Success status; default 200 (201 for POST). */
  readonly status?: SuccessStatus;
}

export interface ProtectedDefinition<P, Q, B, R extends z.ZodType> extends DefinitionBase<P, Q, B, R> {
  /** `resource:action`; the request is refused with 403 unless the token grants it. */
  readonly permission: string;
  readonly public?: never;
  readonly handler: (ctx: HandlerContext<P, Q, B, AuthContext>) => Promise<z.input<R>> | z.input<R>;
}

export interface PublicDefinition<P, Q, B, R extends z.ZodType> extends DefinitionBase<P, Q, B, R> {
  /** Why this endpoint needs no token; recorded in the OpenAPI document and checked in CI. */
  readonly public: string;
  readonly permission?: never;
  readonly handler: (ctx: HandlerContext<P, Q, B, null>) => Promise<z.input<R>> | z.input<R>;
}

export type Access = { readonly kind: 'permission'; readonly permission: string } | { readonly kind: 'public'; readonly reason: string };

/** The input an endpoint is invoked with once the pipeline has authenticated and validated. */
export interface Invocation {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly auth: AuthContext | null;
  readonly db: TenantDb | null;
  readonly log: Logger;
  readonly requestId: string;
}

const ENDPOINT = Symbol.for('golden-path.endpoint');

/** A route, as the registry and the OpenAPI document see it. Built only by `defineEndpoint`. */
export interface Endpoint {
  readonly [ENDPOINT]: true;
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: Access;
  readonly summary: string | undefined;
  readonly schemas: {
    readonly params: z.ZodType | undefined;
    readonly query: z.ZodType | undefined;
    readonly body: z.ZodType | undefined;
    readonly response: z.ZodType;
  };
  readonly status: SuccessStatus;
  readonly invoke: (input: Invocation) => Promise<unknown>;
}

export function isEndpoint(value: unknown): value is Endpoint {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ENDPOINT] === true;
}

const PATH_RE = /^(?:\/(?:[a-z0-9]+(?:-[a-z0-9]+)*|:[a-z][A-Za-z0-9]*))+$|^\/$/;
const PERMISSION_RE = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;

function fail(where: string, message: string): never {
  throw new TypeError(`defineEndpoint(${where}): ${message}`);
}

export function pathParams(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}

function shapeKeys(schema: unknown): string[] | undefined {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : undefined;
}

/**
 * The single way a route exists. The returned value is mounted by `mountEndpoints`, which runs
 * authenticate -> authorise -> validate -> handler -> response check -> error mapping, so the
 * handler body is the only place left for business logic.
 *
 * @example
 * export const getOrder = defineEndpoint({
 *   method: 'GET',
 *   path: '/orders/:orderId',
 *   permission: 'orders:read',
 *   params: z.strictObject({ orderId: field.id() }),
 *   response: Order,
 *   async handler({ params, auth }) {
 *     return orders.get(auth.tenantId, params.orderId);
 *   },
 * });
 */
export function defineEndpoint<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(definition: ProtectedDefinition<P, Q, B, R> | PublicDefinition<P, Q, B, R>): Endpoint {
  const where = `${String(definition.method)} ${String(definition.path)}`;
  if (!HTTP_METHODS.includes(definition.method)) fail(where, `"method" must be one of ${HTTP_METHODS.join(', ')}`);
  if (typeof definition.path !== 'string' || !PATH_RE.test(definition.path)) {
    fail(where, '"path" must be lowercase segments and :param names, e.g. /orders/:orderId');
  }
  const access = accessOf(definition, where);
  const declared = pathParams(definition.path);
  const keys = definition.params === undefined ? [] : shapeKeys(definition.params);
  if (keys === undefined) fail(where, '"params" must be a z.strictObject');
  if ([...declared].sort().join() !== [...keys].sort().join()) {
    fail(where, `"params" must declare exactly the path parameters (${declared.join(', ') || 'none'})`);
  }
  if (typeof definition.handler !== 'function') fail(where, '"handler" must be a function');
  if (definition.response === undefined) fail(where, '"response" schema is required');
  const handler = definition.handler as (ctx: Invocation) => unknown;
  const endpoint: Endpoint = {
    [ENDPOINT]: true,
    method: definition.method,
    path: definition.path,
    access,
    summary: definition.summary,
    schemas: {
      params: definition.params,
      query: definition.query,
      body: definition.body,
      response: definition.response,
    },
    status: definition.status ?? (definition.method === 'POST' ? 201 : 200),
    invoke: async function invokeHandler(input) {
      return handler(input);
    },
  };
  return Object.freeze(endpoint);
}

function accessOf(definition: { permission?: unknown; public?: unknown }, where: string): Access {
  const hasPermission = definition.permission !== undefined;
  const hasPublic = definition.public !== undefined;
  if (hasPermission === hasPublic) fail(where, 'exactly one of "permission" or "public" (with a reason) is required');
  if (hasPermission) {
    if (typeof definition.permission !== 'string' || !PERMISSION_RE.test(definition.permission)) {
      fail(where, '"permission" must look like resource:action');
    }
    return Object.freeze({ kind: 'permission', permission: definition.permission });
  }
  if (typeof definition.public !== 'string' || definition.public.trim().length < 3) {
    fail(where, '"public" must give the reason the endpoint needs no token');
  }
  return Object.freeze({ kind: 'public', reason: definition.public.trim() });
}
