import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { AppConfig } from './common/config/app-config.js';
import { connect, runMigrations } from './common/database/data-source.js';
import { resolveDatabase } from './common/database/database-url.js';
import { AppLogger } from './common/logging/app-logger.js';

/**
 * What a command (`npm run seed`, `npm run restore`) works in: DATABASE_URL, or the embedded
 * cluster under DATA_DIR started for it (stop the service first: one cluster, one server), its
 * pending migrations applied, and the application's services without HTTP; all of it stopped
 * once `work` is done.
 */
export async function inCommandContext(
  config: AppConfig,
  log: (line: string) => void,
  work: (app: INestApplicationContext) => Promise<void>,
): Promise<void> {
  const database = await resolveDatabase(config, log);
  try {
    const migrator = await connect(database.url);
    try {
      const applied = await runMigrations(migrator);
      if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    } finally {
      await migrator.destroy();
    }
    const logger = new AppLogger('warn');
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ config, databaseUrl: database.url, logger }),
      { logger },
    );
    try {
      await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await database.release();
  }
}
