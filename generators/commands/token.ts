import { parseArgs } from 'node:util';
import { z } from 'zod';
import { signToken } from '../../blessed/auth/index.js';
import { ConfigError, loadConfig, type AppConfig } from '../../src/config.js';
import { developmentSecret } from '../../src/dev-secret.js';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import type { CommandIO } from '../cli/run-main.js';

export const TOKEN_HELP = `Usage: golden-path token --tenant <id> --permissions <a:read,b:write> [--sub <subject>] [--ttl 15m]

Mints a development token signed with the development secret and prints only the token.
Refuses to run with NODE_ENV=production.

  --tenant        tenant id the token is scoped to (letters, digits, . _ -)
  --permissions   comma-separated resource:action permissions (may be empty: "")
  --sub           subject (default: dev-user)
  --ttl           lifetime: a number followed by s, m or h, at most 24h (default: 15m)
`;

const PERMISSION = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;
const MAX_TTL_SECONDS = 24 * 3600;

const TokenFlags = z.strictObject({
  tenant: z.string({ error: 'is required' }).regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dot, underscore or dash'),
  permissions: z
    .string({ error: 'is required' })
    .max(4096)
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((p) => PERMISSION.test(p)), 'must be comma-separated resource:action values'),
  sub: z
    .string()
    .regex(/^[A-Za-z0-9._@:-]{1,128}$/, 'must be 1-128 letters, digits or . _ @ : -')
    .default('dev-user'),
  ttl: z
    .string()
    .regex(/^\d{1,6}[smh]$/, 'must be a number followed by s, m or h, like 15m')
    .refine((s) => Number(s.slice(0, -1)) * ({ s: 1, m: 60, h: 3600 }[s.slice(-1)] ?? 0) <= MAX_TTL_SECONDS, 'must be at most 24h')
    .refine((s) => Number(s.slice(0, -1)) > 0, 'must be more than zero')
    .default('15m'),
});

function flags(argv: readonly string[]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        tenant: { type: 'string' },
        permissions: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new CLIError(`token: ${(err as Error).message}`);
  }
}

/** `golden-path token`: a development token for the development secret, on stdout alone. */
export async function tokenCommand(io: CommandIO, argv: readonly string[]): Promise<number> {
  const values = flags(argv);
  if (values.help === true) {
    io.stdout.write(TOKEN_HELP);
    return 0;
  }
  if (io.env.NODE_ENV === 'production') {
    throw new CLIError('token: refuses to run with NODE_ENV=production; tokens come from your identity provider there');
  }
  const parsed = TokenFlags.safeParse({ tenant: values.tenant, permissions: values.permissions, sub: values.sub, ttl: values.ttl });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? 'input');
    throw new CLIError(`token: --${flag} ${issue?.message ?? 'is invalid'}`, { flag });
  }
  let config: AppConfig;
  try {
    config = loadConfig(io.env, { developmentSecret: () => developmentSecret() });
  } catch (err) {
    if (err instanceof ConfigError) throw new CLIError(`token: ${err.message}`, { exitCode: EXIT_FAILURE });
    throw err;
  }
  if (!('secret' in config.auth)) {
    throw new CLIError('token: the service verifies tokens with AUTH_JWKS_URL; mint them with that identity provider');
  }
  const token = await signToken({
    secret: config.auth.secret,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    subject: parsed.data.sub,
    tenantId: parsed.data.tenant,
    permissions: parsed.data.permissions,
    ttl: parsed.data.ttl,
  });
  io.stdout.write(`${token}\n`);
  return 0;
}
