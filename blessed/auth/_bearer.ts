import { decodeProtectedHeader } from 'jose';
import { AuthenticationError } from '../errors/index.js';

// Three base64url parts; the signature may be empty only so that `alg: none` reaches the
// algorithm check and is refused there with a precise reason.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const SCHEME_SEPARATOR = /[ \t]+/;

// Header parameters that carry or point at key material. jose never uses them when it is given
// a key, but a token that ships its own key is an attack or a misconfigured issuer: refuse it.
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
// Access tokens only: a security event, logout or ID token signed by the same issuer must not
// pass as one (RFC 8725 3.11). Media types compare case-insensitively, `application/` optional.
const ACCEPTED_TYPES: ReadonlySet<string> = new Set(['application/jwt', 'application/at+jwt']);

function isAcceptedType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  return ACCEPTED_TYPES.has(lower.includes('/') ? lower : `application/${lower}`);
}

/**
 * Extracts the compact JWT from `Authorization: Bearer <token>`. The length is checked before
 * anything else reads the value, so a huge header costs no parsing and no crypto.
 */
export function extractBearerToken(header: string | string[] | undefined, maxTokenBytes: number): string {
  if (header === undefined || (typeof header === 'string' && header.trim() === '')) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_MISSING', { reason: 'no Authorization header' });
  }
  if (typeof header !== 'string') {
    throw new AuthenticationError('ERR_AUTH_TOKEN_MALFORMED', { reason: 'more than one Authorization header' });
  }
  // "Bearer " plus the token plus a little whitespace; anything longer cannot hold an allowed token.
  if (Buffer.byteLength(header, 'utf8') > maxTokenBytes + 16) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_TOO_LARGE', {
      reason: `Authorization header is larger than ${maxTokenBytes} bytes`,
    });
  }
  const parts = header.trim().split(SCHEME_SEPARATOR);
  const scheme = parts[0] ?? '';
  if (scheme.toLowerCase() !== 'bearer') {
    throw new AuthenticationError('ERR_AUTH_TOKEN_MISSING', { reason: 'Authorization scheme is not Bearer' });
  }
  if (parts.length !== 2) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_MALFORMED', {
      // Worded so that log scrubbing (which hides whatever follows the word Bearer) keeps it readable.
      reason: parts.length < 2 ? 'no token in the Authorization header' : 'more than one token in the Authorization header',
    });
  }
  const token = parts[1] ?? '';
  if (token.length > maxTokenBytes) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_TOO_LARGE', { reason: `token is larger than ${maxTokenBytes} bytes` });
  }
  if (!COMPACT_JWS.test(token)) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_MALFORMED', { reason: 'token is not a compact JWS' });
  }
  return token;
}

/**
 * Refuses tokens whose protected header names key material or a type other than an access
 * token (jose's `typ` option checks exactly one value), before any key is looked up.
 */
export function checkProtectedHeader(token: string): void {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch (err) {
    const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'decode failed';
    throw new AuthenticationError('ERR_AUTH_TOKEN_MALFORMED', { reason: `protected header unreadable (${code})` });
  }
  const named = KEY_BEARING_HEADERS.filter((name) => Object.hasOwn(header, name));
  if (named.length > 0) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_INVALID', {
      reason: `token header carries key material (${named.join(', ')}); keys come only from configuration`,
    });
  }
  if (Object.hasOwn(header, 'typ') && !isAcceptedType(header['typ'])) {
    throw new AuthenticationError('ERR_AUTH_TOKEN_INVALID', { reason: '"typ" header is not JWT or at+jwt' });
  }
}
