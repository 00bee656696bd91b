import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_DEADLINE_MS, HttpError, createHttpClient } from './index.js';
import type { HttpClient, HttpClientOptions } from './index.js';
import { recordingLogger, rejectionOf, sendJson, startServer } from './_testing.js';
import type { TestServer } from './_testing.js';

const logger = recordingLogger();
const base = { baseUrl: 'https://api.example.test/v1', logger };

describe('factory options', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['non-integer timeout', { connectTimeoutMs: 1.5 }, '"connectTimeoutMs" must be a positive integer (milliseconds)'],
    ['negative deadline', { deadlineMs: -1 }, '"deadlineMs" must be a positive integer (milliseconds)'],
    ['zero discard bound', { discardTimeoutMs: 0 }, '"discardTimeoutMs" must be a positive integer (milliseconds)'],
    ['string timeout', { headersTimeoutMs: '5000' }, '"headersTimeoutMs" must be a positive integer (milliseconds)'],
    ['too many retries', { retries: 11 }, '"retries" must be an integer from 0 to 10'],
    ['too many redirects', { maxRedirects: 4 }, '"maxRedirects" must be an integer from 0 to 3'],
    ['retrying POST', { retryMethods: ['GET', 'POST'] }, '"retryMethods.1" may only list GET, HEAD, OPTIONS, PUT or DELETE'],
    ['unknown option', { followRedirects: true }, '"followRedirects" is not a known option'],
    ['plain http base', { baseUrl: 'http://api.example.test' }, '"baseUrl" must use https unless "allowHttpHosts" lists api.example.test'],
    ['credentials in base', { baseUrl: 'https://u:p@api.example.test' }, '"baseUrl" must not contain credentials'],
    ['query in base', { baseUrl: 'https://api.example.test/?k=SECRET' }, '"baseUrl" must not contain a query string or fragment'],
    ['not a URL', { baseUrl: 'api.example.test' }, '"baseUrl" must be an absolute https URL'],
    ['other scheme', { baseUrl: 'ftp://api.example.test' }, '"baseUrl" must be an absolute https URL'],
    ['header injection', { headers: { 'x-a': 'v\r\nx-b: 1' } }, '"headers" header "x-a" must be a string without line breaks'],
    ['reserved header', { headers: { Host: 'evil.test' } }, '"headers" must not set the "host" header'],
    ['bad host entry', { allowedHosts: ['https://x.test'] }, '"allowedHosts.0" must list host names'],
    ['no logger', { logger: undefined }, '"logger" must be a Logger'],
    ['resolver not a function', { lookup: '8.8.8.8' }, '"lookup" must be a function (hostname, options) => Promise<LookupAddress[]>'],
  ];
  for (const [label, patch, message] of bad) {
    it(`refuses ${label} with a TypeError naming the option`, () => {
      expect(() => createHttpClient({ ...base, ...patch } as HttpClientOptions)).toThrow(TypeError);
      expect(() => createHttpClient({ ...base, ...patch } as HttpClientOptions)).toThrow(message);
    });
  }

  it('does not modify the options it is given', async () => {
    const options = Object.freeze({ ...base, headers: Object.freeze({ Authorization: 'Bearer t' }), allowedHosts: Object.freeze(['b.test']) });
    const client = createHttpClient(options);
    await client.close();
    expect(options.headers).toEqual({ Authorization: 'Bearer t' });
    expect(DEFAULT_DEADLINE_MS).toBe(10_000);
  });
});

describe('paths and parameters', () => {
  let server: TestServer;
  let client: HttpClient;
  const schema = z.object({ path: z.string() });

  beforeAll(async () => {
    server = await startServer((req, res) => sendJson(res, 200, { path: req.url ?? '' }));
    client = createHttpClient({
      baseUrl: `${server.url}/api/`,
      logger,
      allowHttpHosts: ['127.0.0.1'],
      allowPrivateHosts: ['127.0.0.1'],
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('refuses unsafe parameter values before any request is made', async () => {
    const before = server.requests.length;
    for (const value of ['a/b', '..', 'a..b', '%2F', '%2e%2e', 'x%5Cy', 'a\\b', 'line\nbreak', '\u0000', '.', '']) {
      const err = await rejectionOf(client.get('/files/{name}', { params: { name: value }, schema }));
      expect(err, JSON.stringify(value)).toBeInstanceOf(HttpError);
      expect((err as HttpError).code).toBe('ERR_HTTP_INVALID_PARAM');
      expect((err as HttpError).attempts).toBe(0);
      expect((err as HttpError).message).toBe(`Path parameter "name" refused: GET ${server.url}/api/files/{name}`);
    }
    expect(server.requests.length).toBe(before);
  });

  it('refuses templates that are full URLs or malformed, and missing or unknown parameters', async () => {
    const templates = ['https://evil.test/x', '//evil.test/x', 'orders', '/a/../b', '/a?x=1', '/a#f', '/a b', '/a\\b', '/{a}/{a}'];
    for (const template of templates) {
      await expect(client.get(template, { schema }), template).rejects.toThrow(TypeError);
    }
    await expect(client.get('/orders/{id}', { params: {} as { id: string }, schema })).rejects.toThrow('Path parameter "id" is missing');
    await expect(client.get('/orders', { params: { id: 'x' } as never, schema })).rejects.toThrow('"id" is not in the template');
    await expect(client.get('/orders', {} as never)).rejects.toThrow('"schema" is required');
  });

  it('encodes any safe value so the server decodes exactly what was sent', async () => {
    const safe = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((s) => !/[/\\]|\.\.|%|[\u0000-\u001f\u007f]/.test(s) && s !== '.');
    await fc.assert(
      fc.asyncProperty(safe, async (value) => {
        const { data } = await client.get('/items/{id}', { params: { id: value }, schema });
        expect(data.path.startsWith('/api/items/')).toBe(true);
        expect(decodeURIComponent(data.path.slice('/api/items/'.length))).toBe(value);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses any value containing a slash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), async (a, b) => {
        const err = await rejectionOf(client.get('/items/{id}', { params: { id: `${a}/${b}` }, schema }));
        expect((err as HttpError).code).toBe('ERR_HTTP_INVALID_PARAM');
      }),
      { numRuns: 60 },
    );
  });

  it('types the parameters from the template', () => {
    // Compile-time checks: these lines fail `tsc` if the template-derived types regress.
    const typed = (): void => {
      void client.get('/orders/{orderId}/lines/{lineId}', { params: { orderId: 'o', lineId: 2 }, schema });
      // @ts-expect-error lineId is required by the template
      void client.get('/orders/{orderId}/lines/{lineId}', { params: { orderId: 'o' }, schema });
      // @ts-expect-error schema is required
      void client.get('/orders', {});
    };
    expect(typeof typed).toBe('function');
  });
});
