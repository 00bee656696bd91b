// @ts-check
// The `secret` rule's scanner, on its own thread so that it runs while the main thread parses
// the sources: on 2 cores a cold check of 1000 endpoints overlaps secretlint's ~0.5 s with the
// parse instead of adding it. Plain JavaScript: a worker does not inherit the TypeScript loader.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { scanText } from './secretlint-scan.js';

// Binary files secretlint cannot read meaningfully.
const SKIP = /\.(?:png|jpe?g|gif|ico|webp|woff2?|ttf|wasm|zip|gz|tgz|pdf|snap)$/i;
const MAX_BYTES = 1024 * 1024;
// secretlint costs about a millisecond per kilobyte; a file it has seen with the same bytes
// (and the same rules) is not scanned again. The cache is machine state, like node_modules.
const CACHE_FILE = join('node_modules', '.cache', 'golden-path', 'secretlint-v1.json');

/** @typedef {{ line: number, column: number, message: string }} Finding */

/** @param {string} root @returns {Map<string, Finding[]>} */
function loadCache(root) {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(join(root, CACHE_FILE), 'utf8'))));
  } catch {
    return new Map();
  }
}

/** @param {string} root @param {ReadonlyMap<string, Finding[]>} cache */
function saveCache(root, cache) {
  const target = join(root, CACHE_FILE);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(cache)));
    renameSync(temp, target);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

/** @param {string} root @param {string} file @returns {string | null} */
function readText(root, file) {
  try {
    const text = readFileSync(join(root, file), 'utf8');
    return text.length > MAX_BYTES ? null : text;
  } catch {
    return null;
  }
}

/** @param {string} file @param {string} content @returns {Promise<Finding[]>} */
async function scan(file, content) {
  return (await scanText(file, content)).map((f) => ({ line: f.line, column: f.column, message: `${f.message} (secretlint ${f.ruleId})` }));
}

/**
 * @param {{ root: string, files: readonly string[], whole: boolean }} job
 * @returns {Promise<{ file: string, findings: Finding[] }[]>}
 */
async function run({ root, files, whole }) {
  const cache = loadCache(root);
  /** @type {Map<string, Finding[]>} */
  const seen = new Map();
  let scanned = 0;
  const results = [];
  for (const file of files) {
    if (SKIP.test(file)) continue;
    const content = readText(root, file);
    if (content === null) continue;
    // The path is part of the key: some rules look at the file name (.npmrc, .env).
    const key = createHash('sha256').update(file).update('\0').update(content).digest('base64url');
    let findings = cache.get(key);
    if (findings === undefined) {
      findings = await scan(file, content);
      scanned += 1;
    }
    seen.set(key, findings);
    if (findings.length > 0) results.push({ file, findings });
  }
  // Only what a whole-project run saw is kept, so the cache never outgrows the project.
  if (scanned > 0 || seen.size !== cache.size) saveCache(root, whole ? seen : new Map([...cache, ...seen]));
  return results;
}

run(workerData).then(
  (results) => parentPort?.postMessage({ results }),
  (err) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }),
);
