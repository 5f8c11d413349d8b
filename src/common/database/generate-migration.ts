import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { connect, runMigrations } from './data-source.js';
import { resolveDatabase } from './database-url.js';

/**
 * `npm run migration:generate -- <Name>`: brings the database up to date, compares it with
 * the entities and writes the difference as `migrations/<timestamp>-<Name>.ts`, to review and
 * then register in MIGRATIONS. `--check` writes nothing and exits 1 when there is a difference
 * (CI uses it through the schema test).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const name = args.find((arg) => !arg.startsWith('--'));
  if (!check && (name === undefined || !/^[A-Z][A-Za-z0-9]*$/.test(name))) {
    throw new Error('give the migration a PascalCase name: npm run migration:generate -- AddEvents');
  }
  const config = loadConfig();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(config, log);
  try {
    const dataSource = await connect(database.url);
    try {
      await runMigrations(dataSource);
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        log('entities and migrations agree: nothing to generate');
        return;
      }
      if (check) {
        log(sql.upQueries.map((query) => query.query).join(';\n'));
        throw new Error('the entities differ from the migrated schema');
      }
      const timestamp = Date.now();
      const escape = (query: string): string => query.replace(/\\/g, '\\\\').replace(/`/g, '\\`');
      const up = sql.upQueries.map((q) => `    await queryRunner.query(\`${escape(q.query)}\`);`).join('\n');
      const down = sql.downQueries
        .reverse()
        .map((q) => `    await queryRunner.query(\`${escape(q.query)}\`);`)
        .join('\n');
      const file = path.resolve('migrations', `${timestamp}-${name}.ts`);
      await writeFile(
        file,
        `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`,
      );
      log(
        `wrote ${path.relative(process.cwd(), file)}: review it, then add ${name}${timestamp} to MIGRATIONS in src/common/database/data-source.ts`,
      );
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? 'configuration error' : 'migration:generate failed'}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
