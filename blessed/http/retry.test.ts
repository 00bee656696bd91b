import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from './_retry.js';

const settings = { retryBaseDelayMs: 200, maxRetryDelayMs: 5_000 };

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    for (const junk of [undefined, '', '-5', '1.5', 'soon']) expect(parseRetryAfter(junk, now)).toBeUndefined();
  });

  it('is honoured but capped', () => {
    expect(retryDelayMs(0, 1_000, settings)).toBe(1_000);
    expect(retryDelayMs(0, 3_600_000, settings)).toBe(5_000);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter inside [window/2, window], never above the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const window = Math.min(settings.maxRetryDelayMs, settings.retryBaseDelayMs * 2 ** retry);
        const wait = retryDelayMs(retry, undefined, settings, () => r);
        expect(wait).toBeGreaterThanOrEqual(Math.floor(window / 2));
        expect(wait).toBeLessThanOrEqual(window);
      }),
      { numRuns: 300 },
    );
    expect(retryDelayMs(0, undefined, settings, () => 0)).toBe(100);
    expect(retryDelayMs(1, undefined, settings, () => 0.999)).toBe(400);
  });
});
