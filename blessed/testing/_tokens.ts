import { randomBytes } from 'node:crypto';
import { CompactSign, SignJWT, base64url } from 'jose';
import { signToken } from '../auth/index.js';

/** Claims a test may set; anything left out gets the kit's defaults. */
export interface TokenClaims {
  /** Default `test-user`. */
  readonly subject?: string;
  /** Default: the kit's primary tenant (the other tenant for `otherTenant`). */
  readonly tenantId?: string;
  /** Default: none. */
  readonly permissions?: readonly string[];
}

export interface TokenMinter {
  /** Valid for the primary tenant. */
  valid(claims?: TokenClaims): Promise<string>;
  /** Valid, for the other tenant. */
  otherTenant(claims?: TokenClaims): Promise<string>;
  /** Valid, without `permission` but with near misses of it (`*`, `orders:*`, `ORDERS:WRITE`). */
  withoutPermission(permission: string, claims?: TokenClaims): Promise<string>;
  /** Expired ten minutes ago, well beyond any allowed clock tolerance. */
  expired(claims?: TokenClaims): Promise<string>;
  wrongIssuer(claims?: TokenClaims): Promise<string>;
  wrongAudience(claims?: TokenClaims): Promise<string>;
  /** Unsigned (`alg: none`) with otherwise valid claims. */
  algNone(claims?: TokenClaims): Promise<string>;
  /** A valid token whose payload was moved to another tenant after signing. */
  tampered(claims?: TokenClaims): Promise<string>;
  /** Valid claims signed with a key the app does not know. */
  wrongKey(claims?: TokenClaims): Promise<string>;
  /**
   * Signed with the app's key, with any claim and header values: the defaults of a valid token
   * (`iss`, `aud`, `sub`, `tenant_id`, `iat`, `exp`, `typ: JWT`) overridden by `claims` and
   * `header`; a value of `undefined` removes that claim or header. For odd values a real issuer
   * could still sign: a blank tenant, a numeric subject, a `typ` of `logout+jwt`.
   */
  crafted(claims?: Readonly<Record<string, unknown>>, header?: Readonly<Record<string, unknown>>): Promise<string>;
}

export interface MinterSettings {
  readonly secret: Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  readonly tenants: { readonly primary: string; readonly other: string };
  /** Called with every token minted, so the kit can look for it in the logs. */
  readonly remember: (token: string, kind: string) => void;
}

export const DEFAULT_SUBJECT = 'test-user';
const WRONG_ISSUER = 'https://untrusted-issuer.invalid';
const WRONG_AUDIENCE = 'some-other-service';

function nearMisses(permission: string): string[] {
  const misses = ['*', `${permission}*`, `${permission.split(':')[0] ?? permission}:*`, permission.toUpperCase(), ` ${permission}`];
  return [...new Set(misses)].filter((miss) => miss !== permission);
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

function definedOnly(entries: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

export function createTokenMinter(settings: MinterSettings): TokenMinter {
  const { secret, issuer, audience, tenants, remember } = settings;

  function claimsFor(claims: TokenClaims | undefined, tenantId: string) {
    return {
      subject: claims?.subject ?? DEFAULT_SUBJECT,
      tenantId: claims?.tenantId ?? tenantId,
      permissions: [...(claims?.permissions ?? [])],
    };
  }

  async function signed(kind: string, claims: TokenClaims | undefined, overrides: { issuer?: string; audience?: string; secret?: Uint8Array } = {}) {
    const token = await signToken({
      ...claimsFor(claims, tenants.primary),
      secret: overrides.secret ?? secret,
      issuer: overrides.issuer ?? issuer,
      audience: overrides.audience ?? audience,
    });
    remember(token, kind);
    return token;
  }

  return {
    valid: (claims) => signed('valid', claims),
    otherTenant: (claims) => signed('otherTenant', { ...claims, tenantId: claims?.tenantId ?? tenants.other }),
    withoutPermission(permission, claims) {
      const kept = (claims?.permissions ?? []).filter((held) => held !== permission);
      return signed('withoutPermission', { ...claims, permissions: [...kept, ...nearMisses(permission)] });
    },
    async expired(claims) {
      const { subject, tenantId, permissions } = claimsFor(claims, tenants.primary);
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ tenant_id: tenantId, permissions })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt(now - 20 * 60)
        .setExpirationTime(now - 10 * 60)
        .sign(secret);
      remember(token, 'expired');
      return token;
    },
    wrongIssuer: (claims) => signed('wrongIssuer', claims, { issuer: WRONG_ISSUER }),
    wrongAudience: (claims) => signed('wrongAudience', claims, { audience: WRONG_AUDIENCE }),
    async algNone(claims) {
      const { subject, tenantId, permissions } = claimsFor(claims, tenants.primary);
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: issuer, aud: audience, sub: subject, tenant_id: tenantId, permissions, iat: now, exp: now + 900 };
      const token = `${encodeJson({ alg: 'none', typ: 'JWT' })}.${encodeJson(payload)}.`;
      remember(token, 'algNone');
      return token;
    },
    async tampered(claims) {
      const original = await signed('tampered (as signed)', claims);
      const [header = '', body = '', signature = ''] = original.split('.');
      const payload = JSON.parse(new TextDecoder().decode(base64url.decode(body))) as Record<string, unknown>;
      payload['tenant_id'] = payload['tenant_id'] === tenants.other ? tenants.primary : tenants.other;
      const token = `${header}.${encodeJson(payload)}.${signature}`;
      remember(token, 'tampered');
      return token;
    },
    wrongKey: (claims) => signed('wrongKey', claims, { secret: new Uint8Array(randomBytes(32)) }),
    async crafted(claims = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      const defaults = { iss: issuer, aud: audience, sub: DEFAULT_SUBJECT, tenant_id: tenants.primary, permissions: [], iat: now, exp: now + 900 };
      const payload = definedOnly({ ...defaults, ...claims });
      // `alg` is not overridable: a token the app cannot verify is what `wrongKey` and `algNone` are for.
      const protectedHeader = { ...definedOnly({ typ: 'JWT', ...header }), alg: 'HS256' };
      const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(protectedHeader).sign(secret);
      remember(token, 'crafted');
      return token;
    },
  };
}
