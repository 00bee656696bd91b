import { execFile } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';

/** Formats planned files; returns the formatted text of each path it was given. */
export type Formatter = (files: ReadonlyMap<string, string>) => Promise<ReadonlyMap<string, string>>;

const CONFIG_NAMES = ['biome.json', 'biome.jsonc'] as const;
// What Biome formats; everything else a generator writes (SQL, Markdown) is left as rendered.
const FORMATTED = /\.(?:[cm]?[jt]sx?|jsonc?)$/;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The command that runs the project's Biome: its native binary when found (the launcher script costs a node start). */
function biomeCommand(root: string): { file: string; args: string[] } | undefined {
  let launcher: string;
  try {
    launcher = createRequire(join(root, 'package.json')).resolve('@biomejs/biome/bin/biome');
  } catch {
    return undefined;
  }
  const exe = process.platform === 'win32' ? 'biome.exe' : 'biome';
  for (const suffix of ['', '-musl']) {
    try {
      return { file: createRequire(launcher).resolve(`@biomejs/cli-${process.platform}-${process.arch}${suffix}/${exe}`), args: [] };
    } catch {
      // Not this variant.
    }
  }
  return { file: process.execPath, args: [launcher] };
}

/**
 * The project's own formatter, when it has one: Biome with the project's biome.json, so generated
 * code already passes the project's `npm run lint` (including a team's own line width or quote
 * style). One Biome process formats the whole plan in a temp folder laid out like the project,
 * so the config's `files.includes` applies as it does in the project. No config or no Biome
 * installed: no formatter, and files stay as the templates render them.
 *
 * @example
 * const format = await projectFormatter(process.cwd());
 * if (format) await plan.finish(format);
 */
export async function projectFormatter(root: string): Promise<Formatter | undefined> {
  let config: string | undefined;
  for (const name of CONFIG_NAMES) if (config === undefined && (await exists(join(root, name)))) config = name;
  const biome = biomeCommand(root);
  if (config === undefined || biome === undefined) return undefined;
  const configName = config;
  return async function formatWithBiome(files) {
    const wanted = [...files.keys()].filter((path) => FORMATTED.test(path));
    if (wanted.length === 0) return new Map();
    const dir = await mkdtemp(join(tmpdir(), 'golden-path-format-'));
    try {
      await copyFile(join(root, configName), join(dir, configName));
      for (const path of wanted) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), files.get(path) ?? '');
      }
      await promisify(execFile)(biome.file, [...biome.args, 'format', '--write', '--vcs-enabled=false', '--no-errors-on-unmatched', ...wanted], {
        cwd: dir,
        timeout: 30_000,
      }).catch((err: Error & { stderr?: string }) => {
        const reason = (err.stderr ?? err.message).split('\n').find((line) => line.trim() !== '') ?? 'failed';
        throw new CLIError(
          `formatting the generated files with the project's Biome (${configName}) failed: ${reason.trim().slice(0, 200)}; nothing was written`,
          {
            exitCode: EXIT_FAILURE,
            code: 'ERR_FORMAT_FAILED',
          },
        );
      });
      const formatted = new Map<string, string>();
      for (const path of wanted) formatted.set(path, await readFile(join(dir, path), 'utf8'));
      return formatted;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
