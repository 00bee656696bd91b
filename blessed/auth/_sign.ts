import { SignJWT } from 'jose';
import { z } from 'zod';
import { TENANT_ID_RULE, tenantIdSchema } from '../validation/_tenant-id.js';
import { nonEmpty, parseWith, secretSchema } from './_options.js';

export interface SignTokenOptions {
  readonly secret: string | Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  readonly tenantId: string;
  readonly permissions: readonly string[];
  /** Lifetime: a jose time span such as `'15m'` or `'2h'`, or a number of seconds. Default `'15m'`. */
  readonly ttl?: string | number;
}

export const DEFAULT_TOKEN_TTL = '15m';
// Development tokens are short lived on purpose; a day is plenty for any local session.
const MAX_TTL_SECONDS = 24 * 60 * 60;
const TIME_SPAN = /^(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

function spanToSeconds(span: string): number | undefined {
  const match = TIME_SPAN.exec(span.trim());
  if (match === null) return undefined;
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = UNIT_SECONDS[unit[0] ?? 's'] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

const TTL_MESSAGE = `"ttl" must be a time span such as "15m" or a whole number of seconds, from 1 second to ${MAX_TTL_SECONDS / 3600} hours`;

const TENANT_MESSAGE = `"tenantId" must be ${TENANT_ID_RULE}`;
const signSchema = z.strictObject({
  secret: secretSchema,
  issuer: nonEmpty('issuer'),
  audience: nonEmpty('audience'),
  subject: nonEmpty('subject'),
  // A token authenticate() would refuse is no use to anyone: the same tenant rule applies.
  tenantId: z.string({ error: TENANT_MESSAGE }).refine((value) => tenantIdSchema.safeParse(value).success, { error: TENANT_MESSAGE }),
  permissions: z.array(z.string().min(1), { error: '"permissions" must be an array of non-empty strings' }),
  ttl: z
    .union([z.string(), z.number()], { error: TTL_MESSAGE })
    .default(DEFAULT_TOKEN_TTL)
    .transform((ttl, ctx) => {
      const seconds = typeof ttl === 'number' ? (Number.isInteger(ttl) ? ttl : undefined) : spanToSeconds(ttl);
      if (seconds === undefined || seconds < 1 || seconds > MAX_TTL_SECONDS) {
        ctx.addIssue({ code: 'custom', message: TTL_MESSAGE });
        return z.NEVER;
      }
      return seconds;
    }),
});

/**
 * Signs an HS256 access token in the shape `authenticate()` accepts. For development and tests:
 * production tokens come from the identity provider.
 *
 * @example
 * const token = await signToken({
 *   secret, issuer: 'https://issuer.local', audience: 'orders-api',
 *   subject: 'user-1', tenantId: 'tenant-1', permissions: ['orders:read'], ttl: '1h',
 * });
 */
export async function signToken(options: SignTokenOptions): Promise<string> {
  const parsed = parseWith(signSchema, options);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant_id: parsed.tenantId, permissions: [...parsed.permissions] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(parsed.issuer)
    .setAudience(parsed.audience)
    .setSubject(parsed.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + parsed.ttl)
    .sign(parsed.secret);
}
