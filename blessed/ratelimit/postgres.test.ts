import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/app.js';
import { defineEndpoint } from '../endpoint/index.js';
import { createLogger } from '../logger/index.js';
import { createLogCapture } from '../testing/index.js';
import { postgresRateLimitStore, postgresRateLimitStores, type SqlClient } from './index.js';

const MIGRATION = readFileSync(new URL('../../src/migrations/0002_rate_limits.sql', import.meta.url), 'utf8');
const url = process.env['DATABASE_URL'];
const schema = `gp_rl_${randomBytes(6).toString('hex')}`;

/** PGlite, or with DATABASE_URL (CI's second pass) the real server, in a schema of its own. */
let client: SqlClient & { close(): Promise<void> };

beforeAll(async () => {
  if (url === undefined) {
    const lite = await PGlite.create();
    await lite.exec(MIGRATION);
    client = { query: (text, params) => lite.query(text, params), close: () => lite.close() };
  } else {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: url, max: 8, options: `-c search_path=${schema}` });
    await pool.query(MIGRATION);
    client = {
      query: (text, params) => pool.query(text, params),
      async close() {
        await pool.query(`drop schema ${schema} cascade`);
        await pool.end();
      },
    };
  }
});
afterAll(() => client.close());

const ping = defineEndpoint({
  method: 'GET',
  path: '/ping',
  public: 'liveness probe for the rate-limit store tests',
  response: z.strictObject({ ok: z.boolean() }),
  handler: () => ({ ok: true }),
});

function instance(name: string, anonymous: number) {
  const logs = createLogCapture();
  const app = createApp(
    { auth: { secret: randomBytes(32), issuer: 'rl', audience: 'rl' }, rateLimits: { windowMs: 60_000, anonymous, authenticated: 100 } },
    {
      logger: createLogger({ level: 'info', destination: logs.stream }),
      endpoints: [ping],
      rateLimitStore: (limiter) => postgresRateLimitStore({ client, name: `${name}-${limiter}` }),
    },
  );
  return { app, logs };
}

describe(`the PostgreSQL rate-limit store (${url === undefined ? 'PGlite' : 'PostgreSQL server'})`, () => {
  it('counts every concurrent hit exactly once', async () => {
    const store = postgresRateLimitStore({ client, name: `concurrent-${randomBytes(4).toString('hex')}` });
    const results = await Promise.all(Array.from({ length: 100 }, () => store.increment('198.51.100.7')));
    expect(results.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.resetTime?.getTime())).size).toBe(1);
    expect((await store.get?.('198.51.100.7'))?.totalHits).toBe(100);
  });

  it('decrements, resets a key, and starts a new window once the old one is over', async () => {
    const store = postgresRateLimitStore({ client, name: `window-${randomBytes(4).toString('hex')}` });
    store.init?.({ windowMs: 1_000 } as Parameters<NonNullable<typeof store.init>>[0]);
    await store.increment('k');
    await store.increment('k');
    await store.decrement('k');
    expect((await store.get?.('k'))?.totalHits).toBe(1);
    await store.resetKey('k');
    expect(await store.get?.('k')).toBeUndefined();
    const first = await store.increment('k');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const next = await store.increment('k');
    expect(next.totalHits).toBe(1);
    expect(next.resetTime?.getTime()).toBeGreaterThan(first.resetTime?.getTime() ?? Infinity);
  });

  it('keeps limiters apart and stores no address in clear', async () => {
    const a = postgresRateLimitStore({ client, name: 'apart-a' });
    const b = postgresRateLimitStore({ client, name: 'apart-b' });
    await a.increment('203.0.113.200');
    expect((await b.increment('203.0.113.200')).totalHits).toBe(1);
    const { rows } = await client.query(`select key from golden_path_rate_limits where key like 'apart-%'`, []);
    expect(rows.length).toBe(2);
    expect(JSON.stringify(rows)).not.toContain('203.0.113.200');
  });

  it('shares one limit between two app instances', async () => {
    const name = `shared-${randomBytes(4).toString('hex')}`;
    const first = instance(name, 3);
    const second = instance(name, 3);
    const seen = [
      (await request(first.app).get('/ping')).status,
      (await request(second.app).get('/ping')).status,
      (await request(first.app).get('/ping')).status,
      (await request(second.app).get('/ping')).status,
      (await request(first.app).get('/ping')).status,
    ];
    expect(seen).toEqual([200, 200, 200, 429, 429]);
  });

  it('answers 503, not 500, when the store cannot be reached', async () => {
    const logger = createLogger({ level: 'silent', destination: createLogCapture().stream });
    const unreachable = postgresRateLimitStores({ url: 'postgres://nobody:secret@127.0.0.1:1/none', logger });
    try {
      const app = createApp(
        { auth: { secret: randomBytes(32), issuer: 'rl', audience: 'rl' } },
        { logger, endpoints: [ping], rateLimitStore: unreachable.store },
      );
      const res = await request(app).get('/ping');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('ERR_RATE_LIMIT_UNAVAILABLE');
      expect(res.text).not.toContain('secret');
    } finally {
      await unreachable.close();
    }
  });

  it('refuses a store URL that is not postgres://', () => {
    expect(() => postgresRateLimitStores({ url: 'mysql://x', logger: createLogger({ level: 'silent' }) })).toThrow(
      '"url" must be a postgres:// or postgresql:// URL',
    );
  });
});
