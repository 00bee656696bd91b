import { IncomingMessage, ServerResponse } from 'node:http';
import { REDACTED, scrubText } from './_scrub.js';

/** Objects nested deeper than this are replaced by `[DEPTH]`. */
export const MAX_DEPTH = 10;

const SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'xapikey',
  'apikey',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'token',
  'secret',
  'clientsecret',
  'privatekey',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'sessionid',
  'jwt',
  'credentials',
];

const SECRET_SUBSTRINGS: readonly string[] = ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'authorization', 'cookie'];

export type KeyMatcher = (key: string) => boolean;

/** `API-Key`, `api_key` and `apiKey` all become `apikey`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s.]/g, '');
}

/** The fixed list plus `extraKeys`; extra keys can only widen it. */
export function createKeyMatcher(extraKeys: readonly string[]): KeyMatcher {
  const exact = new Set([...SECRET_KEYS, ...extraKeys.map(normalizeKey)]);
  return function isSecretKey(key: string): boolean {
    const normalized = normalizeKey(key);
    if (exact.has(normalized)) return true;
    return SECRET_SUBSTRINGS.some((fragment) => normalized.includes(fragment));
  };
}

type Plain = Record<string, unknown>;

function assign(target: Plain, key: string, value: unknown): void {
  // A `__proto__` key must stay a plain property rather than swap the prototype.
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

interface Walk {
  readonly isSecret: KeyMatcher;
  // Ancestors only: an object shared by two siblings is not a cycle and is logged twice.
  readonly ancestors: Set<object>;
}

function readProperty(source: object, key: string): unknown {
  try {
    return (source as Plain)[key];
  } catch {
    return '[Unreadable]';
  }
}

function copyEntries(walk: Walk, target: Plain, source: object, depth: number, skip?: ReadonlySet<string>): void {
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue;
    const value = walk.isSecret(key) ? REDACTED : sanitizeAt(walk, readProperty(source, key), depth + 1);
    if (value !== undefined) assign(target, scrubText(key), value);
  }
}

const ERROR_OWN_HANDLED: ReadonlySet<string> = new Set(['name', 'message', 'stack', 'cause', 'errors']);

function errorType(err: Error): string {
  const ctorName: unknown = (err.constructor as { name?: unknown } | undefined)?.name;
  if (typeof ctorName === 'string' && ctorName !== '') return ctorName;
  return typeof err.name === 'string' ? err.name : 'Error';
}

function sanitizeError(walk: Walk, err: Error, depth: number): Plain {
  const out: Plain = { type: scrubText(errorType(err)), message: scrubText(String(readProperty(err, 'message'))) };
  const stack = readProperty(err, 'stack');
  if (typeof stack === 'string') out['stack'] = scrubText(stack);
  copyEntries(walk, out, err, depth, ERROR_OWN_HANDLED);
  const cause = readProperty(err, 'cause');
  if (cause !== undefined) out['cause'] = sanitizeAt(walk, cause, depth + 1);
  const errors = readProperty(err, 'errors');
  if (Array.isArray(errors)) out['errors'] = sanitizeAt(walk, errors, depth + 1);
  return out;
}

function sanitizeObject(walk: Walk, value: object, depth: number): unknown {
  if (value instanceof Error) return sanitizeError(walk, value, depth);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof URL) return scrubText(value.href);
  if (value instanceof RegExp) return scrubText(String(value));
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[Binary ${value.byteLength} bytes]`;
  // Requests carry headers (credentials); only their method and path are ever logged.
  if (value instanceof IncomingMessage) {
    return { method: value.method ?? null, path: scrubText((value.url ?? '').split('?')[0] ?? '') };
  }
  if (value instanceof ServerResponse) return { statusCode: value.statusCode };
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i += 1) out.push(sanitizeAt(walk, readProperty(value, String(i)), depth + 1) ?? null);
    return out;
  }
  if (value instanceof Set) return sanitizeAt(walk, [...value], depth);
  if (value instanceof Map) {
    const out: Plain = {};
    for (const [key, entry] of value) {
      const name = String(key);
      assign(out, scrubText(name), walk.isSecret(name) ? REDACTED : sanitizeAt(walk, entry, depth + 1));
    }
    return out;
  }
  const toJSON = readProperty(value, 'toJSON');
  if (typeof toJSON === 'function') {
    // Whatever toJSON returns is walked again, so a class cannot smuggle a secret out through it.
    return sanitizeAt(walk, (toJSON as () => unknown).call(value), depth + 1);
  }
  const out: Plain = {};
  copyEntries(walk, out, value, depth);
  return out;
}

function sanitizeAt(walk: Walk, value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return scrubText(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return value.toString();
    case 'symbol':
      return scrubText(value.toString());
    case 'function':
      return undefined;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (walk.ancestors.has(object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[DEPTH]';
  walk.ancestors.add(object);
  try {
    return sanitizeObject(walk, object, depth);
  } catch {
    // A throwing getter, proxy trap or toJSON must not take the log call (or the request) down.
    return '[Unserializable]';
  } finally {
    walk.ancestors.delete(object);
  }
}

/**
 * Returns a redacted copy of `value`: values under secret-named keys become `[REDACTED]` at any
 * depth (arrays, maps, errors' own properties), strings are scrubbed, cycles become `[Circular]`,
 * deep nesting `[DEPTH]`. The input is never modified.
 */
export function sanitize(value: unknown, isSecret: KeyMatcher): unknown {
  return sanitizeAt({ isSecret, ancestors: new Set() }, value, 0);
}
