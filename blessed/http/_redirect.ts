import { HttpError } from './_errors.js';
import type { HttpCallContext } from './_errors.js';
import type { ResolvedOptions } from './_options.js';
import { assertDestination } from './_url.js';

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** One request on the wire; a redirect produces the next one. */
export interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/**
 * The request to send after a redirect, or a refusal. Every hop passes the same destination
 * checks as the first request (allowlist, protocol, literal private address; names are checked
 * again at connect time), and once the origin changes every credential header is dropped for the
 * rest of the chain: undici's own redirect handling forwards custom ones such as `x-api-key`.
 */
export function nextHop(
  current: Hop,
  status: number,
  location: string | string[] | undefined,
  hopsSoFar: number,
  options: ResolvedOptions,
  context: HttpCallContext,
): Hop {
  if (options.maxRedirects === 0) {
    throw new HttpError('ERR_HTTP_REDIRECT', `Redirect (status ${status}) not followed`, context, { upstreamStatus: status });
  }
  if (hopsSoFar >= options.maxRedirects) {
    throw new HttpError('ERR_HTTP_REDIRECT', `More than ${options.maxRedirects} redirects`, context, { upstreamStatus: status });
  }
  const raw = Array.isArray(location) ? location[0] : location;
  let url: URL;
  try {
    if (raw === undefined || raw === '') throw new TypeError('no location');
    url = new URL(raw, current.url);
  } catch {
    throw new HttpError('ERR_HTTP_REDIRECT', `Redirect (status ${status}) without a usable Location`, context, { upstreamStatus: status });
  }
  url.hash = '';
  assertDestination(url, options, context, current.url);

  const headers: Record<string, string> = { ...current.headers };
  if (url.origin !== current.url.origin) {
    for (const name of Object.keys(headers)) if (options.secretHeaders.has(name)) delete headers[name];
  }
  // 303 always, and 301/302 after a POST, turn into a GET without the body (what browsers do).
  const becomesGet = (status === 303 && current.method !== 'HEAD') || ((status === 301 || status === 302) && current.method === 'POST');
  if (!becomesGet) return { url, method: current.method, headers, body: current.body };
  delete headers['content-type'];
  return { url, method: 'GET', headers, body: undefined };
}
