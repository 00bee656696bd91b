import { describe, expect, it } from 'vitest';
import { checkSource, RULE_METAS } from '../../generators/check/index.js';

interface Case {
  readonly rule: string;
  readonly path: string;
  /** Violating fixture; the finding is expected on `line`. */
  readonly bad: string;
  readonly line: number;
  /** A near miss that looks alike and must not be flagged. */
  readonly near: string;
}

// Secret-looking fixtures are assembled at run time so that this file itself stays clean.
const longToken = ['s3cr3t', 'Value', 'Zq81Lk2PvR'].join('');

const CASES: readonly Case[] = [
  {
    rule: 'raw-route',
    path: 'src/app.ts',
    bad: "const h = () => 1;\napp.get('/x', h);",
    line: 2,
    near: "const env = app.get('env');\nconst v = map.get('/x', 1);",
  },
  {
    rule: 'raw-route',
    path: 'src/extra.ts',
    bad: "import express from 'express';\nconst r = express.Router();",
    line: 2,
    near: "import express from 'express';\nconst app = express();",
  },
  { rule: 'raw-route', path: 'src/app.ts', bad: "\napp.use('/admin', adminHandler);", line: 2, near: '\napp.use(helmet());' },
  { rule: 'forbidden-import', path: 'src/services/x.ts', bad: "\nimport axios from 'axios';", line: 2, near: "\nimport type { Kysely } from 'kysely';" },
  {
    rule: 'forbidden-import',
    path: 'src/services/x.ts',
    bad: "\nimport { Pool } from 'pg';",
    line: 2,
    near: "\nimport { createHttpClient } from '../../blessed/http/index.js';",
  },
  {
    rule: 'forbidden-import',
    path: 'src/x.ts',
    bad: "\nconst { exec } = require('node:child_process');",
    line: 2,
    near: "\nconst { join } = require('node:path');",
  },
  {
    rule: 'forbidden-import',
    path: 'blessed/logger/x.ts',
    bad: "\nimport { request } from 'node:https';",
    line: 2,
    near: "\nimport { IncomingMessage } from 'node:http';",
  },
  {
    rule: 'forbidden-import',
    path: 'src/x.ts',
    bad: "\nconst res = await fetch('https://api.example.test');",
    line: 2,
    near: "\nconst res = await client.fetch('/orders');",
  },
  {
    rule: 'forbidden-import',
    path: 'src/x.ts',
    bad: "\nimport pino from 'pino';",
    line: 2,
    near: "\nimport { createLogger } from '../blessed/logger/index.js';",
  },
  {
    rule: 'dynamic-code',
    path: 'generators/x.ts',
    bad: "\nconst f = new Function('a', 'return a');",
    line: 2,
    near: '\nconst f = function named(a: number) { return a; };',
  },
  { rule: 'dynamic-code', path: 'src/x.ts', bad: "\nsetTimeout('tick()', 10);", line: 2, near: '\nsetTimeout(() => tick(), 10);' },
  // The rule is only walked in files that mention a name it looks for; an escaped spelling counts.
  { rule: 'dynamic-code', path: 'test/x.test.ts', bad: "\n\\u0065val('1 + 1');", line: 2, near: '\nconst evaluated = 1 + 1;' },
  { rule: 'no-console', path: 'src/x.ts', bad: "\nconsole.log('hi');", line: 2, near: "\nlog.info('hi');" },
  {
    rule: 'tls-disabled',
    path: 'src/x.ts',
    bad: '\nconst agent = { rejectUnauthorized: false };',
    line: 2,
    near: '\nconst agent = { rejectUnauthorized: true };',
  },
  {
    rule: 'tls-disabled',
    path: 'src/x.ts',
    bad: "\nprocess.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';",
    line: 2,
    near: "\nif (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') throw new Error('refused');",
  },
  {
    rule: 'sql-string',
    path: 'src/x.ts',
    bad: "\nawait db.query('SELECT * FROM t WHERE id = ' + id);",
    line: 2,
    near: "\nawait db.query('SELECT * FROM t WHERE id = $1', [id]);",
  },
  {
    rule: 'sql-string',
    path: 'src/x.ts',
    bad: "\nawait pool.query(`SELECT * FROM t WHERE name = '${name}'`);",
    line: 2,
    near: '\nawait sql`SELECT * FROM t WHERE name = ${name}`.execute(db);',
  },
  {
    rule: 'sql-string',
    path: 'src/x.ts',
    bad: "const text = 'DELETE FROM t WHERE id = ' + id;\nawait client.query(text);",
    line: 2,
    near: "const text = 'DELETE FROM t WHERE id = $1';\nawait client.query(text, [id]);",
  },
  { rule: 'sql-string', path: 'src/x.ts', bad: '\nconst op = sql.raw(userInput);', line: 2, near: "\nconst op = sql.raw(asc ? '>' : '<');" },
  { rule: 'permissive-cors', path: 'src/app.ts', bad: '\napp.use(cors());', line: 2, near: "\napp.use(cors({ origin: ['https://app.example.test'] }));" },
  { rule: 'permissive-cors', path: 'src/app.ts', bad: '\napp.use(cors({ origin: true }));', line: 2, near: '\napp.use(cors({ origin: [...origins] }));' },
  {
    rule: 'permissive-cors',
    path: 'src/x.ts',
    bad: "\nres.setHeader('Access-Control-Allow-Origin', req.headers.origin);",
    line: 2,
    near: "\nres.setHeader('Cache-Control', req.headers.origin);",
  },
  { rule: 'trust-proxy', path: 'src/app.ts', bad: "\napp.set('trust proxy', true);", line: 2, near: "\napp.set('trust proxy', 1);" },
  {
    rule: 'weak-crypto',
    path: 'src/x.ts',
    bad: "\nconst h = createHash('md5').update(s).digest('hex');",
    line: 2,
    near: "\nconst h = createHash('sha256').update(s).digest('hex');",
  },
  {
    rule: 'weak-crypto',
    path: 'src/x.ts',
    bad: '\nconst resetToken = Math.random().toString(36).slice(2);',
    line: 2,
    near: '\nconst jitter = Math.random() * 100;',
  },
  {
    rule: 'weak-crypto',
    path: 'blessed/x.ts',
    bad: "\nconst c = crypto.createCipher('aes-256-cbc', key);",
    line: 2,
    near: "\nconst c = crypto.createCipheriv('aes-256-gcm', key, iv);",
  },
  {
    rule: 'public-reason',
    path: 'src/endpoints/x.ts',
    bad: "\nexport const x = defineEndpoint({ method: 'GET', path: '/x', public: 'ok', response, handler });",
    line: 2,
    near: "\nexport const x = defineEndpoint({ method: 'GET', path: '/x', public: 'Uptime monitors poll it without credentials.', response, handler });",
  },
  {
    rule: 'public-reason',
    path: 'src/endpoints/x.ts',
    bad: "\nexport const x = defineEndpoint({ method: 'GET', path: '/x', response, handler });",
    line: 2,
    near: "\nexport const x = defineEndpoint({ method: 'GET', path: '/x', permission: 'x:read', response, handler });",
  },
  {
    rule: 'hardcoded-credential',
    path: 'src/x.ts',
    bad: `\nconst apiToken = '${longToken}';`,
    line: 2,
    near: "\nconst tokenTtl = '15m';\nconst secretName = 'AUTH_JWT_SECRET_FROM_ENVIRONMENT';",
  },
  {
    rule: 'hardcoded-credential',
    path: 'src/x.ts',
    bad: `\nconst url = 'postgres://app:${longToken}@db.internal/app';`,
    line: 2,
    near: "\nconst url = 'postgres://app@db.internal/app';",
  },
];

describe('check: source rules', () => {
  it.each(CASES.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s: flags the violation and not the near miss', (_name, c) => {
    const found = checkSource(c.path, c.bad);
    expect(found.map((v) => [v.ruleId, v.file, v.line])).toContainEqual([c.rule, c.path, c.line]);
    expect(found.every((v) => v.message.length > 0)).toBe(true);
    expect(checkSource(c.path, c.near).filter((v) => v.ruleId === c.rule)).toEqual([]);
  });

  it('covers every source rule with at least one case', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    const sourceRules = [
      'raw-route',
      'forbidden-import',
      'dynamic-code',
      'no-console',
      'tls-disabled',
      'sql-string',
      'permissive-cors',
      'trust-proxy',
      'weak-crypto',
      'public-reason',
      'hardcoded-credential',
    ];
    expect(sourceRules.filter((id) => !covered.has(id))).toEqual([]);
    expect(RULE_METAS.map((r) => r.id)).toEqual(expect.arrayContaining(sourceRules));
  });

  it('scopes rules by folder: console and raw routes are fine in tests and tools', () => {
    expect(checkSource('test/x.test.ts', "console.log('x');\napp.get('/x', h);")).toEqual([]);
    expect(checkSource('blessed/http/_call.ts', "import { request } from 'undici';")).toEqual([]);
    expect(checkSource('blessed/logger/_logger.ts', "import pino from 'pino';")).toEqual([]);
    expect(checkSource('generators/x.ts', "import { spawn } from 'node:child_process';")).toEqual([]);
  });

  it('reports a file that does not parse instead of skipping it', () => {
    expect(checkSource('src/x.ts', 'const = ;')).toMatchObject([{ ruleId: 'parse-error', file: 'src/x.ts', line: 1 }]);
  });
});

describe('check: suppressions', () => {
  const bad = "app.get('/x', h);";

  it('a suppression with a reason on the line before removes the finding', () => {
    expect(checkSource('src/app.ts', `// golden-path-ignore raw-route -- a health probe mounted before auth on purpose\n${bad}`)).toEqual([]);
  });

  it('a suppression without a reason is itself a violation and suppresses nothing', () => {
    const found = checkSource('src/app.ts', `// golden-path-ignore raw-route\n${bad}`);
    expect(found.map((v) => [v.ruleId, v.line])).toEqual([
      ['suppression', 1],
      ['raw-route', 2],
    ]);
    expect(found[0]?.message).toMatch(/needs a reason/);
  });

  it('a suppression naming an unknown rule is a violation', () => {
    const found = checkSource('src/app.ts', `// golden-path-ignore no-such-rule -- because\n${bad}`);
    expect(found.map((v) => v.ruleId)).toEqual(['suppression', 'raw-route']);
    expect(found[0]?.message).toMatch(/unknown rule "no-such-rule"/);
  });

  it('a suppression that suppresses nothing is a violation', () => {
    const found = checkSource('src/app.ts', `// golden-path-ignore raw-route -- left over from an old version\nconst ok = 1;`);
    expect(found).toMatchObject([{ ruleId: 'suppression', line: 1 }]);
    expect(found[0]?.message).toMatch(/suppresses nothing/);
  });

  it('a suppression covers only the next line and only its rule', () => {
    const found = checkSource('src/app.ts', `// golden-path-ignore no-console -- wrong rule named\n${bad}`);
    expect(found.map((v) => v.ruleId).sort()).toEqual(['raw-route', 'suppression']);
    const far = checkSource('src/app.ts', `// golden-path-ignore raw-route -- too far away\n\n${bad}`);
    expect(far.map((v) => v.ruleId).sort()).toEqual(['raw-route', 'suppression']);
  });
});
