import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpClient } from './index.js';
import type { HttpClient, HttpClientOptions } from './index.js';
import { httpErrorOf, recordingLogger } from './_testing.js';

/**
 * The deadline and the caller's signal bound the call in every phase, connection set-up
 * included. Behavioural bounds, generous on purpose: a call must end near its deadline, not
 * when a much longer connect timeout fires.
 */

const order = z.object({ id: z.string() });
const SLACK_MS = 1_000;
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  const pending = cleanups;
  cleanups = [];
  for (const cleanup of pending) await cleanup();
});

/** A resolver that never answers while the test runs; released (failing) afterwards. */
function stalledResolver() {
  const waiting: ((err: Error) => void)[] = [];
  const asked: string[] = [];
  cleanups.push(() => {
    for (const fail of waiting.splice(0)) fail(Object.assign(new Error('released'), { code: 'ENOTFOUND' }));
  });
  return {
    asked,
    lookup(hostname: string): Promise<readonly LookupAddress[]> {
      asked.push(hostname);
      return new Promise((_resolve, reject) => waiting.push(reject));
    },
  };
}

/** A TCP server on loopback that accepts and never speaks: a TLS handshake to it hangs. */
async function silentTcpServer(): Promise<{ readonly port: number; readonly accepted: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer(function hold(socket) {
    accepted += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

function client(options: Omit<HttpClientOptions, 'logger'>): HttpClient {
  const made = createHttpClient({ logger: recordingLogger(), ...options });
  // Made after its resolver or server, so closed after they are released: close() waits for them.
  cleanups.push(() => made.close());
  return made;
}

async function timed<T>(work: Promise<T>): Promise<{ readonly result: T; readonly elapsedMs: number }> {
  const started = performance.now();
  const result = await work;
  return { result, elapsedMs: performance.now() - started };
}

describe('deadline during connection set-up', () => {
  const timeouts = { deadlineMs: 1_500, connectTimeoutMs: 5_000 } as const;

  it('ends at the deadline when the host name never resolves', async () => {
    const resolver = stalledResolver();
    const orders = client({ baseUrl: 'https://orders.example.test', lookup: resolver.lookup, ...timeouts });
    const { result: err, elapsedMs } = await timed(httpErrorOf(orders.get('/orders', { schema: order })));
    expect(elapsedMs).toBeLessThan(timeouts.deadlineMs + SLACK_MS);
    expect(err.code).toBe('ERR_HTTP_TIMEOUT');
    expect(err.status).toBe(504);
    expect(err.message).toBe('Request timed out after 1500 ms: GET https://orders.example.test/orders');
    expect(resolver.asked).toContain('orders.example.test');
  });

  it('honours the caller\'s abort while the host name is resolving', async () => {
    const resolver = stalledResolver();
    const orders = client({ baseUrl: 'https://orders.example.test', lookup: resolver.lookup, ...timeouts });
    const call = orders.get('/orders', { schema: order, signal: AbortSignal.timeout(300) });
    const { result: err, elapsedMs } = await timed(httpErrorOf(call));
    expect(elapsedMs).toBeLessThan(300 + SLACK_MS);
    expect(err.code).toBe('ERR_HTTP_ABORTED');
    expect(err.message).toBe('Request aborted by the caller: GET https://orders.example.test/orders');
  });

  it('ends at the deadline when the TLS handshake hangs', async () => {
    const server = await silentTcpServer();
    const orders = client({ baseUrl: `https://127.0.0.1:${server.port}`, allowPrivateHosts: ['127.0.0.1'], ...timeouts });
    const { result: err, elapsedMs } = await timed(httpErrorOf(orders.get('/orders', { schema: order })));
    expect(elapsedMs).toBeLessThan(timeouts.deadlineMs + SLACK_MS);
    expect(err.code).toBe('ERR_HTTP_TIMEOUT');
    expect(err.status).toBe(504);
    expect(server.accepted()).toBeGreaterThan(0);
  });

  it('honours the caller\'s abort while the TLS handshake hangs', async () => {
    const server = await silentTcpServer();
    const orders = client({ baseUrl: `https://127.0.0.1:${server.port}`, allowPrivateHosts: ['127.0.0.1'], ...timeouts });
    const call = orders.get('/orders', { schema: order, signal: AbortSignal.timeout(300) });
    const { result: err, elapsedMs } = await timed(httpErrorOf(call));
    expect(elapsedMs).toBeLessThan(300 + SLACK_MS);
    expect(err.code).toBe('ERR_HTTP_ABORTED');
  });
});
