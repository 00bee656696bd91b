import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject, run, snapshotTree } from './project.js';

let dir: string;
let pristine: Map<string, string>;

beforeAll(async () => {
  dir = await copyProject();
  pristine = await snapshotTree(dir);
});

afterAll(async () => {
  await removeProject(dir);
});

const PAYMENTS = ['client', 'payments', '--base-url', 'https://api.payments.example/v1'];

describe('generate client', () => {
  it('refuses bad input naming the flag, with the tree byte-identical', async () => {
    const cases: [string[], RegExp][] = [
      [['client', 'payments'], /^error: --base-url is required\n$/],
      [['client', 'payments', '--base-url', 'http://api.payments.example'], /^error: --base-url must use https\n$/],
      [['client', 'payments', '--base-url', 'https://user:pw@api.payments.example'], /must not carry credentials/],
      [['client', 'payments', '--base-url', 'https://127.0.0.1/v1'], /must name a host by its DNS name/],
      [['client', 'payments', '--base-url', 'https://localhost'], /must name a host by its DNS name/],
      [['client', 'payments', '--base-url', 'https://api.payments.example/v1?key=x'], /must not have a query/],
      [['client', 'payments', '--base-url', 'https://api.payments.example:8443'], /default https port/],
      [['client', 'payments', '--base-url', 'https://api.payments.example/%2e%2e'], /plain lowercase segments/],
      [['client', 'call', '--base-url', 'https://api.payments.example'], /^error: --name must not equal a name the generated code already uses/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(dir, argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await snapshotTree(dir)).toEqual(pristine);
    }
  });

  it('writes the client and its test, with the host as the allowlist and the URL left to the environment', async () => {
    const result = await run(dir, [...PAYMENTS, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      created: ['src/clients/payments.ts', 'test/clients/payments.test.ts', '.golden-path/manifest.json'],
      modified: [],
    });
    const source = await readFile(join(dir, 'src/clients/payments.ts'), 'utf8');
    await expect(source).toMatchFileSnapshot('__snapshots__/client/payments.ts.snap');
    await expect(await readFile(join(dir, 'test/clients/payments.test.ts'), 'utf8')).toMatchFileSnapshot('__snapshots__/client/payments.test.ts.snap');
    expect(source).toContain("export const PaymentsHost = 'api.payments.example';");
    // The URL is only an example in the error message; the client takes it from the environment.
    expect(source).not.toMatch(/baseUrl: '/);
    expect(source).toContain('baseUrl: config.baseUrl,');
  });

  it('changes nothing on a second run', async () => {
    const before = await snapshotTree(dir);
    const again = await run(dir, PAYMENTS);
    expect(again.stdout).toContain('nothing to do');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});
