import { setTimeout as sleep } from 'node:timers/promises';
import { Db } from '../../src/common/database/db.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('reads that run longer than a request may (reports over everything, the export, a restore)', () => {
  let t: TestApp;
  let db: Db;
  beforeAll(async () => {
    // A request's statement may run 0.3 s; the pool waits 1.3 s for an answer, and lets a
    // transaction sit idle 0.9 s.
    t = await startTestApp({ env: { DB_STATEMENT_TIMEOUT_MS: '300' } });
    db = t.app.get(Db);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a cursor with a timeout of its own outlast the pool’s bounds, and a slow consumer too', async () => {
    const rows: { n: number }[] = [];
    // The first FETCH waits 2 s (past the pool's 1.3 s); the consumer then holds each row 1.2 s
    // (past the 0.9 s a transaction may idle).
    const slow = `SELECT n FROM generate_series(1, 3) n CROSS JOIN LATERAL (SELECT pg_sleep(CASE WHEN n = 1 THEN 2 ELSE 0 END)) s`;
    for await (const batch of db.cursor<{ n: number }>(slow, [], 1, undefined, 10_000)) {
      rows.push(...batch);
      await sleep(1200);
    }
    expect(rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  }, 20_000);

  it('still holds a request’s cursor to the request’s bounds', async () => {
    const read = async () => {
      for await (const batch of db.cursor(`SELECT pg_sleep(1)`, [], 1)) void batch;
    };
    await expect(read()).rejects.toThrow(/statement timeout|canceling statement/);
  });

  it('runs a statement unbounded on the client’s side in a transaction that lifted its own timeout', async () => {
    const slept = await db.transaction(async (manager) => {
      await manager.query('SET LOCAL statement_timeout = 0');
      return db.unbounded<{ done: boolean }>(manager, `SELECT true AS done FROM pg_sleep(1.5)`);
    });
    expect(slept).toEqual([{ done: true }]);
  });
});
