import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Machine state and build output, never project files. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.data', '.golden-path', 'coverage', 'dist', '.cache']);
// The generators' committed bundle (`npm run build:generators`): ~1 MB of esbuild output from the
// sources the walk already reads, packages included; the rules and secretlint have nothing to
// find there that is not found in its inputs. Named by path, not only caught by 'dist' above.
const BUILD_OUTPUT = new Set(['generators/dist']);

/** Every file under `root`, project-relative with `/`, skipping machine state and `ignore`d folders. */
export async function listFiles(root: string, ignore: readonly string[] = []): Promise<string[]> {
  const ignored = new Set(ignore.map((path) => path.replace(/\/+$/, '')));
  const files: string[] = [];
  async function visit(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const absolute = join(dir, entry.name);
        const path = relative(root, absolute).split(sep).join('/');
        if (ALWAYS_SKIPPED.has(entry.name) || BUILD_OUTPUT.has(path) || ignored.has(path)) return;
        if (entry.isDirectory()) await visit(absolute);
        else if (entry.isFile()) files.push(path);
      }),
    );
  }
  await visit(root);
  return files.sort();
}

/** Whether `file` is one of the requested paths or inside one of them. */
export function selected(file: string, paths: readonly string[]): boolean {
  return paths.some((path) => path === '.' || path === '' || file === path || file.startsWith(`${path}/`));
}
