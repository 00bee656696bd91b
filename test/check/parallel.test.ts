import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../generators/check/index.js';
import { parseConfig } from '../../generators/check/config.js';
import { startHelper } from '../../generators/check/parallel.js';
import { checkOneSource } from '../../generators/check/run-source.js';
import type { SourceRule } from '../../generators/check/types.js';
import { RULE_METAS, RULES } from '../../generators/check/rules/index.js';

let root: string;

// Sources with findings, suppressions (used, unused, malformed) and a parse error, spread so
// that both threads take some of each.
const FILES: Record<string, string> = {};
for (let i = 0; i < 24; i += 1) {
  FILES[`src/lib/raw-${i}.ts`] = `import express from 'express';\nconst app = express();\napp.get('/x${i}', (_req, res) => res.end());\n`;
  FILES[`src/lib/log-${i}.ts`] = `// golden-path-ignore no-console -- a startup banner, before the logger exists\nconsole.log('up ${i}');\nconsole.info('twice');\n`;
  FILES[`src/lib/quiet-${i}.ts`] = `// golden-path-ignore no-console\nexport const n${i} = ${i};\n`;
  FILES[`src/lib/fine-${i}.ts`] = `export function add${i}(a: number, b: number): number {\n  return a + b;\n}\n`;
}
FILES['src/lib/broken.ts'] = 'export const = ;\n';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gp-check-parallel-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('check on two threads', () => {
  it('reports exactly what one thread reports, suppressions applied, in the same order', async () => {
    const rules = RULES.filter((rule) => rule.kind === 'source');
    const single = await runCheck({ root, paths: ['src'], rules, parallelFrom: Number.POSITIVE_INFINITY });
    const parallel = await runCheck({ root, paths: ['src'], rules, parallelFrom: 1 });
    const ids = new Set(single.violations.map((v) => v.ruleId));
    expect([...ids].sort()).toEqual(['no-console', 'parse-error', 'raw-route', 'suppression']);
    expect(single.violations.length).toBeGreaterThan(24 * 3);
    expect(parallel.violations).toEqual(single.violations);
    expect(parallel.filesChecked).toBe(single.filesChecked);
  });
});

describe('the parsing thread', () => {
  it('given every file, finds per file what the main thread finds', async () => {
    const sources = Object.keys(FILES).sort();
    const rules = RULES.filter((rule): rule is SourceRule => rule.kind === 'source');
    const config = parseConfig({});
    const shared = new SharedArrayBuffer(8);
    const helper = startHelper({ root, sources, ruleIds: rules.map((rule) => rule.id), config, shared });
    const fromHelper = await helper.results;
    await helper.worker.terminate();
    expect(new Int32Array(shared)[1]).toBe(1);
    expect(fromHelper.map(([index]) => index)).toEqual(sources.map((_, index) => index));
    const known = new Set(RULE_METAS.map((rule) => rule.id));
    for (const [index, result] of fromHelper) {
      const path = sources[index] ?? '';
      expect(result).toEqual(checkOneSource(path, FILES[path] ?? '', rules, config, known));
    }
  });
});
