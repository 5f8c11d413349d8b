import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/common/database/embedded-postgres.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/** PostgreSQL stops under a running service and comes back: 503s meanwhile, then recovery. */
describe('database outage', () => {
  let dir: string;
  let database: EmbeddedDatabase;
  let t: TestApp;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppt-outage-'));
    database = await startEmbeddedPostgres(dir);
    t = await startTestApp({
      databaseUrl: database.url,
      env: { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '2000' },
    });
  });
  afterAll(async () => {
    await t.app.close();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 problems fast while the database is down and recovers on its own', async () => {
    const admin = bearer(ADMIN_TOKEN);
    await t.http
      .post('/api/v1/actors')
      .set(...admin)
      .send({ kind: 'state', name: 'Before' })
      .expect(201);

    await database.stop();
    for (const request of [
      () => t.http.get('/api/v1/actors').set(...admin),
      () =>
        t.http
          .post('/api/v1/actors')
          .set(...admin)
          .send({ kind: 'state', name: 'During' }),
      () => t.http.get('/ready'),
    ]) {
      const started = Date.now();
      const response = await request();
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('5');
      expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect((await t.http.get('/health')).status).toBe(200);

    database = await startEmbeddedPostgres(dir, undefined, database.port);
    let recovered = 0;
    for (let attempt = 0; attempt < 50 && recovered !== 200; attempt += 1) {
      recovered = (await t.http.get('/api/v1/actors').set(...admin)).status;
      if (recovered !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toBe(200);
    expect((await t.http.get('/ready')).status).toBe(200);
    const names = (await t.http.get('/api/v1/actors').set(...admin)).body.data.map((a: { name: string }) => a.name);
    expect(names).toEqual(['Before']);
  });
});
