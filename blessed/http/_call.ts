import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import { untilAborted } from './_abort.js';
import { abandon, isJsonContentType, parseAndValidate, readBody } from './_body.js';
import { HttpError, classifyTransportError } from './_errors.js';
import type { HttpCallContext } from './_errors.js';
import { headerProblem } from './_options.js';
import type { ResolvedOptions } from './_options.js';
import { REDIRECT_STATUSES, nextHop } from './_redirect.js';
import type { Hop } from './_redirect.js';
import { createGuardedLookup } from './_ssrf.js';
import { RETRYABLE_STATUSES, parseRetryAfter, retryDelayMs, sleep } from './_retry.js';
import { assertDestination, buildUrl } from './_url.js';
import type { PathParamValue, QueryParams } from './_url.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpResponse<T> {
  readonly status: number;
  /** Response headers, lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly data: T;
}

export interface CallSpec {
  readonly method: HttpMethod;
  readonly template: string;
  readonly schema: ZodType | null;
  readonly params?: Readonly<Record<string, PathParamValue>> | undefined;
  readonly query?: QueryParams | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: unknown;
  readonly hasBody: boolean;
  readonly signal?: AbortSignal | undefined;
}

type Attempt =
  | { readonly ok: true; readonly response: HttpResponse<unknown> }
  | { readonly ok: false; readonly error: HttpError; readonly retryable: boolean; readonly retryAfterMs?: number | undefined };

/** Enough of an error body to let the connection be reused; the bytes are never looked at. */
const DISCARD_LIMIT_BYTES = 64 * 1024;

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function requestHeaders(options: ResolvedOptions, spec: CallSpec): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) throw new TypeError(`"headers" ${problem}`);
    headers[name.toLowerCase()] = value;
  }
  if (spec.schema !== null) headers['accept'] ??= 'application/json';
  headers['accept-encoding'] = 'gzip, deflate, br';
  if (spec.hasBody && spec.body !== undefined) headers['content-type'] ??= 'application/json';
  return headers;
}

function serialiseBody(spec: CallSpec): string | undefined {
  if (!spec.hasBody || spec.body === undefined) return undefined;
  try {
    const text = JSON.stringify(spec.body);
    if (typeof text === 'string') return text;
  } catch {
    // fall through: circular structures and BigInt are caller bugs
  }
  throw new TypeError('"body" must be JSON-serialisable');
}

/**
 * Drains a body nobody reads so the connection can be reused, within a byte cap and a short time
 * bound of its own; past either, or when the call stops, the body (and its connection) is destroyed.
 */
async function discard(body: Dispatcher.ResponseData['body'], signal: AbortSignal, timeoutMs: number): Promise<void> {
  try {
    await body.dump({ limit: DISCARD_LIMIT_BYTES, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch {
    // The status already decided the outcome; a broken or slow unread body changes nothing.
  }
}

/** The part of a client that talks to the network: one agent, many calls. */
export function createCaller(options: ResolvedOptions) {
  const agent = new Agent({
    connect: {
      lookup: createGuardedLookup(options.privateHosts, options.lookup),
      // Verification is fixed on: the options schema has no way to pass rejectUnauthorized.
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    },
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.headersTimeoutMs,
    // Per chunk only; the call's deadline is what bounds a slow drip.
    bodyTimeout: options.deadlineMs,
  });

  async function attempt(first: Hop, spec: CallSpec, signal: AbortSignal, context: HttpCallContext): Promise<Attempt> {
    let hop = first;
    for (let hops = 0; ; hops += 1) {
      const res = await request(hop.url, {
        dispatcher: agent,
        method: hop.method as Dispatcher.HttpMethod,
        headers: hop.headers,
        body: hop.body ?? null,
        signal,
      });
      const status = res.statusCode;
      if (REDIRECT_STATUSES.has(status)) {
        await discard(res.body, signal, options.discardTimeoutMs);
        hop = nextHop(hop, status, res.headers['location'], hops, options, context);
        continue;
      }
      if (status < 200 || status > 299) {
        await discard(res.body, signal, options.discardTimeoutMs);
        const error = new HttpError('ERR_HTTP_UPSTREAM_STATUS', `Upstream answered ${status}`, context, { upstreamStatus: status });
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now());
        return { ok: false, error, retryable: RETRYABLE_STATUSES.has(status), retryAfterMs };
      }
      const headers = flattenHeaders(res.headers);
      if (spec.schema === null) {
        await discard(res.body, signal, options.discardTimeoutMs);
        return { ok: true, response: { status, headers, data: undefined } };
      }
      if (!isJsonContentType(res.headers['content-type'])) {
        abandon(res.body);
        return { ok: false, error: new HttpError('ERR_HTTP_CONTRACT', 'Response is not JSON', context), retryable: false };
      }
      const bytes = await readBody(res.body, res.headers, options.maxResponseBytes, context);
      return { ok: true, response: { status, headers, data: parseAndValidate(bytes, spec.schema, context) } };
    }
  }

  async function call(spec: CallSpec): Promise<HttpResponse<unknown>> {
    const started = performance.now();
    const base = options.baseUrl;
    const context: HttpCallContext = {
      method: spec.method,
      host: base.host,
      route: spec.template,
      target: `${base.origin}${options.basePath}${spec.template}`,
    };
    let attempts = 0;
    try {
      const url = buildUrl(options, spec.template, spec.params, spec.query, context);
      assertDestination(url, options, context);
      const first: Hop = { url, method: spec.method, headers: requestHeaders(options, spec), body: serialiseBody(spec) };
      const deadline = AbortSignal.timeout(options.deadlineMs);
      const signal = spec.signal === undefined ? deadline : AbortSignal.any([deadline, spec.signal]);
      const stopped = function stopped(): HttpError | undefined {
        if (deadline.aborted) return new HttpError('ERR_HTTP_TIMEOUT', `Request timed out after ${options.deadlineMs} ms`, context);
        if (spec.signal?.aborted === true) return new HttpError('ERR_HTTP_ABORTED', 'Request aborted by the caller', context);
        return undefined;
      };
      const mayRetry = options.retryMethods.has(spec.method);
      for (let retry = 0; ; retry += 1) {
        attempts += 1;
        let outcome: Attempt;
        try {
          outcome = await untilAborted(attempt(first, spec, signal, context), signal);
        } catch (err) {
          const halt = stopped();
          if (halt !== undefined) throw halt;
          outcome = { ok: false, ...classifyTransportError(err, context, options) };
        }
        if (outcome.ok) return outcome.response;
        if (!outcome.retryable || !mayRetry || retry >= options.retries) throw outcome.error;
        const wait = retryDelayMs(retry, outcome.retryAfterMs, options);
        // Sleeping into the deadline only to time out would hide the real failure.
        if (performance.now() - started + wait >= options.deadlineMs) throw outcome.error;
        try {
          await sleep(wait, signal);
        } catch {
          throw stopped() ?? outcome.error;
        }
      }
    } catch (err) {
      if (err instanceof HttpError) {
        err.attempts = attempts;
        options.logger.warn(
          {
            event: 'http_request_failed',
            host: context.host,
            method: context.method,
            route: context.route,
            code: err.code,
            ...(err.upstreamStatus === undefined ? {} : { upstreamStatus: err.upstreamStatus }),
            attempts: err.attempts,
            durationMs: Math.round(performance.now() - started),
          },
          'outbound request failed',
        );
      }
      throw err;
    }
  }

  async function close(): Promise<void> {
    await agent.close();
  }

  return { call, close };
}
