import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { getRequestContext } from '../logger/_context.js';
import type { Logger } from '../logger/_types.js';
import {
  AppError,
  AuthenticationError,
  InternalError,
  MalformedBodyError,
  MalformedPathError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RequestRejectedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './_errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'urn:golden-path:problem:';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  requestId: string;
  errors?: { path: string; message: string }[];
}

interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}

/** The 4xx an error from Express, its router or body-parser carries (`status` or `statusCode`). */
function clientStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 499 ? value : undefined;
}

/**
 * Maps anything thrown to an AppError. Errors the project created carry their status; a library
 * error keeps only a 4xx status it claims (the router's URIError for `/notes/%ZZ`, body-parser's
 * refusals), never its message; everything else is a 500, so no library text leaks.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const clientStatus = clientStatusOf(err);
  if (err instanceof URIError && clientStatus === 400) {
    return new MalformedPathError({ reason: 'router: a path parameter has a malformed percent-escape' });
  }
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.parse.failed':
        return new MalformedBodyError({ reason: 'body-parser: entity.parse.failed' });
      case 'entity.too.large':
        return new PayloadTooLargeError(err.limit ?? 0, { reason: 'body-parser: entity.too.large' });
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new UnsupportedMediaTypeError({ reason: `body-parser: ${err.type}` });
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new MalformedBodyError({ reason: `body-parser: ${err.type}` });
      default:
        break;
    }
  }
  if (clientStatus !== undefined) {
    const name = err instanceof Error ? err.name : typeof err;
    return new RequestRejectedError(clientStatus, STATUS_CODES[clientStatus] ?? 'Bad Request', {
      reason: `${name} with status ${clientStatus}${isBodyParserError(err) ? ` (body-parser: ${err.type})` : ''}`,
    });
  }
  return new InternalError({ cause: err, reason: 'unexpected error' });
}

export function problemFor(error: AppError, requestId: string): ProblemDocument {
  const slug = error.publicCode.replace(/^ERR_/, '').toLowerCase().replaceAll('_', '-');
  const problem: ProblemDocument = {
    type: PROBLEM_TYPE_BASE + slug,
    title: error.title,
    status: error.status,
    code: error.publicCode,
    requestId,
  };
  if (error.detail !== undefined) problem.detail = error.detail;
  if (error instanceof ValidationError) problem.errors = error.errors.map((e) => ({ path: e.path, message: e.message }));
  return problem;
}

function hasUnreadBody(req: Request): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function requestIdOf(req: Request): string {
  return getRequestContext(req)?.requestId ?? randomUUID();
}

/** Writes a problem+json response; used by the error handler and by middleware that answers early. */
export function sendProblem(req: Request, res: Response, error: AppError): void {
  const problem = problemFor(error, requestIdOf(req));
  // Refused before its body was read (401, 403, 404, 429): close instead of draining what the client still sends.
  if (hasUnreadBody(req)) res.setHeader('Connection', 'close');
  if (error instanceof AuthenticationError) res.setHeader('WWW-Authenticate', 'Bearer');
  if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '));
  res.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

export interface ProblemHandlerOptions {
  /** Used when a request has no request-scoped logger (an error before request logging ran). */
  readonly logger: Logger;
}

/**
 * The last middleware of the app: every error becomes RFC 9457 problem+json with a request id.
 * 5xx are logged at error level with the full (redacted) error; 4xx at info with their reason.
 *
 * @example
 * app.use(notFoundHandler());
 * app.use(problemHandler({ logger }));
 */
export function problemHandler(options: ProblemHandlerOptions): ErrorRequestHandler {
  const fallback = options.logger;
  return function handleProblem(err: unknown, req, res, _next) {
    const error = toAppError(err);
    const log = getRequestContext(req)?.log ?? fallback;
    if (error.status >= 500) {
      log.error({ err: err instanceof Error ? err : new Error('non-error thrown'), code: error.code }, 'request failed');
    } else {
      log.info({ code: error.code, reason: error.reason }, 'request rejected');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(req, res, error);
  };
}

/** Unknown routes are problem+json 404s, never Express's HTML page. */
export function notFoundHandler(): RequestHandler {
  return function notFound(_req, _res, next) {
    next(new NotFoundError({ reason: 'no route matched' }));
  };
}
