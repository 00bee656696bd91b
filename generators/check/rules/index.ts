import type { Rule, RuleMeta } from '../types.js';
import { aiContextStale } from './ai-context.js';
import { blessedChecksum } from './blessed.js';
import { weakCrypto } from './crypto.js';
import { publicReason, securityTest } from './endpoints.js';
import { noConsole, permissiveCors, tlsDisabled, trustProxy } from './hygiene.js';
import { dynamicCode, forbiddenImport } from './imports.js';
import { openapiDrift } from './inventory.js';
import { rawRoute } from './routes.js';
import { hardcodedCredential, secret } from './secrets.js';
import { sqlString } from './sql.js';
import { dependencyAllowlist, installScript, license, lockfileSource } from './supply-chain.js';

/** Suppression mistakes are reported under this id; it cannot itself be suppressed. */
export const SUPPRESSION_RULE: RuleMeta = {
  id: 'suppression',
  doc: 'A golden-path-ignore comment without a reason, naming an unknown rule, or suppressing nothing',
  fix: 'Write `// golden-path-ignore <rule-id> -- <why this is safe>` on the line before the finding, or delete the comment.',
};

/** A file the parser could not read is reported, not skipped: an unreadable file proves nothing. */
export const PARSE_RULE: RuleMeta = {
  id: 'parse-error',
  doc: 'A source file that does not parse',
  fix: 'Fix the syntax error; check reads every file as a syntax tree.',
};

export const RULES: readonly Rule[] = [
  rawRoute,
  forbiddenImport,
  dynamicCode,
  noConsole,
  tlsDisabled,
  sqlString,
  permissiveCors,
  trustProxy,
  weakCrypto,
  publicReason,
  securityTest,
  blessedChecksum,
  secret,
  hardcodedCredential,
  dependencyAllowlist,
  lockfileSource,
  installScript,
  license,
  openapiDrift,
  aiContextStale,
];

/** Every rule id with its doc line, in `--list` order. */
export const RULE_METAS: readonly RuleMeta[] = [...RULES, SUPPRESSION_RULE, PARSE_RULE].map(({ id, doc, fix }) => ({ id, doc, fix }));
