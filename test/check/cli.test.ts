import { readFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import type { Log } from 'sarif';
import { afterEach, describe, expect, it } from 'vitest';
import { goldenPath } from '../../generators/cli/golden-path.js';
import { CLIError } from '../../generators/cli/errors.js';
import { RULE_METAS } from '../../generators/check/index.js';

// The official OASIS SARIF 2.1.0 schema (errata01), vendored unchanged from
// oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json.
const SARIF_SCHEMA = new URL('./sarif-schema-2.1.0.json', import.meta.url);

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gp-check-cli-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const [out, err] = [collect(stdout), collect(stderr)];
  try {
    const code = await goldenPath({ argv, stdout, stderr, stdin: new PassThrough(), env: { npm_config_registry: 'https://packages.example.test/' }, cwd });
    return { code, stdout: out(), stderr: err() };
  } catch (error) {
    // What runMain does with a CLIError: one line on stderr and its exit code.
    if (!(error instanceof CLIError)) throw error;
    return { code: error.exitCode, stdout: out(), stderr: `error: ${error.message}\n` };
  }
}

const DIRTY = {
  'src/app.ts': "import express from 'express';\nconst app = express();\napp.get('/debug', (_req, res) => res.json({}));\nconsole.log('started');\n",
  'src/ok.ts': 'export const ok = 1;\n',
};

describe('golden-path check', () => {
  it('exits 0 and says so on a clean tree', async () => {
    const result = await cli(await project({ 'src/ok.ts': 'export const ok = 1;\n' }), 'check');
    expect(result).toEqual({ code: 0, stdout: 'golden-path check: 1 files, no violations\n', stderr: '' });
  });

  it('exits 1 with rule id, file, line, column, message and fix per violation', async () => {
    const result = await cli(await project(DIRTY), 'check');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'src/app.ts:3:1  raw-route  app.get() mounts a route outside defineEndpoint and the registry\n    fix: Run `npx generate endpoint',
    );
    expect(result.stdout).toContain('src/app.ts:4:1  no-console  console.log bypasses the redacting logger');
    expect(result.stdout).toMatch(/golden-path check: 2 violations in 2 files\n$/);
  });

  it('--format json lists the violations with their fix', async () => {
    const result = await cli(await project(DIRTY), 'check', '--format', 'json');
    const report = JSON.parse(result.stdout) as { ok: boolean; violations: { ruleId: string; line: number; fix: string }[] };
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => [v.ruleId, v.line])).toEqual([
      ['raw-route', 3],
      ['no-console', 4],
    ]);
    expect(report.violations.every((v) => v.fix.length > 10)).toBe(true);
  });

  it('--format sarif validates against the official SARIF 2.1.0 schema and carries rules, help and fingerprints', async () => {
    const root = await project(DIRTY);
    const result = await cli(root, 'check', '--format', 'sarif', '--output', 'out/check.sarif');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const log = JSON.parse(await readFile(join(root, 'out/check.sarif'), 'utf8')) as Log;
    // Both are CommonJS with the export on `default`.
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    formats.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(SARIF_SCHEMA, 'utf8')) as object);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run?.tool.driver.rules?.map((r) => r.id)).toEqual(RULE_METAS.map((r) => r.id));
    expect(run?.tool.driver.rules?.every((r) => (r.help?.text ?? '').length > 10)).toBe(true);
    const first = run?.results?.[0];
    expect(first).toMatchObject({
      ruleId: 'raw-route',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.ts' }, region: { startLine: 3, startColumn: 1 } } }],
    });
    expect(run?.tool.driver.rules?.[first?.ruleIndex ?? -1]?.id).toBe('raw-route');
    expect(Object.values(first?.partialFingerprints ?? {})[0]).toMatch(/^[0-9a-f]{32}:1$/);
  });

  it('a SARIF fingerprint survives the finding moving down a line', async () => {
    const fingerprint = async (files: Record<string, string>) => {
      const result = await cli(await project(files), 'check', '--format', 'sarif');
      return (JSON.parse(result.stdout) as Log).runs[0]?.results?.find((r) => r.ruleId === 'raw-route')?.partialFingerprints;
    };
    const before = await fingerprint(DIRTY);
    const after = await fingerprint({ ...DIRTY, 'src/app.ts': `// a comment\n${DIRTY['src/app.ts']}` });
    expect(before).toBeDefined();
    expect(after).toEqual(before);
  });

  it('--list prints every rule with its id and doc line', async () => {
    const result = await cli(await project({}), 'check', '--list');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(RULE_METAS.length);
    for (const rule of RULE_METAS) expect(result.stdout).toMatch(new RegExp(`^${rule.id} +${rule.doc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('--accept-blessed records the blessed files; an edit after it is flagged', async () => {
    const root = await project({ 'blessed/auth/index.ts': 'export const a = 1;\n' });
    expect((await cli(root, 'check')).stdout).toContain('blessed-checksum');
    expect(await cli(root, 'check', '--accept-blessed')).toMatchObject({ code: 0, stdout: 'recorded 1 blessed files in blessed/checksums.sha256\n' });
    expect((await cli(root, 'check')).code).toBe(0);
    await writeFile(join(root, 'blessed/auth/index.ts'), 'export const a = 2;\n');
    const after = await cli(root, 'check');
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('blessed/auth/index.ts:1:1  blessed-checksum  changed since its checksum was recorded');
  });

  it.each([
    [['--format', 'xml'], /^error: check: --format must be one of text, json, sarif\n$/],
    [['--bogus'], /^error: check: Unknown option '--bogus'/],
    [['../outside'], /^error: check: path "\.\.\/outside" is outside the project\n$/],
    [['no-such-dir'], /^error: check: path "no-such-dir" does not exist\n$/],
    [['--accept-blessed', 'src'], /^error: check: --accept-blessed takes no paths/],
  ])('bad usage %j exits 2 with one line on stderr', async (argv, message) => {
    const result = await cli(await project({ 'src/ok.ts': '' }), 'check', ...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('a malformed golden-path.config.json is bad usage naming the key', async () => {
    const result = await cli(await project({ 'golden-path.config.json': '{"licenses": "MIT"}' }), 'check');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: golden-path\.config\.json: "licenses" /);
  });
});

describe('golden-path bin: a reader that stops early', () => {
  it('ends quietly when stdout is closed before it writes (`golden-path check --list | head -0`)', async () => {
    const { spawn } = await import('node:child_process');
    const bin = new URL('../../generators/bin/golden-path.js', import.meta.url);
    const child = spawn(process.execPath, [bin.pathname, 'check', '--list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
