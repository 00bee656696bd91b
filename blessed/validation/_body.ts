import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  AppError,
  MalformedBodyError,
  RequestRejectedError,
  UnsupportedMediaTypeError,
  ValidationError,
  toAppError,
  type FieldIssue,
} from '../errors/index.js';
import { inspectInput } from './_inspect.js';
import { parseOptions, positiveInt } from './_options.js';

export interface JsonBodyOptions {
  /** Largest body accepted, counted after decompression. Default 100 KiB. */
  readonly limitBytes?: number;
  /** Deepest nesting accepted; deeper bodies are a 400 before any code recurses into them. Default 32. */
  readonly maxDepth?: number;
}

const DEFAULT_LIMIT_BYTES = 100 * 1024;
const DEFAULT_MAX_DEPTH = 32;

const optionsSchema = z.strictObject({ limitBytes: positiveInt(100 * 1024 * 1024), maxDepth: positiveInt(1000) });
const optionRules = {
  limitBytes: 'must be a positive integer up to 104857600',
  maxDepth: 'must be a positive integer up to 1000',
};

function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/** `application/json`, optionally with `charset=utf-8`; any other parameter is refused too. */
function isJson(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...parameters] = header.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every(function isUtf8Charset(parameter) {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    return name === 'charset' && (value === 'utf-8' || value === '"utf-8"');
  });
}

/** body-parser's errors carry a `type` toAppError knows; a corrupt gzip stream only carries a 4xx status. */
function toBodyError(err: unknown): AppError {
  const mapped = toAppError(err);
  if (!(mapped instanceof RequestRejectedError)) return mapped;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return new MalformedBodyError({ reason: `unreadable body${typeof code === 'string' ? `: ${code}` : ''}` });
}

/**
 * Body parsing for every route: a request that has a body must be `application/json`
 * (415 otherwise), at most `limitBytes` once decompressed (413), well-formed JSON with an object
 * or array at the top (400, without the parser's text), no deeper than `maxDepth` and free of
 * `__proto__`, `constructor` and `prototype` keys (400). Without a body, `req.body` stays undefined.
 *
 * @example
 * app.use(jsonBody({ limitBytes: 64 * 1024 }));
 */
export function jsonBody(options?: JsonBodyOptions): RequestHandler {
  const parsed = parseOptions(optionsSchema, options, optionRules);
  const limits = { maxDepth: parsed.maxDepth ?? DEFAULT_MAX_DEPTH, maxStringLength: Number.POSITIVE_INFINITY };
  const emptyBodies = new WeakSet<Request>();
  const parser = express.json({
    limit: parsed.limitBytes ?? DEFAULT_LIMIT_BYTES,
    strict: true,
    inflate: true,
    // The content type is checked below, before the parser runs, so it may parse every request.
    type: () => true,
    verify: function noteEmpty(req, _res, buffer) {
      // body-parser turns an empty body into `{}`; an empty chunked body is no body at all.
      if (buffer.length === 0) emptyBodies.add(req as Request);
    },
  });

  return function parseJsonBody(req, res, next) {
    if (!hasBody(req)) {
      next();
      return;
    }
    if (!isJson(req.headers['content-type'])) {
      next(new UnsupportedMediaTypeError({ reason: 'the body is not application/json' }));
      return;
    }
    parser(req, res, function afterParse(err?: unknown) {
      if (err !== undefined && err !== null) {
        next(toBodyError(err));
        return;
      }
      if (emptyBodies.has(req)) req.body = undefined;
      const issues: FieldIssue[] = [];
      inspectInput(req.body, 'body', limits, issues);
      if (issues.length > 0) {
        next(new ValidationError(issues, { reason: `body refused at ${issues.map((issue) => issue.path).join(', ')}` }));
        return;
      }
      next();
    });
  };
}
