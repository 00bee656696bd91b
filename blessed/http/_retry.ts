import { setTimeout as delay } from 'node:timers/promises';

/** Statuses that say "try again later" rather than "your request is wrong". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * `Retry-After` as milliseconds from now: either delta-seconds or an HTTP date. Anything else
 * (negative, fractional, garbage) is ignored and the normal backoff applies.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // Date.parse accepts almost anything ("1.5" is a date to it), so insist on an HTTP-date shape.
  if (!/^[A-Za-z]{3,9},? [\w -]+ \d{2}:\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface BackoffSettings {
  readonly retryBaseDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the window is fixed, half random, so retries
 * of many callers spread out but never collapse to zero. A server's Retry-After wins, capped.
 */
export function retryDelayMs(retryIndex: number, retryAfterMs: number | undefined, settings: BackoffSettings, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, settings.maxRetryDelayMs);
  const window = Math.min(settings.maxRetryDelayMs, settings.retryBaseDelayMs * 2 ** retryIndex);
  return Math.round(window / 2 + random() * (window / 2));
}

/** Sleeps, waking early (and rejecting) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}
