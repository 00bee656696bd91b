import type { JWTPayload } from 'jose';
import { AuthenticationError } from '../errors/index.js';
import { TENANT_ID_RULE, tenantIdSchema } from '../validation/_tenant-id.js';

/** Who is calling, for which tenant, with which permissions: read only from a verified token. */
export interface AuthContext {
  readonly subject: string;
  readonly tenantId: string;
  /** Frozen; from the `permissions` claim (array of strings) or `scope` (space separated). */
  readonly permissions: readonly string[];
}

function claimsInvalid(reason: string): AuthenticationError {
  return new AuthenticationError('ERR_AUTH_CLAIMS_INVALID', { reason });
}

function requireNonEmptyString(payload: JWTPayload, claim: string): string {
  const value = payload[claim];
  if (value === undefined) throw claimsInvalid(`missing "${claim}" claim`);
  if (typeof value !== 'string' || value.length === 0) throw claimsInvalid(`"${claim}" claim must be a non-empty string`);
  return value;
}

/** The data layer refuses a handle for a tenant id outside this rule; the token is refused first. */
function requireTenantId(payload: JWTPayload): string {
  const value = requireNonEmptyString(payload, 'tenant_id');
  if (!tenantIdSchema.safeParse(value).success) throw claimsInvalid(`"tenant_id" claim must be ${TENANT_ID_RULE}`);
  return value;
}

function readPermissions(payload: JWTPayload): string[] {
  const found: string[] = [];
  const permissions = payload['permissions'];
  if (permissions !== undefined) {
    if (!Array.isArray(permissions) || !permissions.every((entry): entry is string => typeof entry === 'string')) {
      throw claimsInvalid('"permissions" claim must be an array of strings');
    }
    found.push(...permissions.filter((entry) => entry.length > 0));
  }
  const scope = payload['scope'];
  if (scope !== undefined) {
    if (typeof scope !== 'string') throw claimsInvalid('"scope" claim must be a space-separated string');
    found.push(...scope.split(' ').filter((entry) => entry.length > 0));
  }
  return [...new Set(found)];
}

/**
 * Builds the request's identity. Only the verified payload is consulted: nothing the client sends
 * beside the token (headers, query, body, path) can name the tenant.
 */
export function toAuthContext(payload: JWTPayload): AuthContext {
  return Object.freeze({
    subject: requireNonEmptyString(payload, 'sub'),
    tenantId: requireTenantId(payload),
    permissions: Object.freeze(readPermissions(payload)),
  });
}
