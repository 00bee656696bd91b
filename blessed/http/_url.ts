import { HttpError } from './_errors.js';
import type { HttpCallContext } from './_errors.js';
import { isHostAllowed } from './_options.js';
import type { ResolvedOptions } from './_options.js';
import { isBlockedLiteralHost } from './_ssrf.js';

export type PathParamValue = string | number;
export type QueryValue = string | number | boolean;
export type QueryParams = Readonly<Record<string, QueryValue | readonly QueryValue[] | undefined>>;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** RFC 3986 path characters; anything else in a template is a typo or an injection. */
const STATIC_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const UNSAFE_PARAM = /[/\\]|\.\.|%(?:2f|5c|2e)|[\u0000-\u001f\u007f]/i;

/** The `{name}` placeholders of a template, in order. Throws TypeError for a malformed template. */
export function templateParams(template: unknown): string[] {
  if (typeof template !== 'string' || !template.startsWith('/') || template.startsWith('//')) {
    throw new TypeError('The path must be a template starting with "/", such as "/orders/{orderId}"; never a full URL');
  }
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  const rest = template.replaceAll(PLACEHOLDER, 'p');
  const segments = rest.split('/');
  if (!STATIC_PATH.test(rest) || segments.some((s) => s === '.' || s === '..')) {
    throw new TypeError(`The path template "${template}" contains characters that are not allowed`);
  }
  if (new Set(names).size !== names.length) throw new TypeError(`The path template "${template}" repeats a parameter`);
  return names;
}

/**
 * Fills the template. Values are percent-encoded, and a value that could change the path's
 * shape (a slash, a backslash, a dot segment, an encoded slash or dot, a control character)
 * is refused before any request is made.
 */
export function expandTemplate(template: string, params: Readonly<Record<string, PathParamValue>> | undefined, context: HttpCallContext): string {
  const names = templateParams(template);
  const given = params === undefined ? [] : Object.keys(params);
  const unknown = given.find((key) => !names.includes(key));
  if (unknown !== undefined) throw new TypeError(`Path parameter "${unknown}" is not in the template "${template}"`);
  return template.replaceAll(PLACEHOLDER, function fill(_match, name: string) {
    const raw: unknown = params?.[name];
    if (raw === undefined) throw new TypeError(`Path parameter "${name}" is missing for "${template}"`);
    const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    if (typeof value !== 'string' || value === '' || value === '.' || UNSAFE_PARAM.test(value)) {
      throw new HttpError('ERR_HTTP_INVALID_PARAM', `Path parameter "${name}" refused`, context);
    }
    return encodeURIComponent(value);
  });
}

function appendQuery(url: URL, query: QueryParams): void {
  for (const [key, entry] of Object.entries(query)) {
    if (entry === undefined) continue;
    const values: readonly unknown[] = Array.isArray(entry) ? entry : [entry];
    for (const value of values) {
      const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      if (!ok) throw new TypeError(`Query parameter "${key}" must be a string, a finite number or a boolean`);
      url.searchParams.append(key, String(value));
    }
  }
}

/** The absolute URL of a call; the origin is always the base URL's, whatever the template holds. */
export function buildUrl(
  options: ResolvedOptions,
  template: string,
  params: Readonly<Record<string, PathParamValue>> | undefined,
  query: QueryParams | undefined,
  context: HttpCallContext,
): URL {
  const url = new URL(options.baseUrl.origin);
  url.pathname = options.basePath + expandTemplate(template, params, context);
  if (query !== undefined) appendQuery(url, query);
  if (url.origin !== options.baseUrl.origin) throw new TypeError(`The path template "${template}" left the base URL`);
  return url;
}

/**
 * The checks every destination passes before a socket is opened: no credentials in the URL,
 * https (or plain http for hosts explicitly allowed it), never a downgrade, an allowlisted host,
 * and no literal private address. Names are checked again when they resolve.
 */
export function assertDestination(url: URL, options: ResolvedOptions, context: HttpCallContext, from?: URL): void {
  if (url.username !== '' || url.password !== '') {
    throw new HttpError('ERR_HTTP_REDIRECT', 'Redirect target carries credentials in the URL', context);
  }
  if (from?.protocol === 'https:' && url.protocol !== 'https:') {
    throw new HttpError('ERR_HTTP_INSECURE_PROTOCOL', 'Redirect from https to a plain-text URL refused', context);
  }
  const plainAllowed = url.protocol === 'http:' && options.httpHosts.has(url.hostname);
  if (url.protocol !== 'https:' && !plainAllowed) {
    throw new HttpError('ERR_HTTP_INSECURE_PROTOCOL', `Plain-text or unknown protocol refused for ${url.hostname}`, context);
  }
  if (isBlockedLiteralHost(url.hostname, options.privateHosts)) {
    throw new HttpError('ERR_HTTP_SSRF_BLOCKED', `Private or reserved address ${url.hostname} refused`, context);
  }
  if (!isHostAllowed(url, options.hostRules)) {
    throw new HttpError('ERR_HTTP_HOST_NOT_ALLOWED', `Host ${url.hostname} is not in the allowlist`, context);
  }
}
