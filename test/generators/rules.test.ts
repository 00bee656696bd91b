import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, CREATE_ORDER, removeProject, run, snapshotTree } from './project.js';

let dir: string;
let pristine: Map<string, string>;

beforeAll(async () => {
  dir = await copyProject();
  // An existing route for the duplicate and shadowing cases.
  expect(
    (await run(dir, ['endpoint', 'exportOrders', '--method', 'GET', '--path', '/orders/export', '--permission', 'orders:read', '--summary', 'Export'])).code,
  ).toBe(0);
  pristine = await snapshotTree(dir);
});

afterAll(async () => {
  await removeProject(dir);
});

function endpoint(overrides: Record<string, string | null>): string[] {
  const flags: Record<string, string | null> = {
    name: 'createThing',
    method: 'POST',
    path: '/things',
    permission: 'things:write',
    summary: 'Create a thing',
    ...overrides,
  };
  return ['endpoint', ...Object.entries(flags).flatMap(([flag, value]) => (value === null ? [] : [`--${flag}`, value]))];
}

const HOSTILE = '$(touch /tmp/pwned)\u001b[31m';

// [case, flags, flag named in the message, rule fragment]
const rejected: [string, string[], string, RegExp][] = [
  ['a missing name (no terminal to ask on)', endpoint({ name: null }), 'name', /is required/],
  ['a missing method', endpoint({ method: null }), 'method', /is required/],
  ['a missing path', endpoint({ path: null }), 'path', /is required/],
  ['neither --permission nor --public', endpoint({ permission: null }), 'permission', /is required/],
  ['both --permission and --public', endpoint({ public: 'because' }), 'public', /exclude each other/],
  ['a name with a leading dash', [...endpoint({ name: null }), '--name=-rf'], 'name', /dash/],
  ['a flag value that looks like a flag', endpoint({ name: '-rf' }), 'name', /needs a value/],
  ['a non-ASCII name', endpoint({ name: 'créer' }), 'name', /ASCII identifier/],
  ['a name with punctuation', endpoint({ name: 'create.order' }), 'name', /ASCII identifier/],
  ['a name starting with a digit', endpoint({ name: '1order' }), 'name', /ASCII identifier/],
  ['a reserved word', endpoint({ name: 'delete' }), 'name', /reserved word/],
  ['a reserved word in another case form', endpoint({ name: 'Delete' }), 'name', /reserved word/],
  ['a strict-mode word', endpoint({ name: 'implements' }), 'name', /reserved word/],
  ['a kebab form that is a reserved word', endpoint({ name: 'in_stance-of' }), 'name', /ASCII identifier|reserved/],
  ['a prototype-sensitive name', endpoint({ name: '__proto__' }), 'name', /ASCII identifier|prototype/],
  ['constructor', endpoint({ name: 'constructor' }), 'name', /reserved|prototype/],
  ['hasOwnProperty', endpoint({ name: 'hasOwnProperty' }), 'name', /prototype/],
  ['a reserved device file name', endpoint({ name: 'con' }), 'name', /reserved file name/],
  ['a reserved device file name in another case', endpoint({ name: 'Com1' }), 'name', /reserved file name/],
  ['an overlong name', endpoint({ name: `a${'b'.repeat(60)}` }), 'name', /at most 48/],
  ['a name the generated code uses', endpoint({ name: 'z' }), 'name', /already uses/],
  ['an unknown method', endpoint({ method: 'TRACE' }), 'method', /one of GET, POST/],
  ['an uppercase path', endpoint({ path: '/Orders' }), 'path', /lowercase/],
  ['a relative path', endpoint({ path: 'orders' }), 'path', /start with \//],
  ['a regex path', endpoint({ path: '/orders/:id(\\d+)' }), 'path', /regex/],
  ['a wildcard path', endpoint({ path: '/files/*' }), 'path', /wildcard/],
  ['an optional parameter', endpoint({ path: '/orders/:id?' }), 'path', /optional/],
  ['a .. segment', endpoint({ path: '/orders/../admin' }), 'path', /\.\./],
  ['an empty segment', endpoint({ path: '/orders//items' }), 'path', /empty segments/],
  ['a trailing slash', endpoint({ path: '/orders/' }), 'path', /empty segments/],
  ['an encoded segment', endpoint({ path: '/orders/%2e%2e' }), 'path', /encoded/],
  ['a repeated :param', endpoint({ path: '/a/:id/b/:id' }), 'path', /repeat/],
  ['a prototype :param', endpoint({ path: '/a/:constructor' }), 'path', /prototype/],
  ['a duplicate route', endpoint({ method: 'GET', path: '/orders/export', permission: 'orders:read' }), 'path', /overlaps GET \/orders\/export/],
  ['a route the existing one shadows', endpoint({ method: 'GET', path: '/orders/:orderId', permission: 'orders:read' }), 'path', /overlaps/],
  ['a route that shadows the existing one', endpoint({ method: 'GET', path: '/:section/export', permission: 'orders:read' }), 'path', /overlaps/],
  ['a permission without an action', endpoint({ permission: 'orders' }), 'permission', /resource:action/],
  ['an uppercase permission', endpoint({ permission: 'Orders:Write' }), 'permission', /resource:action/],
  ['a wildcard permission', endpoint({ permission: 'orders:*' }), 'permission', /resource:action/],
  ['a control character in the summary', endpoint({ summary: 'a\u0007b' }), 'summary', /control/],
  ['a bidi override in the summary', endpoint({ summary: 'safe\u202eevil' }), 'summary', /bidirectional/],
  ['an overlong summary', endpoint({ summary: 'x'.repeat(201) }), 'summary', /at most 200/],
  ['an empty public reason', endpoint({ permission: null, public: '  ' }), 'public', /at least 3/],
  ['an invalid service name', endpoint({ service: 'Order Service' }), 'service', /ASCII identifier/],
  ['an unknown flag', [...endpoint({}), '--admin', 'yes'], 'admin', /unknown flag/],
  ['a repeated flag', [...endpoint({}), '--name', 'other'], 'name', /more than once/],
  ['a flag without its value', ['endpoint', '--name', '--method', 'POST'], 'name', /needs a value/],
  ['two positional names', ['endpoint', 'a1', 'b1', ...endpoint({ name: null }).slice(1)], 'positional', /positional/],
];

describe('generate endpoint input rules', () => {
  it.each(rejected)('refuses %s with exit 2, one line naming the flag, nothing written', async (_label, argv, flag, rule) => {
    const result = await run(dir, argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    if (flag !== 'positional') expect(lines[0]).toContain(`--${flag}`);
    expect(lines[0]).toMatch(rule);
    expect(lines[0]).not.toMatch(/\n|\u001b|at .*\.ts:\d+/);
    expect(await snapshotTree(dir)).toEqual(pristine);
  });

  it('never echoes hostile input back', async () => {
    for (const argv of [endpoint({ name: HOSTILE }), endpoint({ path: HOSTILE }), ['nope\u001b[2J'], [...endpoint({}), `--${'x'.repeat(80)}`]]) {
      const result = await run(dir, argv);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain('touch');
      expect(result.stderr).not.toContain('\u001b');
      expect(result.stderr.length).toBeLessThan(200);
    }
    expect(await snapshotTree(dir)).toEqual(pristine);
  });

  it('refuses to follow a symlink out of the project, writing nothing anywhere', async () => {
    const project = await copyProject();
    const outside = await mkdtemp(join(tmpdir(), 'golden-path-outside-'));
    try {
      await rm(join(project, 'test', 'endpoints'), { recursive: true, force: true });
      await symlink(outside, join(project, 'test', 'endpoints'), 'dir');
      const before = await snapshotTree(project);
      const result = await run(project, CREATE_ORDER);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: refusing to write test\/endpoints\/create-order\.security\.test\.ts: it resolves outside the project/);
      expect(await readdir(outside)).toEqual([]);
      expect(await snapshotTree(project)).toEqual(before);
    } finally {
      await removeProject(project);
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a dangling symlink where a file would go', async () => {
    const project = await copyProject();
    try {
      await mkdir(join(project, 'test', 'endpoints'), { recursive: true });
      await symlink('/tmp/golden-path-nowhere/evil.ts', join(project, 'test', 'endpoints', 'create-order.security.test.ts'));
      const result = await run(project, CREATE_ORDER);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/symbolic link/);
      await expect(readdir('/tmp/golden-path-nowhere')).rejects.toThrow();
      await expect(readFile(join(project, 'src/endpoints/create-order.ts'))).rejects.toThrow();
    } finally {
      await removeProject(project);
    }
  });
});
