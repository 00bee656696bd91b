import { errors, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { AuthContext } from './_claims.js';

/**
 * A verified key from a JWKS stays honoured this long from the cache, at most (jose's own
 * cooldown between two fetches of the key set): a key removed from the set is refused at most
 * this much later than without the cache.
 */
export const JWKS_ENTRY_LIFETIME_MS = 30_000;

export interface TokenCacheSettings {
  /** Entries kept at most; the least recently used one goes first. */
  readonly max: number;
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
  /** An upper bound on any entry's lifetime, whatever the token says (JWKS keys can be withdrawn). */
  readonly lifetimeMs: number | undefined;
  /** Epoch milliseconds; the same clock the verification uses. */
  readonly clock: () => number;
}

interface Entry {
  readonly context: AuthContext;
  readonly payload: JWTPayload;
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number | undefined;
}

export interface TokenCache {
  /**
   * The identity of a token verified before, after the time-based checks ran again against the
   * clock; `undefined` when the token is not cached. Throws jose's own error for a token whose
   * time has passed (or not come), exactly as a full verification would at this instant.
   */
  lookup(token: string): AuthContext | undefined;
  /** Records a successful verification; a failure must never reach here. */
  remember(token: string, payload: JWTPayload, context: AuthContext): void;
  readonly size: number;
}

/**
 * Verified tokens, keyed by the whole compact token (signature included), so a token differing
 * in any byte is a miss and is verified in full.
 */
export function createTokenCache(settings: TokenCacheSettings): TokenCache {
  const { clockToleranceSeconds: tolerance, maxTokenAgeSeconds: maxAge, clock } = settings;
  const entries = new LRUCache<string, Entry>({
    max: settings.max,
    // Read from the same clock as the checks; 0 means no debounced reading kept on a timer.
    perf: { now: clock },
    ttlResolution: 0,
  });

  // The time-based half of jose's validateClaimsSet, same order, same errors, same rounding:
  // everything else a verification checks depends only on the token bytes and the key.
  function checkTimes(entry: Entry): void {
    const now = Math.floor(clock() / 1000);
    if (entry.nbf !== undefined && entry.nbf > now + tolerance) {
      throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', entry.payload, 'nbf', 'check_failed');
    }
    if (entry.exp <= now - tolerance) {
      throw new errors.JWTExpired('"exp" claim timestamp check failed', entry.payload, 'exp', 'check_failed');
    }
    const age = now - entry.iat;
    if (age - tolerance > maxAge) {
      throw new errors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', entry.payload, 'iat', 'check_failed');
    }
    if (age < -tolerance) {
      throw new errors.JWTClaimValidationFailed('"iat" claim timestamp check failed (it should be in the past)', entry.payload, 'iat', 'check_failed');
    }
  }

  return {
    lookup(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      try {
        checkTimes(entry);
      } catch (err) {
        entries.delete(token);
        throw err;
      }
      return entry.context;
    },
    remember(token, payload, context) {
      const { exp, iat, nbf } = payload;
      // Verification made exp and iat required numbers; anything else is not worth caching.
      if (typeof exp !== 'number' || typeof iat !== 'number' || (nbf !== undefined && typeof nbf !== 'number')) return;
      // Gone when the token would be refused anyway (exp, or iat plus the maximum age, each with
      // the tolerance), or sooner where the key source bounds it.
      const untilMs = Math.min(exp + tolerance, iat + maxAge + tolerance + 1) * 1000;
      const ttl = Math.min(Math.floor(untilMs - clock()), settings.lifetimeMs ?? Number.POSITIVE_INFINITY);
      if (!(ttl >= 1)) return;
      entries.set(token, { context, payload, exp, iat, nbf }, { ttl });
    },
    get size() {
      return entries.size;
    },
  };
}
