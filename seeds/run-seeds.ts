import 'reflect-metadata';
import { inCommandContext } from '../src/command-context.js';
import { ConfigError, loadConfig } from '../src/common/config/app-config.js';
import { SeedingService } from '../src/modules/seeding/seeding.service.js';

/**
 * `npm run seed`: loads `seeds/data` into DATABASE_URL, or the embedded cluster under DATA_DIR
 * (stop the service first: one cluster, one server). Running it again changes nothing.
 */
async function main(): Promise<void> {
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  await inCommandContext(loadConfig(), log, async (app) => {
    await app.get(SeedingService).load(log);
  });
}

main().catch((error: unknown) => {
  const prefix = error instanceof ConfigError ? 'configuration error' : 'seed failed';
  process.stderr.write(`${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
