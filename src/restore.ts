import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { inCommandContext } from './command-context.js';
import { ConfigError, loadConfig } from './common/config/app-config.js';
import { Db } from './common/database/db.js';
import { DomainError } from './common/errors/domain-error.js';
import { dumpText, isGzip, restoreDump } from './modules/bulk/dump-restore.js';
import { AdminBootstrapService } from './modules/users/admin-bootstrap.service.js';

/**
 * `npm run restore -- FILE`: loads an export (`GET /export`, gzipped or not) into DATABASE_URL, or
 * into the embedded cluster under DATA_DIR (stop the service first), which must hold no records
 * yet. The admin is made first, as at a first start (its token printed, and kept in DATA_DIR), so
 * that someone can sign in to what was restored.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined || process.argv.length > 3) {
    throw new ConfigError('usage: npm run restore -- FILE (an export: GET /api/v1/export)');
  }
  const gzipped = await open(file).then(
    async (handle) => {
      const start = Buffer.alloc(2);
      await handle.read(start, 0, 2, 0);
      await handle.close();
      return isGzip(start);
    },
    (error: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read ${file} (${error.code ?? error.message})`);
    },
  );
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  await inCommandContext(loadConfig(), log, async (app) => {
    await app.get(AdminBootstrapService).ensureAdmin();
    const started = Date.now();
    const report = await restoreDump(app.get(Db), dumpText(createReadStream(file), gzipped), { log });
    const matched =
      report.usersMatched.length === 0
        ? ''
        : `; records of ${report.usersMatched.join(', ')} are now this database's user of that name`;
    log(`restore done in ${((Date.now() - started) / 1000).toFixed(1)} s${matched}`);
  });
}

main().catch((error: unknown) => {
  const prefix =
    error instanceof ConfigError
      ? 'configuration error'
      : error instanceof DomainError
        ? 'restore refused'
        : 'restore failed';
  process.stderr.write(`${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
