import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../blessed/logger/index.js';
import { createLogCapture } from '../blessed/testing/index.js';
import { createApp, HELMET_OPTIONS } from '../src/app.js';

const auth = { secret: randomBytes(32), issuer: 'app-test', audience: 'app-test' };

/** Only the headers helmet owns: the ones its own middleware sets on an otherwise empty response. */
async function helmetsOwn(): Promise<Record<string, string>> {
  const reference = express();
  reference.disable('x-powered-by');
  reference.use(helmet({ ...HELMET_OPTIONS }));
  reference.get('/', (_req, res) => void res.end());
  const res = await request(reference).get('/');
  const { date: _date, connection: _connection, 'content-length': _length, 'keep-alive': _keepAlive, ...rest } = res.headers as Record<string, string>;
  return rest;
}

describe('the security headers', () => {
  it('are exactly the headers helmet itself sends for the configured options, in its order', async () => {
    const expected = await helmetsOwn();
    // Sanity: the reference is helmet's full set, not an empty answer.
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(10);
    const app = createApp({ auth }, { logger: createLogger({ level: 'silent', destination: createLogCapture().stream }), endpoints: [] });
    for (const path of ['/health', '/no/such/route']) {
      const res = await request(app).get(path);
      const sent = res.headers as Record<string, string>;
      const ours = Object.fromEntries(Object.keys(expected).map((name) => [name, sent[name]]));
      expect({ path, headers: ours }).toEqual({ path, headers: expected });
      // Same order as helmet's own answer: the raw header list, names only, restricted to helmet's.
      const { rawHeaders } = (res as unknown as { res: IncomingMessage }).res;
      const names = rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
      expect(names.filter((name) => name in expected)).toEqual(Object.keys(expected));
      expect(sent['x-powered-by']).toBeUndefined();
    }
  });
});
