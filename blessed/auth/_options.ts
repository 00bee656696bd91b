import { z } from 'zod';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
export const DEFAULT_MAX_TOKEN_BYTES = 8192;
export const DEFAULT_JWKS_TIMEOUT_MS = 2000;
/** A stolen token with a long `exp` stays useful only this long after it was issued. */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;
const MAX_TOKEN_AGE_LIMIT_SECONDS = 30 * 24 * 60 * 60;
/** Verified tokens remembered; each entry holds the token string, at most `maxTokenBytes`. */
export const DEFAULT_TOKEN_CACHE_SIZE = 1000;
const TOKEN_CACHE_SIZE_LIMIT = 100_000;
export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze(['RS256', 'ES256', 'EdDSA']);
export const MIN_SECRET_BYTES = 32;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type VerificationKeySource =
  | { readonly kind: 'secret'; readonly secret: Uint8Array }
  | {
      readonly kind: 'jwks';
      readonly url: URL;
      readonly algorithms: readonly AsymmetricAlgorithm[];
      readonly timeoutMs: number;
    };

export interface ParsedAuthOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenBytes: number;
  readonly maxTokenAgeSeconds: number;
  readonly tokenCacheSize: number;
  readonly keys: VerificationKeySource;
}

const nonEmpty = (name: string) => z.string({ error: `"${name}" must be a non-empty string` }).min(1, { error: `"${name}" must be a non-empty string` });

/** An optional integer in [min, max]; every way of missing it gets the same message naming the option and the range. */
function integerOption(name: string, min: number, max: number, fallback: number) {
  const error = `"${name}" must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
}

const secretSchema = z
  .union([z.string(), z.instanceof(Uint8Array)], { error: '"secret" must be a string or a Uint8Array' })
  .transform(toSecretBytes)
  .refine((bytes) => bytes.byteLength >= MIN_SECRET_BYTES, { error: `"secret" must be at least ${MIN_SECRET_BYTES} bytes` });

const ALGORITHMS_MESSAGE = `"algorithms" must be a non-empty list of ${ASYMMETRIC_ALGORITHMS.join(', ')}`;

const commonShape = {
  issuer: nonEmpty('issuer'),
  audience: nonEmpty('audience'),
  clockToleranceSeconds: integerOption('clockToleranceSeconds', 0, 60, DEFAULT_CLOCK_TOLERANCE_SECONDS),
  maxTokenBytes: integerOption('maxTokenBytes', 256, 65536, DEFAULT_MAX_TOKEN_BYTES),
  maxTokenAgeSeconds: integerOption('maxTokenAgeSeconds', 1, MAX_TOKEN_AGE_LIMIT_SECONDS, DEFAULT_MAX_TOKEN_AGE_SECONDS),
  tokenCacheSize: integerOption('tokenCacheSize', 0, TOKEN_CACHE_SIZE_LIMIT, DEFAULT_TOKEN_CACHE_SIZE),
};

const secretOptionsSchema = z.strictObject({ ...commonShape, secret: secretSchema }, { error: unknownOption });

const jwksOptionsSchema = z.strictObject(
  {
    ...commonShape,
    jwksUrl: z.union([z.string(), z.instanceof(URL)], { error: '"jwksUrl" must be a URL string or a URL' }).transform(toJwksUrl),
    algorithms: z
      .array(z.enum(ASYMMETRIC_ALGORITHMS, { error: ALGORITHMS_MESSAGE }), { error: ALGORITHMS_MESSAGE })
      .min(1, { error: '"algorithms" must not be empty' })
      .readonly()
      .default(DEFAULT_ALGORITHMS),
    jwksTimeoutMs: z
      .number({ error: '"jwksTimeoutMs" must be an integer from 1 to 30000' })
      .int({ error: '"jwksTimeoutMs" must be an integer from 1 to 30000' })
      .min(1, { error: '"jwksTimeoutMs" must be an integer from 1 to 30000' })
      .max(30_000, { error: '"jwksTimeoutMs" must be an integer from 1 to 30000' })
      .default(DEFAULT_JWKS_TIMEOUT_MS),
  },
  { error: unknownOption },
);

function unknownOption(issue: { code: string; keys?: readonly string[] }): string | undefined {
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
    return `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  return undefined;
}

function toSecretBytes(secret: string | Uint8Array): Uint8Array {
  // A copy: a caller zeroing or reusing its buffer later must not change the key in use.
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
}

function toJwksUrl(value: string | URL, ctx: z.RefinementCtx): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: '"jwksUrl" must be an absolute URL' });
    return z.NEVER;
  }
  // Keys fetched in clear text can be swapped on the way; plain http is only for a local issuer.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    ctx.addIssue({ code: 'custom', message: '"jwksUrl" must use https (http only for localhost)' });
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: '"jwksUrl" must not contain credentials' });
    return z.NEVER;
  }
  return url;
}

/** Keys whose value is `undefined` count as absent, so config objects built from the environment fit. */
function definedEntries(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

export function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new TypeError(issue?.message ?? 'invalid options');
}

export function parseAuthOptions(input: unknown): ParsedAuthOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError('authenticate() options must be an object');
  const options = definedEntries(input);
  const hasSecret = 'secret' in options;
  const hasJwks = 'jwksUrl' in options;
  if (hasSecret && hasJwks) throw new TypeError('"secret" and "jwksUrl" must not both be set');
  if (!hasSecret && !hasJwks) throw new TypeError('one of "secret" or "jwksUrl" is required');
  if (hasSecret) {
    const parsed = parseWith(secretOptionsSchema, options);
    return Object.freeze({
      issuer: parsed.issuer,
      audience: parsed.audience,
      clockToleranceSeconds: parsed.clockToleranceSeconds,
      maxTokenBytes: parsed.maxTokenBytes,
      maxTokenAgeSeconds: parsed.maxTokenAgeSeconds,
      tokenCacheSize: parsed.tokenCacheSize,
      keys: Object.freeze({ kind: 'secret', secret: parsed.secret }),
    });
  }
  const parsed = parseWith(jwksOptionsSchema, options);
  return Object.freeze({
    issuer: parsed.issuer,
    audience: parsed.audience,
    clockToleranceSeconds: parsed.clockToleranceSeconds,
    maxTokenBytes: parsed.maxTokenBytes,
    maxTokenAgeSeconds: parsed.maxTokenAgeSeconds,
    tokenCacheSize: parsed.tokenCacheSize,
    keys: Object.freeze({
      kind: 'jwks',
      url: parsed.jwksUrl,
      algorithms: Object.freeze([...new Set(parsed.algorithms)]),
      timeoutMs: parsed.jwksTimeoutMs,
    }),
  });
}

export { secretSchema, nonEmpty };
