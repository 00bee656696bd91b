import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Database } from '../blessed/db/index.js';
import { AppError, DependencyError } from '../blessed/errors/index.js';
import { createLogger, type Logger } from '../blessed/logger/index.js';
import { postgresRateLimitStores } from '../blessed/ratelimit/index.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig, type ServerTimeouts } from './config.js';
import { DEV_CURSOR_SECRET_PATH, developmentSecret } from './dev-secret.js';

/**
 * How long in-flight requests get to finish after SIGTERM before connections are cut. 8 s leaves
 * room to close the database inside the 10 s a container runtime waits (`docker stop`) before
 * it kills the process.
 */
export const SHUTDOWN_GRACE_MS = 8_000;

/**
 * Node checks the header and request timeouts only every `connectionsCheckingInterval` (30 s by
 * default), so a 10 s header timeout cut a dripping client after ~37 s. Checking at a quarter of
 * the header timeout (at most every second) cuts it within a quarter past the limit.
 */
export function checkingIntervalMs(timeouts: ServerTimeouts): number {
  return Math.max(25, Math.min(1_000, Math.floor(timeouts.headersMs / 4)));
}

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
  // The database opens (and migrates) while the service already listens: the liveness probe is
  // answered meanwhile, every other request waits in the app's gate until it is open. Time to the
  // first 200 from /health, interleaved on a loaded machine (bench/workloads/start.ts): compiled
  // start 12.1-13.9 s -> 1.7-2.1 s (new data directory), npm start 15.6-16.2 s -> 5.6-5.8 s.
  // Loaded here, not at the top: the embedded engine's modules then load after the probe answers.
  const opening = import('./database.js').then(({ openServiceDatabase }) => openServiceDatabase(config, deps.logger));
  // Handled here too: a failure surfaces below, after listening, not as an unhandled rejection.
  opening.catch(() => undefined);
  const database = whenOpen(opening, config.databaseUrl === undefined ? 'pglite' : 'postgres');
  // Several instances on one PostgreSQL share their rate-limit counts; the embedded database serves one.
  const sharedLimits =
    config.databaseUrl === undefined
      ? undefined
      : postgresRateLimitStores({ url: config.databaseUrl, logger: deps.logger, pruneEveryMs: config.rateLimits.windowMs });
  const app = createApp(config, {
    logger: deps.logger,
    database,
    ready: opening,
    ...(sharedLimits === undefined ? {} : { rateLimitStore: sharedLimits.store }),
  });
  // Slow clients must not hold sockets forever (slowloris); a JSON API needs no long uploads.
  const timeouts = config.serverTimeouts;
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: checkingIntervalMs(timeouts),
    },
    app,
  );
  const stopAll = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Opened or not, the embedded database must not stay open: its handles keep the process alive.
    await opening.then(
      (db) => db.close(),
      () => undefined,
    );
    await sharedLimits?.close();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await opening.then(
      (db) => db.close(),
      () => undefined,
    );
    await sharedLimits?.close();
    throw err;
  });
  deps.logger.debug({ port: (server.address() as AddressInfo).port }, 'answering the liveness probe while the database opens');
  try {
    await opening;
  } catch (err) {
    await stopAll();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  // Logged once the database is open: "listening" means every route is served.
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
          Promise.all([database.close(), sharedLimits?.close()]).then(
            () => resolve(),
            (err: unknown) => {
              deps.logger.error({ err }, 'database did not close cleanly');
              resolve();
            },
          );
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** The database as the app sees it before it is open; the app's gate keeps requests off it until then. */
function whenOpen(opening: Promise<Database>, engine: Database['engine']): Database {
  let open: Database | undefined;
  opening.then(
    (db) => (open = db),
    () => undefined,
  );
  function current(): Database {
    if (open === undefined) throw new DependencyError(503, 'ERR_DB_UNAVAILABLE', { reason: 'the database is not open yet' });
    return open;
  }
  const database: Database = {
    engine,
    forTenant: (tenantId) => current().forTenant(tenantId),
    withTransaction: (fn) => opening.then((db) => db.withTransaction(fn)),
    migrate: () => opening.then((db) => db.migrate()),
    close: () =>
      opening.then(
        (db) => db.close(),
        () => undefined,
      ),
  };
  return Object.freeze(database);
}

/** Starts the service from the environment: what `npm start` and `node dist/src/server.js` run. */
export async function main(): Promise<void> {
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
  let running: RunningServer;
  try {
    running = await startServer(config, { logger });
  } catch (err) {
    if (err instanceof AppError && err.code.startsWith('ERR_DB_MIGRATION_')) {
      // A refused or failed migration is the project's own SQL to fix, not a crash: one line, exit 1.
      logger.fatal({ code: err.code }, 'migrations refused; not starting');
      process.stderr.write(`error: ${err.message}\n`);
    } else {
      logger.fatal({ err }, 'service did not start');
    }
    process.exitCode = 1;
    return;
  }
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
