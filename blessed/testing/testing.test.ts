import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, getAuth, requirePermission } from '../auth/index.js';
import { problemHandler } from '../errors/index.js';
import { requestLogging } from '../logger/index.js';
import { TEST_AUDIENCE, TEST_ISSUER, createLogCapture, createTestKit, expectNoSecrets, expectProblem, type TestAppSettings, type TestKit } from './index.js';

const effects: string[] = [];

/** The smallest app built the blessed way: authenticate -> requirePermission -> handler -> problems. */
function createApp({ auth, logger }: TestAppSettings) {
  const app = express();
  app.use(requestLogging({ logger }));
  app.get('/things', authenticate(auth), requirePermission('things:read'), function listThings(req, res) {
    effects.push('listed');
    res.json({ auth: getAuth(req) });
  });
  app.get('/leaky', function leak(req, res) {
    logger.info({ note: req.headers['x-debug'] }, 'debug');
    res.json({});
  });
  app.use(problemHandler({ logger }));
  return app;
}

let kit: TestKit;
beforeAll(async () => {
  kit = await createTestKit({ createApp });
});
afterAll(() => kit.close());

async function call(token: string) {
  effects.length = 0;
  return kit.request().get('/things').set('Authorization', `Bearer ${token}`);
}

describe('createTestKit tokens against a blessed app', () => {
  it('a valid token for the primary tenant is accepted', async () => {
    const res = await call(await kit.tokens.valid({ permissions: ['things:read'] }));
    expect(res.status).toBe(200);
    expect(res.body.auth).toEqual({ subject: 'test-user', tenantId: kit.tenants.primary, permissions: ['things:read'] });
    expect(effects).toEqual(['listed']);
  });

  it('otherTenant is valid and names the other tenant', async () => {
    const res = await call(await kit.tokens.otherTenant({ permissions: ['things:read'], subject: 'someone' }));
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({ subject: 'someone', tenantId: kit.tenants.other });
    expect(kit.tenants.other).not.toBe(kit.tenants.primary);
  });

  it('withoutPermission is authenticated but forbidden, near misses included', async () => {
    const token = await kit.tokens.withoutPermission('things:read', { permissions: ['things:read', 'things:write'] });
    const res = await call(token);
    expectProblem(res, 403);
    expect(effects).toEqual([]);
  });

  it.each([
    ['expired', 'ERR_AUTH_TOKEN_EXPIRED', '"exp"'],
    ['wrongIssuer', 'ERR_AUTH_CLAIMS_INVALID', '"iss"'],
    ['wrongAudience', 'ERR_AUTH_CLAIMS_INVALID', '"aud"'],
    ['algNone', 'ERR_AUTH_TOKEN_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['tampered', 'ERR_AUTH_TOKEN_INVALID', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['wrongKey', 'ERR_AUTH_TOKEN_INVALID', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
  ] as const)('%s is refused with a 401 problem, for the reason it was minted for', async (kind, code, reason) => {
    const res = await call(await kit.tokens[kind]({ permissions: ['things:read'] }));
    expectProblem(res, 401);
    expect(effects).toEqual([]);
    const rejection = kit.logs.lines().findLast((line) => line['msg'] === 'request rejected');
    expect(rejection?.['code']).toBe(code);
    expect(String(rejection?.['reason'])).toContain(reason);
  });

  it('tampered tokens keep the signature but move the payload to the other tenant', async () => {
    const token = await kit.tokens.tampered();
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(payload['tenant_id']).toBe(kit.tenants.other);
    expect(payload['iss']).toBe(TEST_ISSUER);
    expect(payload['aud']).toBe(TEST_AUDIENCE);
  });

  it('after all of that, the logs hold no token and no secret', () => {
    expect(kit.logs.lines().some((line) => line['msg'] === 'request rejected')).toBe(true);
    kit.expectLogsClean();
  });
});

describe('expectLogsClean can fail', () => {
  it('names a minted token that reached the logs, masked', async () => {
    const token = await kit.tokens.valid();
    kit.logs.stream.write(`${JSON.stringify({ level: 30, msg: 'oops', header: `Bearer ${token}` })}\n`);
    expect(() => kit.expectLogsClean()).toThrow(/valid token #\d+ \[eyJh…\(\d+ chars\)\]/);
    expect(() => kit.expectLogsClean()).not.toThrow(token);
    kit.logs.clear();
    kit.expectLogsClean();
  });

  it('catches a signature on its own and an extra secret logged by the app', async () => {
    const token = await kit.tokens.valid();
    kit.logs.stream.write(`sig=${token.split('.')[2] ?? ''}\n`);
    expect(() => kit.expectLogsClean()).toThrow(/signature of valid token/);
    kit.logs.clear();
    await kit.request().get('/leaky').set('X-Debug', 'plain-extra-secret-value').expect(200);
    expect(() => kit.expectLogsClean(['plain-extra-secret-value'])).toThrow(/extra secret #1/);
    kit.logs.clear();
  });
});

describe('expectNoSecrets', () => {
  it('passes clean text and fails on a secret', () => {
    expectNoSecrets('nothing here', ['hunter2-hunter2']);
    expect(() => expectNoSecrets('pw is hunter2-hunter2', ['other', 'hunter2-hunter2'])).toThrow(/secret #2/);
    expect(() => expectNoSecrets('text', [''])).toThrow(TypeError);
  });
});

describe('expectProblem rejects what is not a problem', () => {
  const problem = { type: 'urn:x', title: 'Unauthorized', status: 401, requestId: 'r-1' };
  const headers = { 'content-type': 'application/problem+json; charset=utf-8', 'www-authenticate': 'Bearer' };

  it('accepts a proper problem', () => {
    expectProblem({ status: 401, headers, body: problem }, 401);
  });

  it.each([
    ['the wrong status', { status: 403, headers, body: problem }],
    ['plain JSON', { status: 401, headers: { ...headers, 'content-type': 'application/json' }, body: problem }],
    ['HTML', { status: 401, headers: { ...headers, 'content-type': 'text/html' }, body: '<h1>401</h1>' }],
    ['no requestId', { status: 401, headers, body: { ...problem, requestId: undefined } }],
    ['a body status that disagrees', { status: 401, headers, body: { ...problem, status: 400 } }],
    ['a 401 without a Bearer challenge', { status: 401, headers: { 'content-type': headers['content-type'] }, body: problem }],
  ])('fails on %s', (_name, res) => {
    expect(() => expectProblem(res, 401)).toThrow(/Expected a problem\+json response/);
  });

  it('fails on a real non-problem response', async () => {
    const kitForPlainApp = await createTestKit({
      createApp: () =>
        function plainApp(_req, res) {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"no"}');
        },
    });
    const res = await kitForPlainApp.request().get('/');
    expect(() => expectProblem(res, 401)).toThrow(/content type application\/json/);
    await kitForPlainApp.close();
  });
});

describe('createTestKit options and log capture', () => {
  it('uses the given tenants and refuses bad options', async () => {
    const named = await createTestKit({ createApp, tenants: { primary: 'acme', other: 'globex' } });
    expect(named.tenants).toEqual({ primary: 'acme', other: 'globex' });
    await expect(createTestKit({ createApp, tenants: { primary: 'same', other: 'same' } })).rejects.toThrow(TypeError);
    await expect(createTestKit({ createApp: 'app' as unknown as typeof createApp })).rejects.toThrow('"createApp" must be a function');
  });

  it('hands the app a trace logger and its own copy of a 32-byte secret', async () => {
    let seen: TestAppSettings | undefined;
    const probe = await createTestKit({
      createApp(settings) {
        seen = settings;
        settings.logger.trace({ step: 'created' }, 'app built');
        return createApp(settings);
      },
    });
    expect(seen?.auth.secret.byteLength).toBe(32);
    expect(seen?.auth).toMatchObject({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    expect(probe.logs.lines()[0]).toMatchObject({ step: 'created', msg: 'app built' });
    // The app scribbling on its settings must not change the key the kit signs with.
    seen?.auth.secret.fill(0);
    const res = await probe
      .request()
      .get('/things')
      .set('Authorization', `Bearer ${await probe.tokens.valid({ permissions: ['things:read'] })}`);
    expect(res.status).toBe(200);
  });

  it('captures lines synchronously and clears them', () => {
    const logs = createLogCapture();
    logs.stream.write('{"a":1}\n');
    logs.stream.write('not json\n');
    expect(logs.lines()).toEqual([{ a: 1 }, { unparsed: 'not json' }]);
    logs.clear();
    expect(logs.text()).toBe('');
  });
});
