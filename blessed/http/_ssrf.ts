import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupAllOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';

/**
 * Address classification for SSRF defence. Only addresses on the public internet are reachable;
 * everything a service could reach "from the inside" (loopback, private ranges, link-local cloud
 * metadata, carrier-grade NAT, multicast, reserved) is refused, including when an IPv6 address
 * merely wraps one of those IPv4 addresses.
 */

const BLOCKED_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: cloud metadata lives here
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes 255.255.255.255
];

const BLOCKED_V6: readonly (readonly [string, number])[] = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: the wrapped IPv4 address is obfuscated, so refuse the whole prefix
  ['2001:db8::', 32], // documentation
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

function buildBlockList(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of BLOCKED_V4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of BLOCKED_V6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

const blockList = buildBlockList();

/** Eight 16-bit groups of a valid IPv6 address (zone id dropped), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIP(s) !== 6) return undefined;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = tail.split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = s.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...restGroups].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function v4FromGroups(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The IPv4 address an IPv6 address carries (mapped, translated, compatible, NAT64, 6to4). */
function embeddedV4(g: readonly number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  if (zeroPrefix && g4 === 0 && g5 === 0xffff) return v4FromGroups(g6, g7); // ::ffff:a.b.c.d mapped
  if (zeroPrefix && g4 === 0xffff && g5 === 0) return v4FromGroups(g6, g7); // ::ffff:0:a.b.c.d translated
  if (zeroPrefix && g4 === 0 && g5 === 0) return v4FromGroups(g6, g7); // ::a.b.c.d compatible, also :: and ::1
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4FromGroups(g6, g7);
  if (g0 === 0x2002) return v4FromGroups(g1, g2); // 6to4
  return undefined;
}

/** True when an IP address (v4 or v6, no brackets) must never be connected to. Non-IPs fail closed. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockList.check(address, 'ipv4');
  const groups = parseIPv6(address);
  if (groups === undefined) return true;
  const v4 = embeddedV4(groups);
  if (v4 !== undefined) return blockList.check(v4, 'ipv4');
  return blockList.check(groups.map((g) => g.toString(16)).join(':'), 'ipv6');
}

/** The IP address a URL hostname spells, if it is a literal (`[::1]` loses its brackets). */
export function literalAddressOf(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? undefined : bare;
}

/**
 * Checks a URL's hostname as the WHATWG parser normalised it (`0x7f.1` and `2130706433` are
 * already `127.0.0.1` by then). Hostnames that are names are checked when they resolve.
 */
export function isBlockedLiteralHost(hostname: string, allowPrivate: ReadonlySet<string>): boolean {
  const address = literalAddressOf(hostname);
  if (address === undefined || allowPrivate.has(hostname.toLowerCase())) return false;
  return isBlockedAddress(address);
}

/** Raised from the connect-time lookup; mapped to ERR_HTTP_SSRF_BLOCKED by the client. */
export class SsrfBlockedError extends Error {
  readonly code = 'ERR_HTTP_SSRF_BLOCKED';
  constructor(hostname: string) {
    super(`${hostname} resolves to a private or reserved address`);
    this.name = 'SsrfBlockedError';
  }
}

/**
 * Resolves a host name to every address it has; the default is the system resolver
 * (`dns.promises.lookup` with `all: true`). The options are what the socket asked for.
 */
export type HostResolver = (hostname: string, options: LookupAllOptions) => Promise<readonly LookupAddress[]>;

export const systemResolver: HostResolver = function systemResolver(hostname, options) {
  return dnsLookup(hostname, options);
};

function isAddressList(value: unknown): value is readonly LookupAddress[] {
  return Array.isArray(value) && value.every((a: unknown) => typeof (a as { address?: unknown } | null)?.address === 'string');
}

/**
 * A `lookup` for the socket: resolves every address and refuses the connection if any is
 * blocked. It runs for each new connection, after DNS, so a record that flips to a private
 * address between a check and the connect (DNS rebinding) is still caught. Sockets never call
 * it for IP literals; those are checked separately with `isBlockedLiteralHost`. Whatever the
 * resolver answers passes the same check, so an injected resolver cannot open private ranges.
 */
export function createGuardedLookup(allowPrivate: ReadonlySet<string>, resolve: HostResolver = systemResolver): LookupFunction {
  return function guardedLookup(hostname, options, callback) {
    function onResolved(addresses: unknown): void {
      if (!isAddressList(addresses)) {
        callback(Object.assign(new Error(`the resolver gave no address list for ${hostname}`), { code: 'ENOTFOUND' }), []);
        return;
      }
      if (!allowPrivate.has(hostname.toLowerCase()) && addresses.some((a) => isBlockedAddress(a.address))) {
        callback(new SsrfBlockedError(hostname), []);
        return;
      }
      const first = addresses[0];
      if (first === undefined) callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      else if (options.all === true) callback(null, [...addresses]);
      else callback(null, first.address, first.family);
    }
    function onFailed(err: unknown): void {
      callback(err instanceof Error ? err : new Error(`lookup of ${hostname} failed`), []);
    }
    // A resolver that throws synchronously is handled like one that rejects.
    Promise.resolve()
      .then(() => resolve(hostname, { ...options, all: true }))
      .then(onResolved, onFailed);
  };
}
