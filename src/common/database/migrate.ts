import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { connect, runMigrations } from './data-source.js';
import { resolveDatabase } from './database-url.js';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL or the embedded cluster. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(config, log);
  try {
    const dataSource = await connect(database.url);
    try {
      const applied = await runMigrations(dataSource);
      log(applied.length === 0 ? 'no pending migrations' : `applied: ${applied.join(', ')}`);
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
