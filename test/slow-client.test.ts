import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../blessed/logger/index.js';
import { createLogCapture } from '../blessed/testing/index.js';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

const HEADERS_TIMEOUT_MS = 500;
let running: RunningServer;

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: 'slow-client-test-secret-'.padEnd(48, 'x'),
    DATA_DIR: 'memory',
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: '1000',
  });
  running = await startServer(config, { logger: createLogger({ level: 'silent', destination: createLogCapture().stream }) });
});
afterAll(() => running.close());

/** Sends a request line and headers one byte at a time and reports when the server hangs up. */
function dripHeaders(port: number, everyMs: number): Promise<{ elapsedMs: number; response: string; sentBytes: number }> {
  const text = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n' + 'X-Slow: '.padEnd(4000, 'a');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port });
    let response = '';
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < text.length && socket.writable) socket.write(text[sent++] ?? '');
    }, everyMs);
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ elapsedMs: performance.now() - started, response, sentBytes: sent });
    });
    setTimeout(() => {
      clearInterval(drip);
      socket.destroy();
      reject(new Error('the slow client was still connected after 15 s'));
    }, 15_000).unref();
  });
}

describe('slow clients', () => {
  it('are cut near the configured header timeout, not at the next 30 s check', async () => {
    const { elapsedMs, response, sentBytes } = await dripHeaders(running.port, 50);
    // Cut after the timeout, while the headers were still arriving …
    expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(sentBytes).toBeLessThan(4000);
    // … and well before Node's default 30 s checking interval could have noticed.
    expect(elapsedMs).toBeLessThan(5_000);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });
});
