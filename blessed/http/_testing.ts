import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRecordingLogger } from '../testing/_recording.js';
import { HttpError, createHttpClient } from './index.js';
import type { HttpClient, HttpClientOptions } from './index.js';

/** Test support only (not exported from index.ts): real servers on 127.0.0.1, port 0. */

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` or `https://…`. */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

/** Starts a server that records every request (with its full body) before the handler runs. */
export async function startServer(handler: TestHandler, tls?: TlsMaterial): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', function recorded() {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body, requests.length - 1);
    });
  }
  const server: Server = tls === undefined ? createServer(onRequest) : createTlsServer({ key: tls.key, cert: tls.cert }, onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

export const recordingLogger = createRecordingLogger;

/** Runs a promise expected to reject and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Runs a call expected to fail with an HttpError and returns it. */
export async function httpErrorOf(promise: Promise<unknown>): Promise<HttpError> {
  const err = await rejectionOf(promise);
  if (!(err instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(err)}`);
  return err;
}

export interface Harness {
  serve(handler: TestHandler): Promise<TestServer>;
  /** A client for a loopback test server: plain http and the private address explicitly allowed. */
  clientFor(server: TestServer, extra?: Partial<HttpClientOptions>, basePath?: string): HttpClient;
  /** Closes every server and client made so far; call it from `afterEach`. */
  closeAll(): Promise<void>;
}

export function createHarness(): Harness {
  let cleanups: (() => Promise<void>)[] = [];
  return {
    async serve(handler) {
      const server = await startServer(handler);
      cleanups.push(() => server.close());
      return server;
    },
    clientFor(server, extra = {}, basePath = '') {
      const client = createHttpClient({
        baseUrl: `${server.url}${basePath}`,
        logger: recordingLogger(),
        allowHttpHosts: ['127.0.0.1'],
        allowPrivateHosts: ['127.0.0.1'],
        retryBaseDelayMs: 10,
        ...extra,
      });
      cleanups.push(() => client.close());
      return client;
    },
    async closeAll() {
      const pending = cleanups;
      cleanups = [];
      await Promise.all(pending.map((fn) => fn()));
    },
  };
}
