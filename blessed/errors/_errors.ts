/**
 * The one error hierarchy. Every error a route can raise is an `AppError` with a stable `code`
 * (for logs, tests and clients) and an HTTP `status`; the error handler turns it into RFC 9457
 * problem+json. `detail` is public: never put input values or upstream text in it.
 */

export interface FieldIssue {
  /** Dotted location such as `body.items.0.name`; never the value that was sent. */
  readonly path: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly detail?: string;
  readonly cause?: unknown;
  /** Internal reason, logged but never sent to the client. */
  readonly reason?: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly reason: string | undefined;

  constructor(status: number, code: string, title: string, options: AppErrorOptions = {}) {
    super(options.reason ?? options.detail ?? title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = options.detail;
    this.reason = options.reason;
  }

  /** The code a client sees; subclasses hide codes that would reveal which check failed. */
  get publicCode(): string {
    return this.code;
  }
}

export class ValidationError extends AppError {
  readonly errors: readonly FieldIssue[];
  constructor(errors: readonly FieldIssue[], options: AppErrorOptions = {}) {
    super(400, 'ERR_VALIDATION', 'Bad Request', { detail: 'The request is not valid.', ...options });
    this.errors = errors;
  }
}

export class MalformedBodyError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(400, 'ERR_MALFORMED_BODY', 'Bad Request', { detail: 'The request body is not valid JSON.', ...options });
  }
}

/** A path whose percent-escapes do not decode (`/notes/%ZZ`): the router refuses it before any route runs. */
export class MalformedPathError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(400, 'ERR_MALFORMED_PATH', 'Bad Request', { detail: 'The request path is not validly percent-encoded.', ...options });
  }
}

/**
 * A library refused the request with a 4xx of its own (a status we have no class for). The
 * client gets the status and a generic title; the library's message, which may quote the
 * input, is never sent.
 */
export class RequestRejectedError extends AppError {
  constructor(status: number, title: string, options: AppErrorOptions = {}) {
    super(status, 'ERR_REQUEST_REJECTED', title, { detail: 'The request could not be processed.', ...options });
  }
}

export type AuthFailureCode =
  | 'ERR_AUTH_TOKEN_MISSING'
  | 'ERR_AUTH_TOKEN_MALFORMED'
  | 'ERR_AUTH_TOKEN_TOO_LARGE'
  | 'ERR_AUTH_TOKEN_EXPIRED'
  | 'ERR_AUTH_TOKEN_INVALID'
  | 'ERR_AUTH_CLAIMS_INVALID'
  | 'ERR_AUTH_KEYS_UNAVAILABLE';

/**
 * Every authentication failure answers the same 401 body; the specific `code` is only logged,
 * so a caller cannot probe which check a forged token tripped.
 */
export class AuthenticationError extends AppError {
  constructor(code: AuthFailureCode, options: AppErrorOptions = {}) {
    super(401, code, 'Unauthorized', { ...options, detail: 'A valid bearer token is required.' });
  }
  override get publicCode(): string {
    return 'ERR_AUTH_UNAUTHENTICATED';
  }
}

export class PermissionError extends AppError {
  constructor(permission: string, options: AppErrorOptions = {}) {
    super(403, 'ERR_AUTH_FORBIDDEN', 'Forbidden', {
      detail: `The "${permission}" permission is required.`,
      ...options,
    });
  }
}

export class NotFoundError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(404, 'ERR_NOT_FOUND', 'Not Found', { detail: 'The resource does not exist.', ...options });
  }
}

export class MethodNotAllowedError extends AppError {
  readonly allow: readonly string[];
  constructor(allow: readonly string[], options: AppErrorOptions = {}) {
    super(405, 'ERR_METHOD_NOT_ALLOWED', 'Method Not Allowed', {
      detail: 'The method is not allowed on this resource.',
      ...options,
    });
    this.allow = allow;
  }
}

export class ConflictError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(409, 'ERR_CONFLICT', 'Conflict', { detail: 'The request conflicts with the current state.', ...options });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number, options: AppErrorOptions = {}) {
    super(413, 'ERR_PAYLOAD_TOO_LARGE', 'Content Too Large', {
      detail: `The request body exceeds ${limitBytes} bytes.`,
      ...options,
    });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type', {
      detail: 'The request body must be application/json.',
      ...options,
    });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(429, 'ERR_TOO_MANY_REQUESTS', 'Too Many Requests', { detail: 'Slow down.', ...options });
  }
}

/** A dependency (database, upstream API) failed; the caller gets 502 or 504 with no upstream text. */
export class DependencyError extends AppError {
  constructor(status: 502 | 503 | 504, code: string, options: AppErrorOptions = {}) {
    const title = status === 504 ? 'Gateway Timeout' : status === 503 ? 'Service Unavailable' : 'Bad Gateway';
    super(status, code, title, { detail: 'A service this request depends on failed.', ...options });
  }
}

/** Anything unexpected. The response says nothing about it; the log says everything. */
export class InternalError extends AppError {
  constructor(options: AppErrorOptions = {}) {
    super(500, 'ERR_INTERNAL', 'Internal Server Error', { ...options, detail: 'An unexpected error occurred.' });
  }
}
