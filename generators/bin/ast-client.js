import { Worker } from 'node:worker_threads';

/**
 * Starts the AST worker early and returns a client for it; resolves each request with
 * `{ text }` or `{ error }`. The worker never keeps the process alive.
 */
export function startAstWorker() {
  const worker = new Worker(new URL('./ast-worker.js', import.meta.url));
  const waiting = new Map();
  let next = 0;
  let broken;
  worker.on('message', ({ id, ...result }) => {
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  worker.on('error', (err) => {
    broken = { error: { message: err instanceof Error ? err.message : String(err) } };
    for (const resolve of waiting.values()) resolve(broken);
    waiting.clear();
  });
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  return {
    addRegistryEntry(text, file, entry) {
      if (broken !== undefined) return Promise.resolve(broken);
      next += 1;
      const id = next;
      worker.ref();
      return new Promise((resolve) => {
        waiting.set(id, (result) => {
          if (waiting.size <= 1) worker.unref();
          resolve(result);
        });
        worker.postMessage({ id, text, file, entry });
      });
    },
  };
}
