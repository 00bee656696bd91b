import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_DISCARD_TIMEOUT_MS, createHttpClient } from './index.js';
import type { HttpClient, HttpClientOptions } from './index.js';
import { createHarness, httpErrorOf, recordingLogger, sendJson } from './_testing.js';
import type { TestServer } from './_testing.js';

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

/** Starts a response and then sends one byte every 100 ms until the client hangs up. */
function drip(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write('{');
  const timer = setInterval(() => res.write(' '), 100);
  res.on('close', () => clearInterval(timer));
}

/** Resolves when the server sees the client hang up on the response it is dripping. */
function hangUp(res: ServerResponse): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => res.on('close', () => resolve(performance.now() - started)));
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
  // The deadline far below the connect timeout: a call ending near it did not wait for that timeout.
  const timeouts = { deadlineMs: 600, connectTimeoutMs: 5_000 } as const;

  it('ends at the deadline when the host name never resolves', async () => {
    const resolver = stalledResolver();
    const orders = client({ baseUrl: 'https://orders.example.test', lookup: resolver.lookup, ...timeouts });
    const { result: err, elapsedMs } = await timed(httpErrorOf(orders.get('/orders', { schema: order })));
    expect(elapsedMs).toBeLessThan(timeouts.deadlineMs + SLACK_MS);
    expect(err.code).toBe('ERR_HTTP_TIMEOUT');
    expect(err.status).toBe(504);
    expect(err.message).toBe('Request timed out after 600 ms: GET https://orders.example.test/orders');
    expect(resolver.asked).toContain('orders.example.test');
  });

  it("honours the caller's abort while the host name is resolving", async () => {
    const resolver = stalledResolver();
    const orders = client({ baseUrl: 'https://orders.example.test', lookup: resolver.lookup, ...timeouts });
    const call = orders.get('/orders', { schema: order, signal: AbortSignal.timeout(200) });
    const { result: err, elapsedMs } = await timed(httpErrorOf(call));
    expect(elapsedMs).toBeLessThan(200 + SLACK_MS);
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

  it("honours the caller's abort while the TLS handshake hangs", async () => {
    const server = await silentTcpServer();
    const orders = client({ baseUrl: `https://127.0.0.1:${server.port}`, allowPrivateHosts: ['127.0.0.1'], ...timeouts });
    const call = orders.get('/orders', { schema: order, signal: AbortSignal.timeout(200) });
    const { result: err, elapsedMs } = await timed(httpErrorOf(call));
    expect(elapsedMs).toBeLessThan(200 + SLACK_MS);
    expect(err.code).toBe('ERR_HTTP_ABORTED');
  });
});

describe('bodies that are discarded', () => {
  const harness = createHarness();
  afterEach(() => harness.closeAll());
  const deadlineMs = 5_000;

  it('does not let a dripping 503 body starve the retry', async () => {
    let firstHungUp: Promise<number> | undefined;
    const server: TestServer = await harness.serve((_req, res, _body, index) => {
      if (index > 0) return sendJson(res, 200, { id: 'o1' });
      firstHungUp = hangUp(res);
      drip(res, 503);
    });
    const orders = harness.clientFor(server, { deadlineMs });
    const { result, elapsedMs } = await timed(orders.get('/orders/o1', { schema: order }));
    expect(result.data).toEqual({ id: 'o1' });
    expect(server.requests).toHaveLength(2);
    expect(elapsedMs).toBeLessThan(deadlineMs);
    // The client destroyed the discarded body at its own bound instead of reading it to the end.
    expect(await firstHungUp).toBeLessThan(DEFAULT_DISCARD_TIMEOUT_MS + SLACK_MS);
  });

  it('returns a schema-null success without waiting for a dripping body', async () => {
    let hungUp: Promise<number> | undefined;
    const server = await harness.serve((_req, res) => {
      hungUp = hangUp(res);
      drip(res, 200);
    });
    const orders = harness.clientFor(server, { deadlineMs });
    const { result, elapsedMs } = await timed(orders.post('/orders', { body: { sku: 'pen' }, schema: null }));
    expect(result.status).toBe(200);
    expect(result.data).toBeUndefined();
    expect(elapsedMs).toBeLessThan(deadlineMs);
    expect(await hungUp).toBeLessThan(DEFAULT_DISCARD_TIMEOUT_MS + SLACK_MS);
  });

  it('uses the configured discard bound', async () => {
    let hungUp: Promise<number> | undefined;
    const server = await harness.serve((_req, res) => {
      hungUp = hangUp(res);
      drip(res, 202);
    });
    const orders = harness.clientFor(server, { deadlineMs, discardTimeoutMs: 1_500 });
    expect((await orders.delete('/orders/o1', { schema: null })).status).toBe(202);
    // Not before the configured 1500 ms: the default (1000 ms) would have hung up earlier.
    expect(await hungUp).toBeGreaterThanOrEqual(1_400);
  });
});
