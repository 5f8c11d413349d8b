import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { connect, runMigrations } from './data-source.js';
import { resolveDatabase } from './database-url.js';
import { installJobQueue } from '../queue/job-queue.js';

/**
 * `npm run migration:run`: applies pending migrations to DATABASE_URL or the embedded cluster, and
 * installs (or migrates) the job queue's schema and queues: every piece of DDL the service needs.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(config, log);
  try {
    const dataSource = await connect(database.url);
    try {
      const applied = await runMigrations(dataSource);
      log(applied.length === 0 ? 'no pending migrations' : `applied: ${applied.join(', ')}`);
      await installJobQueue(database.url);
      log('job queue schema and queues in place');
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? 'configuration error' : 'migration failed'}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
