import type { AppConfig } from '../config/app-config.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * The database a command works on: DATABASE_URL, or the embedded cluster under DATA_DIR,
 * started for the command and stopped by `release`.
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ url: string; embedded: EmbeddedDatabase | undefined; release: () => Promise<void> }> {
  if (config.databaseUrl !== undefined) {
    return { url: config.databaseUrl, embedded: undefined, release: () => Promise.resolve() };
  }
  log(`starting embedded PostgreSQL (files in ${config.dataDir})`);
  const embedded = await startEmbeddedPostgres(config.dataDir, log);
  return { url: embedded.url, embedded, release: () => embedded.stop() };
}
