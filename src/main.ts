import 'reflect-metadata';
import { createApp, prepareDatabase } from './app.factory.js';
import { ConfigError, loadConfig } from './common/config/app-config.js';
import { withSessionSecret } from './common/config/session-secret.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './common/database/embedded-postgres.js';
import { AppLogger } from './common/logging/app-logger.js';

/** How long a SIGTERM or SIGINT waits for in-flight requests before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
    // Required with DATABASE_URL: refused before anything starts.
    if (config.databaseUrl !== undefined) config = await withSessionSecret(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = new AppLogger(config.logLevel);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    logger.write('info', 'starting embedded PostgreSQL', { dataDir: config.dataDir });
    embedded = await startEmbeddedPostgres(config.dataDir, (line) =>
      logger.write(/\b(ERROR|FATAL|PANIC)\b/.test(line) ? 'warn' : 'info', line, { context: 'postgres' }),
    );
    databaseUrl = embedded.url;
    // Kept in DATA_DIR, which the embedded PostgreSQL's start has made (or said why it cannot).
    config = await withSessionSecret(config).catch(async (error: unknown) => {
      await embedded?.stop();
      throw error;
    });
  }

  const app = await createApp({ config, databaseUrl, logger });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.write('info', 'shutting down', { signal });
    // In-flight requests get a grace period to finish; new ones are answered 503 meanwhile.
    const deadline = setTimeout(() => {
      logger.write('error', 'in-flight requests outlived the shutdown grace period; exiting', {
        graceMs: SHUTDOWN_GRACE_MS,
      });
      void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
    }, SHUTDOWN_GRACE_MS);
    deadline.unref();
    try {
      await app.close();
    } finally {
      await embedded?.stop();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await prepareDatabase(app, config, (line) => logger.write('info', line));
  await app.listen(config.port, '0.0.0.0');
  logger.write('info', 'listening', {
    url: `http://localhost:${config.port}`,
    signIn: `http://localhost:${config.port}/login`,
    docs: `http://localhost:${config.port}/docs`,
    database: embedded ? `embedded, files in ${config.dataDir}` : 'DATABASE_URL',
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`startup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
