import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { ConfigError, loadConfig } from '../src/common/config/app-config.js';
import { connect, runMigrations } from '../src/common/database/data-source.js';
import { resolveDatabase } from '../src/common/database/database-url.js';
import { AppLogger } from '../src/common/logging/app-logger.js';
import { SeedingService } from '../src/modules/seeding/seeding.service.js';

/**
 * `npm run seed`: loads `seeds/data` into DATABASE_URL, or the embedded cluster under DATA_DIR
 * (stop the service first: one cluster, one server). Running it again changes nothing.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(config, log);
  try {
    const migrator = await connect(database.url);
    try {
      const applied = await runMigrations(migrator);
      if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    } finally {
      await migrator.destroy();
    }
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ config, databaseUrl: database.url, logger: new AppLogger('warn') }),
      { logger: new AppLogger('warn') },
    );
    try {
      await app.get(SeedingService).load(log);
    } finally {
      await app.close();
    }
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  const prefix = error instanceof ConfigError ? 'configuration error' : 'seed failed';
  process.stderr.write(`${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
