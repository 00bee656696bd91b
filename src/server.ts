import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createLogger, type Logger } from '../blessed/logger/index.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { openServiceDatabase } from './database.js';
import { DEV_CURSOR_SECRET_PATH, developmentSecret } from './dev-secret.js';

/** How long in-flight requests get to finish after SIGTERM before connections are cut. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `config.port` and returns a handle whose `close` drains in-flight requests.
 *
 * @example
 * const running = await startServer(loadConfig(process.env), { logger: createLogger() });
 */
export async function startServer(config: AppConfig, deps: { logger: Logger }): Promise<RunningServer> {
  const database = await openServiceDatabase(config, deps.logger);
  const app = createApp(config, { logger: deps.logger, database });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
  // Slow clients must not hold sockets forever (slowloris); a JSON API needs no long uploads.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  const { port } = server.address() as AddressInfo;
  deps.logger.info({ port, mode: config.mode }, 'service listening');
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          // Only after the last request: the embedded database flushes and releases its files.
          database.close().then(resolve, (err: unknown) => {
            deps.logger.error({ err }, 'database did not close cleanly');
            resolve();
          });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, {
      developmentSecret: () => developmentSecret(),
      developmentCursorSecret: () => developmentSecret(DEV_CURSOR_SECRET_PATH),
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ level: config.logLevel, name: 'golden-path' });
  const running = await startServer(config, { logger });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    void running.close().then(() => logger.info('stopped'));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
