import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by the global setup: a PostgreSQL server to create throwaway databases on. */
export const SERVER_URL_ENV = 'PPT_TEST_SERVER_URL';
/** Set by the global setup: a database with every migration applied, cloned by each test file. */
export const TEMPLATE_ENV = 'PPT_TEST_TEMPLATE_DB';

export function serverUrl(): string {
  const url = process.env[SERVER_URL_ENV];
  if (!url) throw new Error(`${SERVER_URL_ENV} is unset: run the tests through jest's global setup`);
  return url;
}

export function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(server, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh database with the schema applied, cloned from the template; returns its URL. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = serverUrl();
  const template = process.env[TEMPLATE_ENV];
  const name = uniqueName('ppt_test');
  await withAdminClient(server, (client) =>
    client.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`),
  );
  return {
    url: databaseUrl(server, name),
    drop: () =>
      withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
