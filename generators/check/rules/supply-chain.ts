import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import satisfies from 'spdx-satisfies';
import type { ProjectContext, ProjectRule, Violation } from '../types.js';

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly license?: string;
  readonly hasInstallScript?: boolean;
  readonly link?: boolean;
  readonly inBundle?: boolean;
}

interface Manifest {
  readonly text: string;
  readonly json: Record<string, unknown>;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

async function readJson(context: ProjectContext, file: string): Promise<Manifest | null> {
  const text = await context.read(file);
  if (text === null) return null;
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null ? { text, json: json as Record<string, unknown> } : null;
  } catch {
    return null;
  }
}

/** The 1-based line where `"key":` first appears in a JSON text, after `after` if given. */
function lineOf(text: string, key: string, after = 0): number {
  const offset = text.indexOf(`"${key}":`, after);
  return offset === -1 ? 1 : text.slice(0, offset).split('\n').length;
}

function packageName(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

const lineCache = new WeakMap<Manifest, Map<string, number>>();

/** The line of each `"node_modules/…": {` key, found in one pass over the lockfile. */
function entryLine(lock: Manifest, path: string): number {
  let lines = lineCache.get(lock);
  if (lines === undefined) {
    lines = new Map();
    lock.text.split('\n').forEach((text, index) => {
      const match = /^\s*"((?:[^"]*\/)?node_modules\/[^"]+)": \{/.exec(text);
      if (match?.[1] !== undefined && !lines?.has(match[1])) lines?.set(match[1], index + 1);
    });
    lineCache.set(lock, lines);
  }
  return lines.get(path) ?? 1;
}

function lockEntries(lock: Manifest): [string, LockEntry][] {
  const packages = lock.json['packages'];
  if (typeof packages !== 'object' || packages === null) return [];
  return Object.entries(packages as Record<string, LockEntry>).filter(
    ([path, entry]) => path !== '' && path.includes('node_modules/') && entry.link !== true && entry.inBundle !== true,
  );
}

/** Every direct dependency is on the allowlist in golden-path.config.json, with its reason. */
export const dependencyAllowlist: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'dependency-allowlist',
  doc: "A dependency in package.json that is not on the project's allowlist",
  fix: 'Add it to "dependencies" in golden-path.config.json with the reason the project needs it (reviewed like code), or remove it.',
  async check(context) {
    const manifest = await readJson(context, 'package.json');
    if (manifest === null) return [];
    const violations: Violation[] = [];
    for (const field of DEPENDENCY_FIELDS) {
      const deps = manifest.json[field];
      if (typeof deps !== 'object' || deps === null) continue;
      const section = manifest.text.indexOf(`"${field}":`);
      for (const name of Object.keys(deps)) {
        if (Object.hasOwn(context.config.dependencies, name)) continue;
        violations.push({
          ruleId: 'dependency-allowlist',
          file: 'package.json',
          line: lineOf(manifest.text, name, section),
          column: 1,
          message: `"${name}" (${field}) is not on the allowlist`,
        });
      }
    }
    return violations;
  },
};

const execFileAsync = promisify(execFile);

async function defaultRegistry(context: ProjectContext): Promise<string | undefined> {
  // npm exports its configuration to the scripts and npx commands it runs.
  const fromEnv = context.env['npm_config_registry'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    const { stdout } = await execFileAsync('npm', ['config', 'get', 'registry'], { cwd: context.root, timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Lockfile entries come from an allowed registry (per scope where configured), with an integrity hash. */
export const lockfileSource: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'lockfile-source',
  doc: 'A lockfile entry resolved from a registry or scope not on the allowlist, or without an integrity hash',
  fix: 'Reinstall it from an allowed registry (golden-path.config.json "registries"/"scopes") so npm records its integrity hash.',
  async check(context) {
    const lock = await readJson(context, 'package-lock.json');
    if (lock === null) return [];
    const entries = lockEntries(lock);
    const configured = context.config.registries.map(withSlash);
    const fallback = configured.length === 0 || entries.some(([, e]) => e.resolved !== undefined) ? await defaultRegistry(context) : undefined;
    const allowed = [...configured, ...(fallback === undefined ? [] : [withSlash(fallback)])];
    const violations: Violation[] = [];
    for (const [path, entry] of entries) {
      const name = packageName(path);
      const line = entryLine(lock, path);
      const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
      const pinned = scope === undefined ? undefined : context.config.scopes[scope];
      const registries = pinned === undefined ? allowed : [withSlash(pinned)];
      if (entry.resolved !== undefined && !registries.some((registry) => entry.resolved?.startsWith(registry))) {
        const where = pinned === undefined ? 'an allowed registry' : `the registry pinned for ${scope ?? ''}`;
        violations.push({
          ruleId: 'lockfile-source',
          file: 'package-lock.json',
          line,
          column: 1,
          message: `${name}@${entry.version ?? '?'} is resolved from ${new URL(entry.resolved, 'file:///').origin}, not ${where}`,
        });
      }
      if (entry.resolved !== undefined && (entry.integrity === undefined || !/^sha(?:256|384|512)-/.test(entry.integrity))) {
        violations.push({
          ruleId: 'lockfile-source',
          file: 'package-lock.json',
          line,
          column: 1,
          message: `${name}@${entry.version ?? '?'} has no sha256/384/512 integrity hash`,
        });
      }
    }
    return violations;
  },
};

/** Install scripts run only for packages named in package.json "allowScripts". */
export const installScript: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'install-script',
  doc: 'A package with an install script that package.json "allowScripts" does not allow',
  fix: 'Add the package to "allowScripts" in package.json after reviewing its script, or find a package without one.',
  async check(context) {
    const [manifest, lock] = await Promise.all([readJson(context, 'package.json'), readJson(context, 'package-lock.json')]);
    if (manifest === null || lock === null) return [];
    const allowed = (manifest.json['allowScripts'] ?? {}) as Record<string, unknown>;
    return lockEntries(lock)
      .filter(([path, entry]) => entry.hasInstallScript === true && allowed[packageName(path)] !== true)
      .map(([path, entry]) => ({
        ruleId: 'install-script',
        file: 'package-lock.json',
        line: entryLine(lock, path),
        column: 1,
        message: `${packageName(path)}@${entry.version ?? '?'} has an install script that is not allowed`,
      }));
  },
};

/** Every locked package's licence satisfies the allowed list. */
export const license: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'license',
  doc: 'A dependency whose licence is not on the allowed list',
  fix: 'Replace the package, or after legal review add the licence to "licenses" (or the package to "licenseExceptions") in golden-path.config.json.',
  async check(context) {
    const allowed = context.config.licenses;
    const lock = allowed.length === 0 ? null : await readJson(context, 'package-lock.json');
    if (lock === null) return [];
    const violations: Violation[] = [];
    for (const [path, entry] of lockEntries(lock)) {
      const name = packageName(path);
      if (Object.hasOwn(context.config.licenseExceptions, name)) continue;
      let ok = false;
      try {
        ok = entry.license !== undefined && satisfies(entry.license, allowed);
      } catch {
        ok = false;
      }
      if (!ok)
        violations.push({
          ruleId: 'license',
          file: 'package-lock.json',
          line: entryLine(lock, path),
          column: 1,
          message: `${name}@${entry.version ?? '?'} is licensed "${entry.license ?? 'unknown'}", outside the allowed list`,
        });
    }
    return violations;
  },
};
