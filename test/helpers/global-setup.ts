import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import 'reflect-metadata';

// Jest loads the global setup outside its module mapper, so it imports the compiled build
// (`pretest` makes it), typed by the sources it was compiled from.
type DataSourceModule = typeof import('../../src/common/database/data-source.js');
type EmbeddedModule = typeof import('../../src/common/database/embedded-postgres.js');
const built = (file: string): Promise<unknown> =>
  import(new URL(`../../dist/src/common/database/${file}`, import.meta.url).href);

declare global {
  // Shared with the global teardown, which runs in the same process.
  var __PPT_TEST_TEARDOWN__: (() => Promise<void>) | undefined;
}

function withDatabase(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(server, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Tests run on real PostgreSQL: the server in DATABASE_URL when set, otherwise an embedded
 * one in a fresh temporary directory. A template database gets the migrations once; every
 * test file clones it (see test-database.ts, which reads the two variables set here).
 */
export default async function globalSetup(): Promise<void> {
  const { connect, runMigrations } = (await built('data-source.js')) as DataSourceModule;
  const { startEmbeddedPostgres } = (await built('embedded-postgres.js')) as EmbeddedModule;
  let server: string | undefined = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!server) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppt-test-pg-'));
    // Tests provoke ERRORs on purpose (the append-only triggers); only a failing server is news.
    const embedded = await startEmbeddedPostgres(dir, (line) => {
      if (/\b(FATAL|PANIC)\b/.test(line) && !line.includes('due to administrator command')) {
        process.stderr.write(`[postgres] ${line}\n`);
      }
    });
    server = embedded.url;
    stopEmbedded = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const template = `ppt_template_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${template}`);
  const dataSource = await connect(withDatabase(server, template));
  await runMigrations(dataSource);
  await dataSource.destroy();
  // The job queue's schema too (pg-boss makes it on a first start), so no test file waits for it.
  const boss = new PgBoss({ connectionString: withDatabase(server, template), schema: 'pgboss', schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });

  process.env.PPT_TEST_SERVER_URL = server;
  process.env.PPT_TEST_TEMPLATE_DB = template;
  const serverUrl = server;
  globalThis.__PPT_TEST_TEARDOWN__ = async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await stopEmbedded?.();
  };
}
