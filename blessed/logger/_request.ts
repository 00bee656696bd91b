import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { setRequestContext } from './_context.js';
import { flatWriterOf, keyMatcherOf, type FlatLine } from './_logger.js';
import { createKeyMatcher } from './_redact.js';
import type { KeyMatcher } from './_redact.js';
import { REDACTED, scrubText } from './_scrub.js';
import type { Logger } from './_types.js';

const TRUSTED_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DEFAULT_KEY_MATCHER = createKeyMatcher([]);

export interface RequestLoggingSettings {
  readonly logger: Logger;
  readonly trustIncomingRequestId: boolean;
}

function pickRequestId(req: Request, trustIncoming: boolean): string {
  if (trustIncoming) {
    const incoming = req.headers['x-request-id'];
    if (typeof incoming === 'string' && TRUSTED_REQUEST_ID.test(incoming)) return incoming;
  }
  return randomUUID();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function looksSecret(text: string): boolean {
  return scrubText(text) !== text;
}

/** `token=abc&page=2` becomes `token=[REDACTED]&page=2`; a token-shaped value is replaced whole. */
export function redactQuery(rawQuery: string, isSecret: KeyMatcher): string {
  return rawQuery
    .split('&')
    .map(function redactPair(pair) {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      const name = safeDecode(rawName);
      if (looksSecret(name) || looksSecret(rawName)) return REDACTED;
      if (equals === -1) return pair;
      const rawValue = pair.slice(equals + 1);
      if (isSecret(name) || looksSecret(safeDecode(rawValue)) || looksSecret(rawValue)) return `${rawName}=${REDACTED}`;
      return pair;
    })
    .join('&');
}

function templateOf(baseUrl: string, route: unknown): string | null {
  if (typeof route !== 'object' || route === null) return null;
  const path: unknown = (route as { path?: unknown }).path;
  if (typeof path === 'string') return baseUrl + path;
  if (path instanceof RegExp || Array.isArray(path)) return baseUrl + String(path);
  return null;
}

/**
 * Records the route template at the moment the router assigns `req.route`: by the time the
 * response finishes, a router that handed an error on has already restored `req.baseUrl`.
 */
function trackRoute(req: Request): () => string | null {
  let current: unknown = (req as { route?: unknown }).route;
  let template: string | null = null;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: function getRoute() {
      return current;
    },
    set: function setRoute(route: unknown) {
      current = route;
      template = templateOf(req.baseUrl, route);
    },
  });
  return function matchedRoute() {
    return template ?? templateOf(req.baseUrl, current);
  };
}

export function createRequestLogging(settings: RequestLoggingSettings): RequestHandler {
  const { logger, trustIncomingRequestId } = settings;
  const isSecret = keyMatcherOf(logger) ?? DEFAULT_KEY_MATCHER;
  const writeLine = flatWriterOf(logger) ?? ((line: FlatLine, message: string) => logger.info(line, message));

  return function logRequest(req, res, next) {
    const started = process.hrtime.bigint();
    const requestId = pickRequestId(req, trustIncomingRequestId);
    // The child logger is built on first use: most requests log only their completion line,
    // and a child per request was ~3% of a request's CPU in the profile.
    let child: Logger | undefined;
    setRequestContext(req, {
      requestId,
      get log() {
        child ??= logger.child({ requestId });
        return child;
      },
    });
    res.setHeader('X-Request-Id', requestId);
    const matchedRoute = trackRoute(req);

    // A response emits `close` once, after `finish` when it was sent, alone when the client left first.
    function logCompletion(): void {
      const url = req.originalUrl || req.url;
      const queryStart = url.indexOf('?');
      const line: Record<string, string | number | boolean | null> = {
        requestId,
        method: req.method,
        route: matchedRoute(),
        status: res.headersSent ? res.statusCode : null,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 10_000) / 100,
        path: queryStart === -1 ? url : url.slice(0, queryStart),
      };
      if (queryStart !== -1 && queryStart < url.length - 1) line['query'] = redactQuery(url.slice(queryStart + 1), isSecret);
      // `close` without `finish`: the client went away before the response was complete.
      if (!res.writableFinished) line['aborted'] = true;
      writeLine(line, 'request completed');
    }

    res.once('close', logCompletion);
    next();
  };
}
