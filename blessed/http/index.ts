import type { ZodType, output } from 'zod';
import type { Logger } from '../logger/_types.js';
import { createCaller } from './_call.js';
import type { HttpMethod, HttpResponse } from './_call.js';
import { resolveOptions } from './_options.js';
import type { HostResolver } from './_ssrf.js';
import type { PathParamValue, QueryParams } from './_url.js';

export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_DISCARD_TIMEOUT_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_METHODS,
  MAX_REDIRECTS,
} from './_options.js';
export { HttpError } from './_errors.js';
export type { HttpErrorCode } from './_errors.js';
export type { HttpMethod, HttpResponse } from './_call.js';
export type { PathParamValue, QueryParams, QueryValue } from './_url.js';
export type { HostResolver } from './_ssrf.js';

export type RetryableMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'PUT' | 'DELETE';

export interface HttpClientOptions {
  /** Every call goes to this origin; its path is a prefix of every route. https unless allowed. */
  readonly baseUrl: string;
  /** Receives one `warn` event per failed call. */
  readonly logger: Logger;
  /** Extra hosts (`name` or `name:port`) redirects may lead to. The base host is always allowed. */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Hosts that may be reached over plain http (local development and tests). Default none. */
  readonly allowHttpHosts?: readonly string[] | undefined;
  /** Named hosts allowed to be, or resolve to, private/loopback addresses. Default none. */
  readonly allowPrivateHosts?: readonly string[] | undefined;
  /** Sent on every call, e.g. `authorization`. Credential headers never follow a cross-origin redirect. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Header names to treat as credentials besides authorization, proxy-authorization, cookie, x-api-key. */
  readonly secretHeaders?: readonly string[] | undefined;
  /** Time to establish TCP (and TLS). Default `DEFAULT_CONNECT_TIMEOUT_MS` (2000). */
  readonly connectTimeoutMs?: number | undefined;
  /** Time from sending to the response headers. Default `DEFAULT_HEADERS_TIMEOUT_MS` (5000). */
  readonly headersTimeoutMs?: number | undefined;
  /** The whole call: every attempt, backoff and body. Default `DEFAULT_DEADLINE_MS` (10000). */
  readonly deadlineMs?: number | undefined;
  /** Time a body that is not read (error, redirect, `schema: null`) may take to drain before it is destroyed. Default `DEFAULT_DISCARD_TIMEOUT_MS` (1000). */
  readonly discardTimeoutMs?: number | undefined;
  /** Retries after the first attempt, 0–10. Default `DEFAULT_RETRIES` (2). */
  readonly retries?: number | undefined;
  /** Methods that may be retried. Default GET, HEAD, OPTIONS; PUT and DELETE by opt-in; never POST/PATCH. */
  readonly retryMethods?: readonly RetryableMethod[] | undefined;
  /** First backoff window; doubles per retry, with jitter. Default 200. */
  readonly retryBaseDelayMs?: number | undefined;
  /** Cap on any backoff and on `Retry-After`. Default 5000. */
  readonly maxRetryDelayMs?: number | undefined;
  /** Redirects to follow, 0–3. Default 0: a redirect is an error. */
  readonly maxRedirects?: number | undefined;
  /** Cap on the decoded response body. Default `DEFAULT_MAX_RESPONSE_BYTES` (1 MiB). */
  readonly maxResponseBytes?: number | undefined;
  /**
   * Resolves host names, e.g. a caching resolver. Default: the system resolver. Its answers pass
   * the same private-address check as the system's, so it cannot open a way around it.
   */
  readonly lookup?: HostResolver | undefined;
  /** Private CA certificate(s), PEM. Replaces the public roots for this client. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
}

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** Path parameters, required and named exactly as the template's `{placeholders}`. */
export type PathParamsOption<P extends string> = string extends P
  ? { readonly params?: Readonly<Record<string, PathParamValue>> | undefined }
  : [ParamNames<P>] extends [never]
    ? { readonly params?: undefined }
    : { readonly params: Readonly<Record<ParamNames<P>, PathParamValue>> };

/** A zod schema for the JSON body, or `null` when no body is expected (any body is discarded). */
export type ResponseSchema = ZodType | null;
export type ResponseData<S extends ResponseSchema> = S extends ZodType ? output<S> : undefined;

export type CallOptions<P extends string, S extends ResponseSchema> = PathParamsOption<P> & {
  readonly schema: S;
  readonly query?: QueryParams | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
};

/** Adds a JSON request body. */
export type CallWithBodyOptions<P extends string, S extends ResponseSchema> = CallOptions<P, S> & {
  readonly body?: unknown;
};

type Call<O> = <P extends string, S extends ResponseSchema>(
  path: P,
  options: O extends 'body' ? CallWithBodyOptions<P, S> : CallOptions<P, S>,
) => Promise<HttpResponse<ResponseData<S>>>;

export interface HttpClient {
  readonly get: Call<'none'>;
  readonly delete: Call<'none'>;
  readonly post: Call<'body'>;
  readonly put: Call<'body'>;
  readonly patch: Call<'body'>;
  /** Closes pooled connections; pending calls finish first. */
  close(): Promise<void>;
}

interface LooseCallOptions {
  readonly schema: ResponseSchema;
  readonly params?: Readonly<Record<string, PathParamValue>> | undefined;
  readonly query?: QueryParams | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly body?: unknown;
}

/**
 * Creates the outbound HTTP client every service call goes through: a fixed base URL and host
 * allowlist, https with verified certificates, SSRF-safe connects, a total deadline, bounded
 * retries for idempotent methods only, and zod-validated JSON responses. Options are checked here;
 * a bad one throws a TypeError naming it.
 *
 * @example
 * const payments = createHttpClient({ baseUrl: 'https://payments.example.com/v1', logger,
 *   headers: { authorization: `Bearer ${token}` } });
 * const { data } = await payments.get('/charges/{chargeId}', {
 *   params: { chargeId }, schema: z.strictObject({ id: z.string(), amount: z.number().int() }),
 * });
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const caller = createCaller(resolveOptions(options));

  function bind(method: HttpMethod, hasBody: boolean) {
    return async function send(path: string, callOptions: LooseCallOptions): Promise<HttpResponse<unknown>> {
      const schema: unknown = typeof callOptions === 'object' && callOptions !== null ? callOptions.schema : undefined;
      if (schema !== null && typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
        throw new TypeError('"schema" is required: a zod schema, or null when no response body is expected');
      }
      return caller.call({
        method,
        template: path,
        schema: callOptions.schema,
        params: callOptions.params,
        query: callOptions.query,
        headers: callOptions.headers,
        body: hasBody ? callOptions.body : undefined,
        hasBody,
        signal: callOptions.signal,
      });
    };
  }

  return {
    get: bind('GET', false) as Call<'none'>,
    delete: bind('DELETE', false) as Call<'none'>,
    post: bind('POST', true) as Call<'body'>,
    put: bind('PUT', true) as Call<'body'>,
    patch: bind('PATCH', true) as Call<'body'>,
    close: caller.close,
  };
}
