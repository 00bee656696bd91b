import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json: `src/..` when run from source, `dist/src/../..` when compiled. */
function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, '..', '..');
  return existsSync(join(here, '..', 'package.json')) || !existsSync(join(compiled, 'package.json')) ? join(here, '..') : compiled;
}

export const PROJECT_ROOT = projectRoot();
export const DEV_SECRET_PATH = join(PROJECT_ROOT, '.golden-path', 'dev-secret');
/** Signs pagination cursors in development; apart from the token secret so neither can stand in for the other. */
export const DEV_CURSOR_SECRET_PATH = join(PROJECT_ROOT, '.golden-path', 'cursor-secret');

/**
 * The development signing secret: random per checkout, kept in a git-ignored file so that
 * `npm start` and `golden-path token` agree without anyone committing a secret.
 */
export function developmentSecret(path: string = DEV_SECRET_PATH): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': if another process created it first, use theirs rather than overwrite it.
    writeFileSync(path, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw err;
  }
}
