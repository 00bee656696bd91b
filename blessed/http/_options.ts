import { z } from 'zod';
import type { Logger } from '../logger/_types.js';
import { isBlockedLiteralHost, systemResolver } from './_ssrf.js';
import type { HostResolver } from './_ssrf.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
export const DEFAULT_DEADLINE_MS = 10_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 200;
export const DEFAULT_MAX_RETRY_DELAY_MS = 5_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/**
 * How long a body nobody reads (an error before a retry, a redirect, a `schema: null` success)
 * may take to drain so its connection can be reused. Past it the body is destroyed: a dripping
 * body must not spend the deadline the retries need.
 */
export const DEFAULT_DISCARD_TIMEOUT_MS = 1_000;
export const DEFAULT_RETRY_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;
/** A hard ceiling: an upstream that needs more hops than this is misconfigured or hostile. */
export const MAX_REDIRECTS = 3;

const MAX_TIMEOUT_MS = 600_000;

/** Headers this client owns; letting callers set them opens request smuggling and host games. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);
/** Always treated as credentials, whatever the client marks secret. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;
const HOST_ENTRY = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** Returns a TypeError message for a bad header, or undefined when it is acceptable. */
export function headerProblem(name: string, value: unknown): string | undefined {
  if (!HEADER_NAME.test(name)) return 'has an invalid header name';
  if (RESERVED_HEADERS.has(name.toLowerCase())) return `must not set the "${name.toLowerCase()}" header`;
  if (typeof value !== 'string' || !HEADER_VALUE.test(value)) return `header "${name}" must be a string without line breaks`;
  return undefined;
}

function ms() {
  const message = 'must be a positive integer (milliseconds)';
  return z
    .number({ error: message })
    .int({ error: message })
    .positive({ error: message })
    .max(MAX_TIMEOUT_MS, { error: `must be at most ${MAX_TIMEOUT_MS} ms` });
}

const hostList = z
  .array(z.string().regex(HOST_ENTRY, { error: 'must list host names such as "api.example.com" or "127.0.0.1"' }), {
    error: 'must be an array of host names',
  })
  .readonly();

const headerRecord = z.record(z.string(), z.string({ error: 'must map header names to strings' }), {
  error: 'must map header names to strings',
});

const pem = z.union([z.string().min(1), z.instanceof(Buffer)], { error: 'must be PEM text or a Buffer' });

const optionsSchema = z.strictObject({
  baseUrl: z.string({ error: 'must be an absolute https URL' }),
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null && typeof (value as { warn?: unknown }).warn === 'function', {
    error: 'must be a Logger',
  }),
  allowedHosts: hostList.default([]),
  allowHttpHosts: hostList.default([]),
  allowPrivateHosts: hostList.default([]),
  headers: headerRecord.default({}),
  secretHeaders: z.array(z.string().regex(HEADER_NAME, { error: 'must list header names' }), { error: 'must list header names' }).default([]),
  connectTimeoutMs: ms().default(DEFAULT_CONNECT_TIMEOUT_MS),
  headersTimeoutMs: ms().default(DEFAULT_HEADERS_TIMEOUT_MS),
  deadlineMs: ms().default(DEFAULT_DEADLINE_MS),
  discardTimeoutMs: ms().default(DEFAULT_DISCARD_TIMEOUT_MS),
  retries: z
    .number({ error: 'must be an integer from 0 to 10' })
    .int({ error: 'must be an integer from 0 to 10' })
    .min(0, { error: 'must be an integer from 0 to 10' })
    .max(10, { error: 'must be an integer from 0 to 10' })
    .default(DEFAULT_RETRIES),
  retryMethods: z
    .array(z.enum(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'], { error: 'may only list GET, HEAD, OPTIONS, PUT or DELETE' }), {
      error: 'must be an array of methods',
    })
    .default([...DEFAULT_RETRY_METHODS]),
  retryBaseDelayMs: ms().default(DEFAULT_RETRY_BASE_DELAY_MS),
  maxRetryDelayMs: ms().default(DEFAULT_MAX_RETRY_DELAY_MS),
  maxRedirects: z
    .number({ error: `must be an integer from 0 to ${MAX_REDIRECTS}` })
    .int({ error: `must be an integer from 0 to ${MAX_REDIRECTS}` })
    .min(0, { error: `must be an integer from 0 to ${MAX_REDIRECTS}` })
    .max(MAX_REDIRECTS, { error: `must be an integer from 0 to ${MAX_REDIRECTS}` })
    .default(0),
  maxResponseBytes: z
    .number({ error: 'must be a positive integer (bytes)' })
    .int({ error: 'must be a positive integer (bytes)' })
    .positive({ error: 'must be a positive integer (bytes)' })
    .max(256 * 1024 * 1024, { error: 'must be at most 268435456 bytes' })
    .default(DEFAULT_MAX_RESPONSE_BYTES),
  lookup: z
    .custom<HostResolver>((value) => typeof value === 'function', {
      error: 'must be a function (hostname, options) => Promise<LookupAddress[]>',
    })
    .default(() => systemResolver),
  ca: z.union([pem, z.array(pem).min(1)], { error: 'must be PEM text, a Buffer, or an array of them' }).optional(),
});

export type ParsedOptions = z.output<typeof optionsSchema>;

/** A host allowlist entry: a port, when given, must match too. */
interface HostRule {
  readonly hostname: string;
  readonly port: string | undefined;
}

export interface ResolvedOptions extends Omit<ParsedOptions, 'baseUrl' | 'headers' | 'secretHeaders' | 'retryMethods'> {
  readonly baseUrl: URL;
  /** The base path without its trailing slash; templates are appended to it. */
  readonly basePath: string;
  readonly hostRules: readonly HostRule[];
  readonly httpHosts: ReadonlySet<string>;
  readonly privateHosts: ReadonlySet<string>;
  readonly headers: Readonly<Record<string, string>>;
  readonly secretHeaders: ReadonlySet<string>;
  readonly retryMethods: ReadonlySet<string>;
}

function fail(name: string, message: string): never {
  throw new TypeError(`"${name}" ${message}`);
}

function hostnameOf(entry: string): URL {
  return new URL(`http://${entry}`);
}

function effectivePort(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/** True when a URL's host is the base host or one of the allowlisted hosts. */
export function isHostAllowed(url: URL, rules: readonly HostRule[]): boolean {
  return rules.some((rule) => rule.hostname === url.hostname && (rule.port === undefined || rule.port === effectivePort(url)));
}

function parseBaseUrl(raw: string, httpHosts: ReadonlySet<string>, privateHosts: ReadonlySet<string>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('baseUrl', 'must be an absolute https URL');
  }
  if (url.username !== '' || url.password !== '') fail('baseUrl', 'must not contain credentials');
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    fail('baseUrl', 'must not contain a query string or fragment');
  }
  if (url.protocol === 'http:' && !httpHosts.has(url.hostname)) {
    fail('baseUrl', `must use https unless "allowHttpHosts" lists ${url.hostname}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('baseUrl', 'must be an absolute https URL');
  if (isBlockedLiteralHost(url.hostname, privateHosts)) {
    fail('baseUrl', `points at a private or reserved address; list ${url.hostname} in "allowPrivateHosts" to allow it`);
  }
  return url;
}

/** Parses and checks the factory options once; the caller's object is never modified. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue?.code === 'unrecognized_keys') fail(String(issue.keys[0]), 'is not a known option');
    const name = issue?.path.map(String).join('.') || 'options';
    fail(name, issue?.path.length ? issue.message : 'must be an object');
  }
  const parsed = result.data;
  for (const [name, value] of Object.entries(parsed.headers)) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) fail('headers', problem);
  }
  const normalise = (entry: string): string => hostnameOf(entry).hostname;
  const httpHosts = new Set(parsed.allowHttpHosts.map(normalise));
  const privateHosts = new Set(parsed.allowPrivateHosts.map(normalise));
  const baseUrl = parseBaseUrl(parsed.baseUrl, httpHosts, privateHosts);
  const hostRules: HostRule[] = [{ hostname: baseUrl.hostname, port: effectivePort(baseUrl) }];
  for (const entry of parsed.allowedHosts) {
    const url = hostnameOf(entry);
    hostRules.push({ hostname: url.hostname, port: /:\d+$/.test(entry) ? (url.port === '' ? '80' : url.port) : undefined });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.headers)) headers[name.toLowerCase()] = value;
  return {
    ...parsed,
    baseUrl,
    basePath: baseUrl.pathname.replace(/\/+$/, ''),
    hostRules,
    httpHosts,
    privateHosts,
    headers,
    secretHeaders: new Set([...CREDENTIAL_HEADERS, ...parsed.secretHeaders.map((h) => h.toLowerCase())]),
    retryMethods: new Set(parsed.retryMethods),
  };
}
