import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import type { PlannedChange } from './change-set.js';

/** The file operations a commit uses; injectable so a test can make one fail midway. */
export interface CommitFs {
  mkdir(path: string): Promise<unknown>;
  writeFile(path: string, data: string | Buffer, options: { flag: string; mode?: number }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  lstat(path: string): Promise<{ mode: number }>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
}

export const nodeFs: CommitFs = {
  mkdir: (path) => fs.mkdir(path),
  writeFile: (path, data, options) => fs.writeFile(path, data, options),
  rename: (from, to) => fs.rename(from, to),
  readFile: (path) => fs.readFile(path),
  lstat: (path) => fs.lstat(path),
  unlink: (path) => fs.unlink(path),
  rmdir: (path) => fs.rmdir(path),
};

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function missingParents(file: string, io: CommitFs): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      await io.lstat(dir);
      break;
    } catch {
      missing.unshift(dir);
    }
  }
  return missing;
}

async function quietly(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch {
    // Rolling back is best effort per step; the original failure is the one reported.
  }
}

/**
 * Writes every planned change or none. Each file is written to a temporary sibling first and
 * renamed over its target only when all of them were written; on any failure the renamed
 * files get their original bytes back, and new files and folders are removed.
 *
 * @example
 * await commit(plan.list());
 */
export async function commit(changes: readonly PlannedChange[], io: CommitFs = nodeFs): Promise<void> {
  const pending = changes.filter((change) => change.kind !== 'unchanged');
  const createdDirs: string[] = [];
  const temps = new Map<PlannedChange, string>();
  const renamed: PlannedChange[] = [];
  try {
    for (const change of pending) {
      const current = await io.readFile(change.absolute).catch(() => null);
      const same = current === null ? change.original === null : change.original !== null && current.equals(change.original);
      if (!same) throw new Error(`${change.path} changed on disk while the plan was made`);
    }
    for (const change of pending) {
      for (const dir of await missingParents(change.absolute, io)) {
        await io.mkdir(dir);
        createdDirs.push(dir);
      }
      const temp = tempSibling(change.absolute);
      const mode = change.original === null ? undefined : (await io.lstat(change.absolute)).mode & 0o777;
      await io.writeFile(temp, change.after, mode === undefined ? { flag: 'wx' } : { flag: 'wx', mode });
      temps.set(change, temp);
    }
    for (const change of pending) {
      await io.rename(temps.get(change) ?? '', change.absolute);
      temps.delete(change);
      renamed.push(change);
    }
  } catch (err) {
    for (const change of renamed.reverse()) {
      if (change.original === null) {
        await quietly(() => io.unlink(change.absolute));
      } else {
        const original = change.original;
        const temp = tempSibling(change.absolute);
        await quietly(async () => {
          await io.writeFile(temp, original, { flag: 'wx' });
          await io.rename(temp, change.absolute);
        });
      }
    }
    for (const temp of temps.values()) await quietly(() => io.unlink(temp));
    for (const dir of createdDirs.reverse()) await quietly(() => io.rmdir(dir));
    const reason = err instanceof Error ? err.message : String(err);
    throw new CLIError(`nothing was written: ${reason}`, { exitCode: EXIT_FAILURE, code: 'ERR_COMMIT_FAILED', cause: err });
  }
}
