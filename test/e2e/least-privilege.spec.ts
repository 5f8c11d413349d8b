import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { type Service, startService } from '../helpers/service.js';
import { ADMIN_TOKEN } from '../helpers/test-app.js';
import { databaseUrl, serverUrl, uniqueName, withAdminClient } from '../helpers/test-database.js';

const run = promisify(execFile);

/** The few fields of an answer this test reads. */
interface Answer {
  slug?: string;
  id?: string;
  transition?: { id: string };
}
const PASSWORD = 'ppt-least-privilege';

/** The server's URL for `database`, as `role`. */
function urlAs(role: string, database: string): string {
  const url = new URL(databaseUrl(serverUrl(), database));
  url.username = role;
  url.password = PASSWORD;
  return url.toString();
}

/**
 * The service running as a role that owns nothing (README, "Running as a role that owns
 * nothing"): the owner applies the migrations and the job queue's schema, grants
 * `deploy/app-role.sql`, and the service starts, writes and reads as the other role, which can
 * switch no guard off and change no schema.
 */
describe('running as a role that owns nothing', () => {
  const [owner, app, database] = [uniqueName('ppt_owner'), uniqueName('ppt_app'), uniqueName('ppt_lp')];
  let service: Service | undefined;
  beforeAll(async () => {
    await withAdminClient(serverUrl(), async (client) => {
      await client.query(`CREATE ROLE ${owner} LOGIN PASSWORD '${PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE`);
      await client.query(`CREATE ROLE ${app} LOGIN PASSWORD '${PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE`);
      await client.query(`CREATE DATABASE ${database} OWNER ${owner}`);
    });
  });
  afterAll(async () => {
    await service?.stop();
    await withAdminClient(serverUrl(), async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${app}`);
      await client.query(`DROP ROLE IF EXISTS ${owner}`);
    });
  });

  it('migrates as the owner, then serves as a role that can change rows but no guard and no schema', async () => {
    const migrated = await run(process.execPath, ['dist/src/common/database/migrate.js'], {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: urlAs(owner, database) },
    });
    expect(migrated.stdout).toMatch(/job queue schema and queues in place/);
    const grants = (await readFile('deploy/app-role.sql', 'utf8')).replaceAll('tracker_app', app);
    const asOwner = new pg.Client({ connectionString: urlAs(owner, database) });
    await asOwner.connect();
    try {
      await asOwner.query(grants);
    } finally {
      await asOwner.end();
    }

    // Deliveries (to nothing listening) exercise the job queue as this role too.
    service = await startService(urlAs(app, database), { SEED_ON_EMPTY: 'false', WEBHOOK_ALLOW_PRIVATE: 'true' });
    const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }> => {
      const response = await fetch(`http://127.0.0.1:${service?.port}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Answer };
    };
    expect((await api('POST', '/actors', { kind: 'state', name: 'Mongolia' })).status).toBe(201);
    const proposal = await api('POST', '/proposals', {
      title: 'Northeast Asian energy ring',
      proposedOn: '2024-05',
      proposers: [{ actor: 'mongolia' }],
      sources: [{ publisher: 'Montsame' }],
    });
    expect(proposal.status).toBe(201);
    const moved = await api('POST', `/proposals/${String(proposal.body.slug)}/transitions`, {
      to: 'under_discussion',
      occurredOn: '2025',
      sources: [{ publisher: 'Montsame', title: 'Consultations' }],
    });
    expect(moved.status).toBe(201);
    const webhook = await api('POST', '/webhooks', { url: 'http://127.0.0.1:9/tracker' });
    expect(webhook.status).toBe(201);
    expect((await api('GET', `/proposals/${String(proposal.body.slug)}/positions`)).status).toBe(200);
    const transitionId = (moved.body.transition?.id ?? moved.body.id) as string;
    expect(
      (
        await api('POST', `/proposals/${String(proposal.body.slug)}/transitions/${transitionId}/retract`, {
          reason: 'x',
        })
      ).status,
    ).toBe(200);

    const asApp = new pg.Client({ connectionString: urlAs(app, database) });
    await asApp.connect();
    try {
      for (const [sql, refusal] of [
        ['ALTER TABLE transitions DISABLE TRIGGER ALL', /must be owner/],
        ['SET session_replication_role = replica', /permission denied/],
        ['DROP TABLE audit_log', /must be owner/],
        ['CREATE TABLE scratch (id int)', /permission denied/],
        ['TRUNCATE audit_log', /permission denied/],
        ['DELETE FROM transitions', /append-only/],
        ['DELETE FROM audit_log', /not allowed/],
      ] as const) {
        await expect(asApp.query(sql)).rejects.toThrow(refusal);
      }
    } finally {
      await asApp.end();
    }
  });
});
