import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIError } from '../../generators/cli/errors.js';
import { runCheck, type Violation } from '../../generators/check/index.js';
import { blessedChecksums, blessedChecksum } from '../../generators/check/rules/blessed.js';
import { securityTest } from '../../generators/check/rules/endpoints.js';
import { openapiDrift } from '../../generators/check/rules/inventory.js';
import { secret } from '../../generators/check/rules/secrets.js';
import { scanText } from '../../generators/check/rules/secretlint-scan.js';
import { dependencyAllowlist, installScript, license, lockfileSource } from '../../generators/check/rules/supply-chain.js';
import type { Rule } from '../../generators/check/types.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(files: Record<string, string | object>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gp-check-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

const REGISTRY = 'https://packages.example.test/';
const env = { npm_config_registry: REGISTRY };

async function check(root: string, rule: Rule, extra: { renderInventory?: () => Promise<string> } = {}): Promise<Violation[]> {
  return [...(await runCheck({ root, env, rules: [rule], ...extra })).violations];
}

const where = (violations: readonly Violation[]) => violations.map((v) => [v.ruleId, v.file, v.line]);

const ENDPOINT =
  "import { defineEndpoint } from '../../blessed/endpoint/index.js';\n\nexport const getOrder = defineEndpoint({ method: 'GET', path: '/orders', permission: 'orders:read', response, handler });\n";

describe('check: security-test', () => {
  it('flags an endpoint without its security test file, at its defineEndpoint', async () => {
    const root = await project({ 'src/endpoints/get-order.ts': ENDPOINT });
    expect(where(await check(root, securityTest))).toEqual([['security-test', 'src/endpoints/get-order.ts', 3]]);
  });

  it('accepts the generated test file, or a shared one mapped in the config', async () => {
    expect(await check(await project({ 'src/endpoints/get-order.ts': ENDPOINT, 'test/endpoints/get-order.security.test.ts': '' }), securityTest)).toEqual([]);
    const mapped = await project({
      'src/endpoints/get-order.ts': ENDPOINT,
      'test/orders.test.ts': '',
      'golden-path.config.json': { securityTests: { 'src/endpoints/get-order.ts': 'test/orders.test.ts' } },
    });
    expect(await check(mapped, securityTest)).toEqual([]);
    // Checking only src/ still sees the tests under test/.
    const both = await project({ 'src/endpoints/get-order.ts': ENDPOINT, 'test/endpoints/get-order.security.test.ts': '' });
    expect((await runCheck({ root: both, env, rules: [securityTest], paths: ['src'] })).violations).toEqual([]);
    // Helpers beside the endpoints (no defineEndpoint) need no tests.
    expect(await check(await project({ 'src/endpoints/_shared.ts': 'export const x = 1;\n' }), securityTest)).toEqual([]);
  });
});

describe('check: blessed-checksum', () => {
  const files = { 'blessed/auth/index.ts': 'export const a = 1;\n', 'blessed/auth/README.md': '# auth\n' };

  async function accepted(): Promise<string> {
    const root = await project(files);
    await writeFile(join(root, 'blessed/checksums.sha256'), await blessedChecksums(root, Object.keys(files)));
    return root;
  }

  it('is clean while blessed/ matches its recorded checksums', async () => {
    expect(await check(await accepted(), blessedChecksum)).toEqual([]);
  });

  it('flags an edited, an added and a removed file', async () => {
    const root = await accepted();
    await writeFile(join(root, 'blessed/auth/index.ts'), 'export const a = 2;\n');
    await writeFile(join(root, 'blessed/auth/_new.ts'), 'export {};\n');
    await rm(join(root, 'blessed/auth/README.md'));
    const found = await check(root, blessedChecksum);
    expect(found.map((v) => [v.file, v.message])).toEqual([
      ['blessed/auth/_new.ts', 'a new file in blessed/ that no review recorded'],
      ['blessed/auth/index.ts', 'changed since its checksum was recorded'],
      ['blessed/checksums.sha256', 'blessed/auth/README.md is recorded but gone'],
    ]);
  });

  it('flags a project with blessed/ but no checksum file', async () => {
    expect(where(await check(await project(files), blessedChecksum))).toEqual([['blessed-checksum', 'blessed/checksums.sha256', 1]]);
  });
});

describe('check: secret (secretlint)', () => {
  // Assembled at run time so this test file holds no credential-shaped text.
  const credentialUrl = ['https://', 'deploy', ':', 'Zk8vQ2mP4xL7', '@', 'git.example.test/repo.git'].join('');

  it('flags a credential in any project file, masked, at its line', async () => {
    const root = await project({ 'docs/setup.md': `# Setup\n\nClone ${credentialUrl}\n` });
    const found = await check(root, secret);
    expect(where(found)).toEqual([['secret', 'docs/setup.md', 3]]);
    expect(found[0]?.message).not.toContain('Zk8vQ2mP4xL7');
  });

  it('leaves a URL without a password alone', async () => {
    expect(await check(await project({ 'docs/setup.md': '# Setup\n\nClone https://git.example.test/repo.git\n' }), secret)).toEqual([]);
  });
});

function lock(packages: Record<string, object>): object {
  return { name: 'app', lockfileVersion: 3, requires: true, packages: { '': { name: 'app' }, ...packages } };
}

const good = { version: '1.3.0', resolved: `${REGISTRY}left-pad/-/left-pad-1.3.0.tgz`, integrity: 'sha512-abc', license: 'MIT' };

describe('check: supply chain', () => {
  it('dependency-allowlist: flags a dependency without a reason, at its package.json line', async () => {
    const root = await project({
      'package.json': { name: 'app', dependencies: { express: '^5.0.0', 'left-pad': '^1.3.0' } },
      'golden-path.config.json': { dependencies: { express: 'the HTTP framework of the service' } },
    });
    expect(where(await check(root, dependencyAllowlist))).toEqual([['dependency-allowlist', 'package.json', 5]]);
  });

  it('dependency-allowlist: a listed dependency is fine; a reason too short is a config error (exit 2)', async () => {
    const root = await project({
      'package.json': { name: 'app', dependencies: { express: '^5.0.0' } },
      'golden-path.config.json': { dependencies: { express: 'the HTTP framework of the service' } },
    });
    expect(await check(root, dependencyAllowlist)).toEqual([]);
    const bad = await project({ 'package.json': { name: 'app' }, 'golden-path.config.json': { dependencies: { express: 'needed' } } });
    const error = await check(bad, dependencyAllowlist).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CLIError);
    expect((error as CLIError).exitCode).toBe(2);
    expect((error as CLIError).message).toMatch(/"dependencies\.express" needs a reason/);
  });

  it('lockfile-source: flags another registry, a missing integrity, and a scope resolved outside its pinned registry', async () => {
    const root = await project({
      'package-lock.json': lock({
        'node_modules/left-pad': good,
        'node_modules/evil-pad': { ...good, resolved: 'https://mirror.example.test/evil-pad/-/evil-pad-1.0.0.tgz' },
        'node_modules/no-hash': { ...good, integrity: undefined },
        'node_modules/@acme/ui': { ...good, resolved: `${REGISTRY}@acme/ui/-/ui-1.0.0.tgz` },
      }),
      'golden-path.config.json': { scopes: { '@acme': 'https://acme.example.test/' } },
    });
    const found = await check(root, lockfileSource);
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(/^evil-pad@1\.3\.0 is resolved from https:\/\/mirror\.example\.test, not an allowed registry$/),
      expect.stringMatching(/^no-hash@1\.3\.0 has no sha256\/384\/512 integrity hash$/),
      expect.stringMatching(/^@acme\/ui@1\.3\.0 is resolved from .*, not the registry pinned for @acme$/),
    ]);
    expect(found.every((v) => v.file === 'package-lock.json' && v.line > 1)).toBe(true);
  });

  it('lockfile-source: entries from the configured registry with a hash pass', async () => {
    expect(await check(await project({ 'package-lock.json': lock({ 'node_modules/left-pad': good }) }), lockfileSource)).toEqual([]);
  });

  it('install-script: flags a package with an install script unless package.json allowScripts names it', async () => {
    const files = {
      'package-lock.json': lock({ 'node_modules/esbuild': { ...good, hasInstallScript: true }, 'node_modules/sneaky': { ...good, hasInstallScript: true } }),
    };
    const root = await project({ ...files, 'package.json': { name: 'app', allowScripts: { esbuild: true } } });
    expect((await check(root, installScript)).map((v) => v.message)).toEqual(['sneaky@1.3.0 has an install script that is not allowed']);
  });

  it('license: flags a licence outside the list; an OR with an allowed one and an exception pass', async () => {
    const root = await project({
      'package-lock.json': lock({
        'node_modules/a': { ...good, license: 'GPL-3.0-only' },
        'node_modules/b': { ...good, license: '(MIT OR GPL-3.0-only)' },
        'node_modules/c': { ...good, license: undefined },
        'node_modules/d': { ...good, license: 'CC-BY-3.0' },
      }),
      'golden-path.config.json': { licenses: ['MIT'], licenseExceptions: { d: 'attribution-only data file, reviewed' } },
    });
    expect((await check(root, license)).map((v) => v.message)).toEqual([
      'a@1.3.0 is licensed "GPL-3.0-only", outside the allowed list',
      'c@1.3.0 is licensed "unknown", outside the allowed list',
    ]);
  });
});

describe('check: openapi-drift', () => {
  const registry = 'export const endpoints = [];\n';

  it('flags a committed openapi.json that differs from the rendered one, at the first differing line', async () => {
    const root = await project({ 'src/routes.ts': registry, 'openapi.json': '{\n  "paths": {}\n}\n' });
    const found = await check(root, openapiDrift, { renderInventory: async () => '{\n  "paths": { "/x": {} }\n}\n' });
    expect(where(found)).toEqual([['openapi-drift', 'openapi.json', 2]]);
  });

  it('is clean when they match, and flags a missing openapi.json', async () => {
    const text = '{\n  "paths": {}\n}\n';
    expect(await check(await project({ 'src/routes.ts': registry, 'openapi.json': text }), openapiDrift, { renderInventory: async () => text })).toEqual([]);
    expect((await check(await project({ 'src/routes.ts': registry }), openapiDrift, { renderInventory: async () => text })).map((v) => v.message)).toEqual([
      'openapi.json is missing',
    ]);
  });
});

describe('check: paths', () => {
  it('checks only the given paths and skips project-wide rules then', async () => {
    const root = await project({
      'src/a.ts': "console.log('a');\n",
      'src/b/c.ts': "console.log('c');\n",
      'package.json': { name: 'app', dependencies: { x: '1' } },
    });
    const { violations, filesChecked } = await runCheck({ root, env, paths: ['src/b'] });
    expect(filesChecked).toBe(1);
    expect(where(violations)).toEqual([['no-console', 'src/b/c.ts', 1]]);
  });

  it('applies suppressions to project-rule findings in source files too', async () => {
    const root = await project({
      'src/endpoints/get-order.ts': ENDPOINT.replace(
        'export const',
        '// golden-path-ignore security-test -- covered by the contract suite in another repository\nexport const',
      ),
    });
    expect(await check(root, securityTest)).toEqual([]);
  });
});

describe('check: secretlint profiler', () => {
  it('a scan leaves no profiler marks behind (secretlint 11 marks every rule on every file, at a cost growing with the files before)', async () => {
    const url = ['https://', 'ci', ':', 'Qm7vT3kX9pL2', '@', 'git.example.test/x.git'].join('');
    performance.clearMarks();
    const found = await scanText('docs/a.md', `see ${url}\n`);
    expect(found.map((f) => [f.line, f.ruleId])).toEqual([[1, '@secretlint/secretlint-rule-basicauth']]);
    expect(performance.getEntriesByType('mark').map((mark) => mark.name)).toEqual([]);
  });
});

describe('check: secretlint cache', () => {
  it('a second run answers from the per-file cache with the same findings, and a changed file is scanned again', async () => {
    const url = ['https://', 'ci', ':', 'Qm7vT3kX9pL2', '@', 'git.example.test/x.git'].join('');
    const root = await project({ 'docs/a.md': `see ${url}\n`, 'docs/b.md': 'nothing here\n' });
    const first = await check(root, secret);
    const cache = JSON.parse(await readFile(join(root, 'node_modules/.cache/golden-path/secretlint-v1.json'), 'utf8')) as Record<string, unknown[]>;
    expect(
      Object.values(cache)
        .map((findings) => findings.length)
        .sort(),
    ).toEqual([0, 1]);
    expect(await check(root, secret)).toEqual(first);
    await writeFile(join(root, 'docs/b.md'), `also ${url}\n`);
    expect(where(await check(root, secret))).toEqual([
      ['secret', 'docs/a.md', 1],
      ['secret', 'docs/b.md', 1],
    ]);
  });
});
