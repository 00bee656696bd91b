import { parentPort } from 'node:worker_threads';
import { flushCodeCache, loadTypeScript } from './load.js';

// Loads ts-morph on a second thread while the main one parses answers and renders templates.
const ast = await loadTypeScript(new URL('../toolkit/ast.ts', import.meta.url));
ast.preloadTsMorph();
parentPort?.on('message', async function edit({ id, text, file, entry }) {
  try {
    parentPort?.postMessage({ id, text: await ast.addRegistryEntry(text, file, entry) });
  } catch (err) {
    const { message = String(err), code, exitCode, flag } = err ?? {};
    parentPort?.postMessage({ id, error: { message, code, exitCode, flag } });
  }
  flushCodeCache();
});
