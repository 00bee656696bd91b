import { z } from 'zod';

export const TENANT_ID_MAX_LENGTH = 200;

// Control characters break logs and set_config; a lone surrogate is replaced on its way to the
// database, so two different claims would name the same tenant.
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;

/**
 * The one rule for tenant ids, shared by authentication (a token whose `tenant_id` breaks it is
 * a 401) and the data layer (a handle for such an id is a TypeError): 1 to 200 characters, not
 * blank, no control characters or lone surrogates.
 *
 * @example
 * if (!tenantIdSchema.safeParse(claims.tenant_id).success) throw new AuthenticationError('ERR_AUTH_CLAIMS_INVALID');
 */
export const TENANT_ID_RULE = `1 to ${TENANT_ID_MAX_LENGTH} printable characters, not blank`;

export const tenantIdSchema: z.ZodType<string> = z
  .string({ error: `must be ${TENANT_ID_RULE}` })
  .max(TENANT_ID_MAX_LENGTH, { abort: true, error: `must be ${TENANT_ID_RULE}` })
  .refine((value) => value.trim() !== '' && !UNPRINTABLE.test(value), { error: `must be ${TENANT_ID_RULE}` });
