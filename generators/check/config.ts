import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CLIError, EXIT_USAGE } from '../cli/errors.js';

export const CONFIG_FILE = 'golden-path.config.json';

const Reason = z.string().trim().min(10, 'needs a reason of at least 10 characters');

const CheckConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Every direct dependency, with why the project needs it. */
  dependencies: z.record(z.string().min(1), Reason).default({}),
  /** Registries lockfile entries may resolve from, besides the one npm is configured with. */
  registries: z.array(z.url({ protocol: /^https$/ })).default([]),
  /** Scopes that must resolve from one registry only (dependency-confusion guard). */
  scopes: z.record(z.string().regex(/^@[a-z0-9][a-z0-9._-]*$/, 'must be an npm scope like @acme'), z.url({ protocol: /^https$/ })).default({}),
  /** SPDX identifiers a dependency's licence expression must satisfy. */
  licenses: z.array(z.string().min(1)).default([]),
  /** Licence exceptions for single packages, with the reason they are accepted. */
  licenseExceptions: z.record(z.string().min(1), Reason).default({}),
  /** Endpoints whose security tests live in a shared file instead of test/endpoints/<name>.security.test.ts. */
  securityTests: z
    .record(z.string().regex(/^src\/.+\.ts$/, 'must be a src/ path'), z.string().regex(/^test\/.+\.test\.ts$/, 'must be a test/ path'))
    .default({}),
  /** Folders the walk never enters (besides node_modules, .git and the like). */
  ignore: z.array(z.string().min(1)).default([]),
});

export type CheckConfig = z.output<typeof CheckConfigSchema>;

/** Parses a config value; a bad one is a usage error naming the key. */
export function parseConfig(value: unknown): CheckConfig {
  const parsed = CheckConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join('.') || '(root)';
    throw new CLIError(`${CONFIG_FILE}: "${key}" ${issue?.message ?? 'is invalid'}`, { exitCode: EXIT_USAGE, code: 'ERR_CHECK_CONFIG' });
  }
  return parsed.data;
}

/** Reads `golden-path.config.json` at the project root; a project without one gets the defaults. */
export async function loadConfig(root: string): Promise<CheckConfig> {
  let text: string;
  try {
    text = await readFile(join(root, CONFIG_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return parseConfig({});
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CLIError(`${CONFIG_FILE}: not valid JSON (${(err as Error).message})`, { exitCode: EXIT_USAGE, code: 'ERR_CHECK_CONFIG' });
  }
  return parseConfig(value);
}
