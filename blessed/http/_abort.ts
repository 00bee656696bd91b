function ignore(): void {}

/**
 * Settles like `work`, or rejects with the signal's reason as soon as it aborts.
 *
 * undici does not settle a request whose signal aborts while its connection is still being set
 * up (slow DNS, a hanging TCP or TLS handshake): it waits for the connect timeout. The deadline
 * and the caller's signal must bound every phase, so the call stops waiting here; the abandoned
 * request fails on its own later and that failure is consumed, never unhandled.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(ignore);
    return Promise.reject(signal.reason as unknown);
  }
  return new Promise<T>(function race(resolve, reject) {
    function onAbort(): void {
      work.catch(ignore);
      reject(signal.reason as unknown);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      function settled(value) {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      function failed(err: unknown) {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
