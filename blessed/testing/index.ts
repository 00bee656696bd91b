import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import supertest from 'supertest';
import { z } from 'zod';
import { createLogger } from '../logger/index.js';
import { tenantIdSchema } from '../validation/index.js';
import type { Logger } from '../logger/_types.js';
import { createLogCapture, type LogCapture } from './_logs.js';
import { assertNoLeaks, type LabelledSecret } from './_secrets.js';
import { createTokenMinter, type TokenMinter } from './_tokens.js';

export { createLogCapture } from './_logs.js';
export { createRecordingLogger } from './_recording.js';
export type { RecordedLog, RecordingLogger } from './_recording.js';
export type { LogCapture } from './_logs.js';
export { expectNoSecrets } from './_secrets.js';
export { expectProblem } from './_problem.js';
export { expectTenantIsolation } from './_isolation.js';
export type { IsolationCase, IsolationKit, IsolationProbe, TenantCaller } from './_isolation.js';
export type { ProblemResponse } from './_problem.js';
export type { TokenClaims, TokenMinter } from './_tokens.js';

export const TEST_ISSUER = 'https://issuer.golden-path.test';
export const TEST_AUDIENCE = 'golden-path-service';

export interface TestAppSettings {
  readonly auth: { readonly secret: Uint8Array; readonly issuer: string; readonly audience: string };
  readonly logger: Logger;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestKitOptions {
  /** Builds the app under test from the kit's auth settings and capturing logger. */
  readonly createApp: (settings: TestAppSettings) => RequestListener | Promise<RequestListener>;
  /** Tenant ids; default two random UUIDs. */
  readonly tenants?: { readonly primary?: string; readonly other?: string };
}

export interface TestKit {
  readonly app: RequestListener;
  /** A supertest agent for the app; each request runs in this process on a loopback socket. */
  request(): supertest.Agent;
  readonly tenants: { readonly primary: string; readonly other: string };
  /** Every token minted here is remembered and looked for by `expectLogsClean`. */
  readonly tokens: TokenMinter;
  readonly logs: LogCapture;
  /** Throws, naming the secret (masked), if a minted token, its signature, the kit's secret or an extra secret was logged. */
  expectLogsClean(extraSecrets?: readonly string[]): void;
  /** Awaits `app.close()` when the listener has one (an app holding a database, say); idempotent. */
  close(): Promise<void>;
}

const tenantId = tenantIdSchema;
const optionsSchema = z.strictObject({
  createApp: z.custom<TestKitOptions['createApp']>((value) => typeof value === 'function', {
    error: '"createApp" must be a function',
  }),
  tenants: z
    .strictObject(
      { primary: tenantId.optional(), other: tenantId.optional() },
      {
        error: '"tenants" must be { primary?: string; other?: string } with non-empty ids',
      },
    )
    .optional(),
});

function parseOptions(options: TestKitOptions): { createApp: TestKitOptions['createApp']; primary: string; other: string } {
  const result = optionsSchema.safeParse(options);
  if (!result.success) throw new TypeError(result.error.issues[0]?.message ?? 'invalid test kit options');
  const primary = result.data.tenants?.primary ?? randomUUID();
  const other = result.data.tenants?.other ?? randomUUID();
  if (primary === other) throw new TypeError('"tenants.primary" and "tenants.other" must differ');
  return { createApp: result.data.createApp, primary, other };
}

/**
 * The security test kit: a random HS256 secret, two tenants, a token minter for every hostile
 * case, and a capturing trace-level logger, wired into the app the test builds.
 *
 * @example
 * const kit = await createTestKit({ createApp: ({ auth, logger }) => createApp({ auth }, { logger }) });
 * const res = await kit.request().get('/orders').set('Authorization', `Bearer ${await kit.tokens.expired()}`);
 * expectProblem(res, 401);
 * kit.expectLogsClean();
 */
export async function createTestKit(options: TestKitOptions): Promise<TestKit> {
  const { createApp, primary, other } = parseOptions(options);
  const secret = new Uint8Array(randomBytes(32));
  const logs = createLogCapture();
  const logger = createLogger({ level: 'trace', destination: logs.stream, name: 'test' });
  const minted: LabelledSecret[] = [];
  const tenants = Object.freeze({ primary, other });
  const tokens = createTokenMinter({
    secret,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    tenants,
    remember(token, kind) {
      const label = `${kind} token #${minted.filter((entry) => !entry.label.startsWith('signature')).length + 1}`;
      minted.push({ label, value: token });
      const signature = token.split('.')[2] ?? '';
      if (signature !== '') minted.push({ label: `signature of ${label}`, value: signature });
    },
  });
  const secretForms: LabelledSecret[] = (['hex', 'base64', 'base64url'] as const).map((encoding) => ({
    label: `the kit's secret (${encoding})`,
    value: Buffer.from(secret).toString(encoding),
  }));
  // The app gets its own copy: an app that scribbles on its settings cannot change the kit's key.
  const app = await createApp({
    auth: Object.freeze({ secret: new Uint8Array(secret), issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    logger,
  });
  if (typeof app !== 'function') throw new TypeError('"createApp" must return a request listener');
  let closed = false;

  return {
    app,
    tenants,
    tokens,
    logs,
    request() {
      return supertest(app);
    },
    expectLogsClean(extraSecrets = []) {
      const extras = extraSecrets.map((value, index) => ({ label: `extra secret #${index + 1}`, value }));
      assertNoLeaks(logs.text(), [...minted, ...secretForms, ...extras], 'Captured logs');
    },
    async close() {
      if (closed) return;
      closed = true;
      const disposable = app as RequestListener & { close?: unknown };
      if (typeof disposable.close === 'function') await (disposable.close as () => unknown).call(app);
    },
  };
}
