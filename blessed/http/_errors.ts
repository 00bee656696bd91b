import { DependencyError } from '../errors/index.js';

/** Stable codes of every failure the client raises; logs, tests and alerts key on these. */
export type HttpErrorCode =
  | 'ERR_HTTP_TIMEOUT'
  | 'ERR_HTTP_ABORTED'
  | 'ERR_HTTP_CONNECTION'
  | 'ERR_HTTP_TLS'
  | 'ERR_HTTP_SSRF_BLOCKED'
  | 'ERR_HTTP_HOST_NOT_ALLOWED'
  | 'ERR_HTTP_INSECURE_PROTOCOL'
  | 'ERR_HTTP_REDIRECT'
  | 'ERR_HTTP_INVALID_PARAM'
  | 'ERR_HTTP_UPSTREAM_STATUS'
  | 'ERR_HTTP_RESPONSE_TOO_LARGE'
  | 'ERR_HTTP_CONTRACT';

/** What a failure is about, safe to log: the route is the template, never the filled path. */
export interface HttpCallContext {
  readonly method: string;
  readonly host: string;
  readonly route: string;
  /** `https://host/base/orders/{orderId}`: origin, base path and template, no query string. */
  readonly target: string;
}

export interface HttpErrorDetails {
  readonly upstreamStatus?: number;
  readonly cause?: unknown;
}

/**
 * Every failure of an outbound call. Timeouts answer the caller's client 504, everything else
 * 502; the public `detail` stays DependencyError's generic sentence, so no upstream text, header
 * value or URL reaches a client. The message (logged) names the method and route template.
 */
export class HttpError extends DependencyError {
  declare readonly code: HttpErrorCode;
  readonly method: string;
  readonly host: string;
  readonly route: string;
  readonly upstreamStatus: number | undefined;
  /** How many requests were sent for this call, retries included. */
  attempts = 1;

  constructor(code: HttpErrorCode, what: string, context: HttpCallContext, details: HttpErrorDetails = {}) {
    const reason = `${what}: ${context.method} ${context.target}`;
    super(code === 'ERR_HTTP_TIMEOUT' ? 504 : 502, code, details.cause === undefined ? { reason } : { reason, cause: details.cause });
    this.method = context.method;
    this.host = context.host;
    this.route = context.route;
    this.upstreamStatus = details.upstreamStatus;
  }
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export interface TransportFailure {
  readonly error: HttpError;
  readonly retryable: boolean;
}

function errorCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

export interface TimeoutSettings {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
}

/** Maps what the socket layer threw (not a deadline or caller abort) to a coded failure. */
export function classifyTransportError(err: unknown, context: HttpCallContext, timeouts: TimeoutSettings): TransportFailure {
  if (err instanceof HttpError) return { error: err, retryable: false };
  const code = errorCode(err);
  if (code === 'ERR_HTTP_SSRF_BLOCKED') {
    return { error: new HttpError(code, 'Destination resolves to a private or reserved address', context), retryable: false };
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    const what = `Connection timed out after ${timeouts.connectTimeoutMs} ms`;
    return { error: new HttpError('ERR_HTTP_TIMEOUT', what, context, { cause: err }), retryable: true };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    const what = `No response headers within ${timeouts.headersTimeoutMs} ms`;
    return { error: new HttpError('ERR_HTTP_TIMEOUT', what, context, { cause: err }), retryable: true };
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return { error: new HttpError('ERR_HTTP_TIMEOUT', 'Response body stalled', context, { cause: err }), retryable: true };
  }
  if (TLS_CODE.test(code)) {
    return { error: new HttpError('ERR_HTTP_TLS', `TLS handshake failed (${code})`, context, { cause: err }), retryable: false };
  }
  const what = code === '' ? 'Connection failed' : `Connection failed (${code})`;
  return { error: new HttpError('ERR_HTTP_CONNECTION', what, context, { cause: err }), retryable: RETRYABLE_NETWORK_CODES.has(code) };
}
