import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError, createHttpClient } from './index.js';
import type { HttpClient, HttpClientOptions } from './index.js';
import { recordingLogger, rejectionOf, sendJson, startServer } from './_testing.js';
import type { TestServer, TlsMaterial } from './_testing.js';

const schema = z.object({ ok: z.boolean() });
let tls: TlsMaterial;
let secure: TestServer;
let plain: TestServer;
const clients: HttpClient[] = [];

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'golden-path-test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  tls = { key: pems.private, cert: pems.cert };
  plain = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
  secure = await startServer((req, res) => {
    if (req.url === '/downgrade') {
      res.writeHead(302, { location: `${plain.url}/landing` });
      res.end();
    } else {
      sendJson(res, 200, { ok: true });
    }
  }, tls);
});

afterAll(async () => {
  await Promise.all([...clients.map((c) => c.close()), secure.close(), plain.close()]);
});

function clientFor(extra: Partial<HttpClientOptions> = {}): HttpClient {
  const client = createHttpClient({
    baseUrl: secure.url,
    logger: recordingLogger(),
    allowPrivateHosts: ['127.0.0.1'],
    ...extra,
  });
  clients.push(client);
  return client;
}

describe('TLS', () => {
  it('refuses a self-signed certificate unless its CA is supplied', async () => {
    const err = await rejectionOf(clientFor().get('/x', { schema }));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).code).toBe('ERR_HTTP_TLS');
    expect((err as HttpError).attempts).toBe(1);
    expect(secure.requests).toHaveLength(0);
  });

  it('accepts the server when the private CA is given', async () => {
    expect((await clientFor({ ca: tls.cert }).get('/x', { schema })).data).toEqual({ ok: true });
  });

  it('refuses a redirect from https to http, even to a host allowed plain http', async () => {
    const client = clientFor({
      ca: tls.cert,
      maxRedirects: 3,
      allowedHosts: [`127.0.0.1:${plain.port}`],
      allowHttpHosts: ['127.0.0.1'],
    });
    const err = await rejectionOf(client.get('/downgrade', { schema }));
    expect((err as HttpError).code).toBe('ERR_HTTP_INSECURE_PROTOCOL');
    expect(plain.requests).toHaveLength(0);
  });

  it('offers no way to turn certificate verification off', () => {
    const attempt = { baseUrl: secure.url, logger: recordingLogger(), rejectUnauthorized: false };
    expect(() => createHttpClient(attempt as unknown as HttpClientOptions)).toThrow('"rejectUnauthorized" is not a known option');
  });
});
