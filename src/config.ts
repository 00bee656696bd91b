import { z } from 'zod';
import type { AuthOptions } from '../blessed/auth/index.js';
import type { LogLevel } from '../blessed/logger/index.js';

export type Mode = 'development' | 'test' | 'production';

export interface AppConfig {
  readonly mode: Mode;
  readonly port: number;
  /** Address to listen on; unset listens on every interface. */
  readonly host: string | undefined;
  readonly auth: AuthOptions;
  readonly logLevel: LogLevel;
  /** Exact origins allowed by CORS; empty means no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** How many proxies in front of the service to trust for client addresses; 0 trusts none. */
  readonly trustProxyHops: number;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Signs pagination cursors; `undefined` (development without a stored one) means random per process. */
  readonly cursorSecret: string | undefined;
  readonly rateLimits: RateLimitSettings;
  /** Socket limits of the HTTP server, in milliseconds. */
  readonly serverTimeouts: ServerTimeouts;
}

export interface RateLimitSettings {
  /** Length of one counting window, in milliseconds. */
  readonly windowMs: number;
  /** Requests per window from one client address that has no valid token. */
  readonly anonymous: number;
  /** Requests per window for one authenticated subject of one tenant. */
  readonly authenticated: number;
}

/** A burst of a few thousand anonymous requests from one address runs into the limit within seconds. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = Object.freeze({ windowMs: 60_000, anonymous: 1_000, authenticated: 3_000 });

export interface ServerTimeouts {
  /** A client must finish sending the request line and headers within this (slowloris). */
  readonly headersMs: number;
  /** The whole request, body included; at least `headersMs`. */
  readonly requestMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveMs: number;
}

/** A setting is missing or wrong; the message names every offending variable. */
export class ConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export const DEV_ISSUER = 'golden-path-dev';
export const DEV_AUDIENCE = 'golden-path-dev';

const digits = (max: number) =>
  z.string().max(String(max).length, { abort: true }).regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().max(max));

/** Milliseconds from 100 ms to 10 minutes. */
const millis = () => digits(600_000).pipe(z.number().min(100, 'must be at least 100 (milliseconds)'));

const origin = z
  .string()
  .max(2048, { abort: true })
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && !value.includes('*');
    } catch {
      return false;
    }
  }, 'must be exact origins like https://app.example.com, comma separated (no wildcard, path or trailing slash)');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: digits(65535).default(3000),
  HOST: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9.:-]+$/, 'must be an address or host name')
    .optional(),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').max(4096).optional(),
  AUTH_JWKS_URL: z.string().max(2048).optional(),
  AUTH_ISSUER: z.string().min(1).max(512).optional(),
  AUTH_AUDIENCE: z.string().min(1).max(512).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z
    .string()
    .max(8192)
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  TRUST_PROXY_HOPS: digits(10).default(0),
  DATABASE_URL: z.string().min(1).max(2048).optional(),
  DATA_DIR: z.string().min(1).max(1024).default('.data'),
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').max(4096).optional(),
  AUTH_MAX_TOKEN_AGE_SECONDS: digits(2_592_000).optional(),
  NODE_TLS_REJECT_UNAUTHORIZED: z.string().optional(),
  RATE_LIMIT_WINDOW_MS: digits(86_400_000).pipe(z.number().min(1_000, 'must be at least 1000 (milliseconds)')).default(DEFAULT_RATE_LIMITS.windowMs),
  RATE_LIMIT_ANONYMOUS: digits(10_000_000).pipe(z.number().min(1, 'must be at least 1')).default(DEFAULT_RATE_LIMITS.anonymous),
  RATE_LIMIT_AUTHENTICATED: digits(10_000_000).pipe(z.number().min(1, 'must be at least 1')).default(DEFAULT_RATE_LIMITS.authenticated),
  HEADERS_TIMEOUT_MS: millis().default(10_000),
  REQUEST_TIMEOUT_MS: millis().default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: millis().default(5_000),
});

export interface LoadConfigOptions {
  /** Supplies the development secret (kept in a git-ignored file) when none is configured. */
  readonly developmentSecret?: () => string;
  /** Supplies the development cursor secret the same way; without it cursors are signed per process. */
  readonly developmentCursorSecret?: () => string;
}

function jwksUrl(value: string, mode: Mode, issues: string[]): URL | undefined {
  try {
    const url = new URL(value);
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    if (url.protocol === 'https:' || (url.protocol === 'http:' && local && mode !== 'production')) return url;
    issues.push('AUTH_JWKS_URL: must be an https URL');
  } catch {
    issues.push('AUTH_JWKS_URL: must be a URL');
  }
  return undefined;
}

/**
 * Reads settings from the environment. Fails closed: production without auth settings, or any
 * mode with TLS verification switched off process-wide, refuses to start.
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const mode: Mode = e.NODE_ENV;
  const issues: string[] = [];
  if (e.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    issues.push('NODE_TLS_REJECT_UNAUTHORIZED: must not be 0; supply a private CA instead of disabling verification');
  }
  if (e.REQUEST_TIMEOUT_MS < e.HEADERS_TIMEOUT_MS) {
    issues.push('REQUEST_TIMEOUT_MS: must be at least HEADERS_TIMEOUT_MS');
  }
  if (e.AUTH_JWT_SECRET !== undefined && e.AUTH_JWKS_URL !== undefined) {
    issues.push('AUTH_JWT_SECRET and AUTH_JWKS_URL: set one, not both');
  }
  const production = mode === 'production';
  if (production) {
    if (e.AUTH_JWT_SECRET === undefined && e.AUTH_JWKS_URL === undefined) {
      issues.push('AUTH_JWT_SECRET or AUTH_JWKS_URL: required in production');
    }
    if (e.AUTH_ISSUER === undefined) issues.push('AUTH_ISSUER: required in production');
    if (e.AUTH_AUDIENCE === undefined) issues.push('AUTH_AUDIENCE: required in production');
    // Instances behind one load balancer must accept each other's cursors: no per-process fallback.
    if (e.CURSOR_SECRET === undefined) issues.push('CURSOR_SECRET: required in production');
  }
  const issuer = e.AUTH_ISSUER ?? DEV_ISSUER;
  const audience = e.AUTH_AUDIENCE ?? DEV_AUDIENCE;
  const common = { issuer, audience, ...(e.AUTH_MAX_TOKEN_AGE_SECONDS === undefined ? {} : { maxTokenAgeSeconds: e.AUTH_MAX_TOKEN_AGE_SECONDS }) };
  let auth: AuthOptions | undefined;
  if (e.AUTH_JWKS_URL !== undefined) {
    const url = jwksUrl(e.AUTH_JWKS_URL, mode, issues);
    if (url !== undefined) auth = { ...common, jwksUrl: url };
  } else if (e.AUTH_JWT_SECRET !== undefined) {
    auth = { ...common, secret: e.AUTH_JWT_SECRET };
  } else if (!production && options.developmentSecret !== undefined) {
    auth = { ...common, secret: options.developmentSecret() };
  } else if (!production) {
    issues.push('AUTH_JWT_SECRET or AUTH_JWKS_URL: required (no development secret available)');
  }
  if (issues.length > 0 || auth === undefined) throw new ConfigError(issues);
  return Object.freeze({
    mode,
    port: e.PORT,
    host: e.HOST,
    auth,
    logLevel: e.LOG_LEVEL,
    corsOrigins: Object.freeze([...e.CORS_ORIGINS]),
    trustProxyHops: e.TRUST_PROXY_HOPS,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    rateLimits: Object.freeze({ windowMs: e.RATE_LIMIT_WINDOW_MS, anonymous: e.RATE_LIMIT_ANONYMOUS, authenticated: e.RATE_LIMIT_AUTHENTICATED }),
    serverTimeouts: Object.freeze({ headersMs: e.HEADERS_TIMEOUT_MS, requestMs: e.REQUEST_TIMEOUT_MS, keepAliveMs: e.KEEP_ALIVE_TIMEOUT_MS }),
    cursorSecret: e.CURSOR_SECRET ?? (production ? undefined : options.developmentCursorSecret?.()),
  });
}
