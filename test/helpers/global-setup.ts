import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import 'reflect-metadata';
// Jest loads the global setup outside its module mapper: it imports the compiled build
// (`pretest` makes it) and nothing from the TypeScript test helpers.
import { connect, runMigrations } from '../../dist/src/common/database/data-source.js';
import { startEmbeddedPostgres } from '../../dist/src/common/database/embedded-postgres.js';

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
  let server = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!server) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppt-test-pg-'));
    const embedded = await startEmbeddedPostgres(dir, (line) => process.stderr.write(`[postgres] ${line}\n`));
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

  process.env.PPT_TEST_SERVER_URL = server;
  process.env.PPT_TEST_TEMPLATE_DB = template;
  const serverUrl = server;
  globalThis.__PPT_TEST_TEARDOWN__ = async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await stopEmbedded?.();
  };
}
