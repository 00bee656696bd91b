import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError, createHttpClient } from './index.js';
import { isBlockedAddress, isBlockedLiteralHost } from './_ssrf.js';
import { recordingLogger, rejectionOf, sendJson, startServer } from './_testing.js';
import type { TestServer } from './_testing.js';

/** An independent oracle: the IPv4 ranges that must be refused, as [first octets, prefix]. */
const PRIVATE_V4: readonly (readonly [number, number, number, number, number])[] = [
  [0, 0, 0, 0, 8],
  [10, 0, 0, 0, 8],
  [100, 64, 0, 0, 10],
  [127, 0, 0, 0, 8],
  [169, 254, 0, 0, 16],
  [172, 16, 0, 0, 12],
  [192, 0, 0, 0, 24],
  [192, 168, 0, 0, 16],
  [198, 18, 0, 0, 15],
  [224, 0, 0, 0, 4],
  [240, 0, 0, 0, 4],
];
/** Reserved for documentation or relays: refused too, but not part of the required set. */
const EXTRA_V4: readonly (readonly [number, number, number, number, number])[] = [
  [192, 0, 2, 0, 24],
  [192, 88, 99, 0, 24],
  [198, 51, 100, 0, 24],
  [203, 0, 113, 0, 24],
];

const toInt = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
function inRanges(n: number, ranges: typeof PRIVATE_V4): boolean {
  return ranges.some(([a, b, c, d, prefix]) => n >>> (32 - prefix) === toInt(a, b, c, d) >>> (32 - prefix));
}
const octets = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const dotted = (n: number): string => octets(n).join('.');
const hex4 = (n: number): string => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

/** Every way a URL parser accepts to write an IPv4 address, plus IPv6 forms that wrap it. */
const NOTATIONS: Record<string, (n: number) => string> = {
  dotted,
  decimal: (n) => String(n),
  hex: (n) => `0x${n.toString(16)}`,
  octalDotted: (n) =>
    octets(n)
      .map((o) => `0${o.toString(8)}`)
      .join('.'),
  hexDotted: (n) =>
    octets(n)
      .map((o) => `0x${o.toString(16)}`)
      .join('.'),
  short3: (n) => `${n >>> 24}.${(n >>> 16) & 0xff}.${n & 0xffff}`,
  short2: (n) => `${n >>> 24}.${n & 0xffffff}`,
  mapped: (n) => `[::ffff:${dotted(n)}]`,
  mappedHex: (n) => `[::ffff:${hex4(n)}]`,
  translated: (n) => `[::ffff:0:${dotted(n)}]`,
  nat64: (n) => `[64:ff9b::${dotted(n)}]`,
  sixToFour: (n) => `[2002:${hex4(n)}::1]`,
};

const privateV4 = fc
  .constantFrom(...PRIVATE_V4)
  .chain(([a, b, c, d, prefix]) => fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((offset) => (toInt(a, b, c, d) + offset) >>> 0));
const publicV4 = fc.integer({ min: 0, max: 0xffffffff }).filter((n) => !inRanges(n, PRIVATE_V4) && !inRanges(n, EXTRA_V4));
const notation = fc.constantFrom(...Object.keys(NOTATIONS));
const noHosts: ReadonlySet<string> = new Set();

function hostnameOf(literal: string): string {
  return new URL(`http://${literal}/`).hostname;
}

describe('address classifier', () => {
  it('refuses private IPv4 addresses in every notation the URL parser accepts', () => {
    fc.assert(
      fc.property(privateV4, notation, (n, form) => {
        const literal = NOTATIONS[form]?.(n) ?? '';
        expect(isBlockedLiteralHost(hostnameOf(literal), noHosts)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('allows public IPv4 addresses in every notation', () => {
    fc.assert(
      fc.property(publicV4, notation, (n, form) => {
        const literal = NOTATIONS[form]?.(n) ?? '';
        expect(isBlockedLiteralHost(hostnameOf(literal), noHosts)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with the oracle on any IPv4 address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(isBlockedAddress(dotted(n))).toBe(inRanges(n, PRIVATE_V4) || inRanges(n, EXTRA_V4));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses the IPv6 special ranges and allows global unicast', () => {
    const blocked = [
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
      '::ffff:0:0',
      '::ffff:7f00:1',
      '::127.0.0.1',
      '64:ff9b::10.1.2.3',
      '2002:c0a8:101::1',
      '2001:db8::1',
      '2001::1',
      'FE80::ABCD',
    ];
    for (const address of blocked) expect(isBlockedAddress(address), address).toBe(true);
    const allowed = ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::1.1.1.1', '2002:808:808::1'];
    for (const address of allowed) expect(isBlockedAddress(address), address).toBe(false);
    expect(isBlockedAddress('not-an-address')).toBe(true);
  });
});

describe('SSRF refusals through the client', () => {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.map((fn) => fn()));
    cleanups = [];
  });

  async function okServer(): Promise<TestServer> {
    const server = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
    cleanups.push(() => server.close());
    return server;
  }
  const schema = z.object({ ok: z.boolean() });

  it('refuses a literal private base URL in any notation when the client is created', () => {
    fc.assert(
      fc.property(privateV4, notation, (n, form) => {
        const literal = NOTATIONS[form]?.(n) ?? '';
        expect(() => createHttpClient({ baseUrl: `https://${literal}/api`, logger: recordingLogger() })).toThrow(
          /"baseUrl" points at a private or reserved address/,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('refuses the loopback test server without the opt-in, and reaches it with it', async () => {
    const server = await okServer();
    const logger = recordingLogger();
    expect(() => createHttpClient({ baseUrl: server.url, logger, allowHttpHosts: ['127.0.0.1'] })).toThrow(TypeError);
    expect(() => createHttpClient({ baseUrl: server.url, logger, allowHttpHosts: ['127.0.0.1'], allowPrivateHosts: ['localhost'] })).toThrow(TypeError);
    const allowed = createHttpClient({ baseUrl: server.url, logger, allowHttpHosts: ['127.0.0.1'], allowPrivateHosts: ['127.0.0.1'] });
    cleanups.push(() => allowed.close());
    expect((await allowed.get('/x', { schema })).data).toEqual({ ok: true });
  });

  it('refuses a hostname that resolves to loopback, at connect time', async () => {
    const server = await okServer();
    const client = createHttpClient({
      baseUrl: `http://localhost:${server.port}`,
      logger: recordingLogger(),
      allowHttpHosts: ['localhost'],
      retries: 2,
    });
    cleanups.push(() => client.close());
    const err = await rejectionOf(client.get('/x', { schema }));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).code).toBe('ERR_HTTP_SSRF_BLOCKED');
    expect((err as HttpError).attempts).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('reaches a named private host when the client allows it', async () => {
    const server = await okServer();
    const client = createHttpClient({
      baseUrl: `http://localhost:${server.port}`,
      logger: recordingLogger(),
      allowHttpHosts: ['localhost'],
      allowPrivateHosts: ['localhost'],
    });
    cleanups.push(() => client.close());
    expect((await client.get('/x', { schema })).data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);
  });

  it('puts an injected resolver behind the same private-address check', async () => {
    const server = await okServer();
    const asked: string[] = [];
    const lookup = async (hostname: string) => {
      asked.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const base = { baseUrl: `http://orders.internal.test:${server.port}`, logger: recordingLogger(), allowHttpHosts: ['orders.internal.test'], lookup };
    const guarded = createHttpClient(base);
    const allowed = createHttpClient({ ...base, allowPrivateHosts: ['orders.internal.test'] });
    cleanups.push(
      () => guarded.close(),
      () => allowed.close(),
    );
    expect(((await rejectionOf(guarded.get('/x', { schema }))) as HttpError).code).toBe('ERR_HTTP_SSRF_BLOCKED');
    expect(server.requests).toHaveLength(0);
    expect((await allowed.get('/x', { schema })).data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);
    expect(asked).toEqual(['orders.internal.test', 'orders.internal.test']);
  });

  it('reports a resolver that fails or answers nonsense as a connection failure', async () => {
    const failing = createHttpClient({
      baseUrl: 'https://orders.example.test',
      logger: recordingLogger(),
      retries: 0,
      lookup: async () => {
        throw Object.assign(new Error('queryA ENOTFOUND orders.example.test'), { code: 'ENOTFOUND' });
      },
    });
    const nonsense = createHttpClient({
      baseUrl: 'https://orders.example.test',
      logger: recordingLogger(),
      retries: 0,
      lookup: async () => 'not a list' as never,
    });
    cleanups.push(
      () => failing.close(),
      () => nonsense.close(),
    );
    expect(((await rejectionOf(failing.get('/x', { schema }))) as HttpError).message).toBe('Connection failed (ENOTFOUND): GET https://orders.example.test/x');
    expect(((await rejectionOf(nonsense.get('/x', { schema }))) as HttpError).code).toBe('ERR_HTTP_CONNECTION');
  });
});
