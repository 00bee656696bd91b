import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFs, type CommitFs } from '../../generators/toolkit/commit.js';
import { copyProject, CREATE_ORDER, removeProject, run, snapshotTree } from './project.js';

let dir: string;

beforeEach(async () => {
  dir = await copyProject();
});

afterEach(async () => {
  await removeProject(dir);
});

/** The real file system, except that the `n`th call of `operation` fails. */
function failing(operation: 'rename' | 'writeFile' | 'mkdir', n: number): CommitFs & { calls: () => number } {
  let count = 0;
  const fail = async (): Promise<never> => {
    throw Object.assign(new Error('injected failure'), { code: 'EIO' });
  };
  return {
    ...nodeFs,
    [operation]: async (...args: unknown[]) => {
      count += 1;
      if (count === n) return fail();
      return (nodeFs[operation] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
    calls: () => count,
  };
}

describe('generate endpoint writes all or nothing', () => {
  it.each([
    ['the second rename (one file already in place)', 'rename', 2],
    ['the last rename (two files already in place)', 'rename', 3],
    ['the second temp-file write', 'writeFile', 2],
    ['creating the test folder', 'mkdir', 1],
  ] as const)('leaves the tree byte for byte as it was when %s fails', async (_label, operation, n) => {
    // The routes.ts edit and a new folder are both part of the plan.
    await rm(join(dir, 'test', 'endpoints'), { recursive: true, force: true });
    const before = await snapshotTree(dir);
    const fs = failing(operation, n);
    const result = await run(dir, CREATE_ORDER, { fs });
    expect(fs.calls()).toBeGreaterThanOrEqual(n);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: nothing was written: injected failure\n$/);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('keeps an edited file intact when a later step fails, then succeeds on retry', async () => {
    await run(dir, ['endpoint', 'getThing', '--method', 'GET', '--path', '/things/:thingId', '--permission', 'things:read', '--summary', 'Get']);
    const routes = await readFile(join(dir, 'src/routes.ts'));
    const result = await run(dir, CREATE_ORDER, { fs: failing('rename', 3) });
    expect(result.code).toBe(1);
    expect((await readFile(join(dir, 'src/routes.ts'))).equals(routes)).toBe(true);
    expect((await run(dir, CREATE_ORDER)).code).toBe(0);
    expect(await readFile(join(dir, 'src/routes.ts'), 'utf8')).toContain('  createOrder,');
  });
});
