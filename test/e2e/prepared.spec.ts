import { jest } from '@jest/globals';
import type { Pool } from 'pg';
import { QueryFailedError, type QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { preparedQuery } from '../../src/common/database/prepared.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('prepared queries', () => {
  let t: TestApp;
  let runner: QueryRunner;
  beforeAll(async () => {
    t = await startTestApp();
    // One connection: prepared statements belong to the session that prepared them.
    runner = t.dataSource.createQueryRunner();
    await runner.connect();
  });
  afterAll(async () => {
    await runner.release();
    await t.close();
  });

  const prepared = async (): Promise<{ name: string; statement: string }[]> =>
    runner.query(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'ppt\\_%' ORDER BY statement`);

  it('prepares a text once per connection under a name of its own, and answers as an unnamed query would', async () => {
    const sum = 'SELECT $1::int + 1 AS n';
    const product = 'SELECT $1::int * 2 AS n';
    expect(await preparedQuery(runner.manager, sum, [41])).toEqual([{ n: 42 }]);
    expect(await preparedQuery(runner.manager, sum, [1])).toEqual([{ n: 2 }]);
    expect(await preparedQuery(runner.manager, product, [21])).toEqual([{ n: 42 }]);
    const statements = (await prepared()).filter((row) => row.statement === sum || row.statement === product);
    expect(statements).toHaveLength(2);
    expect(statements[0].name).not.toBe(statements[1].name);
    expect(statements.map((row) => row.name)).toEqual([expect.stringMatching(/^ppt_/), expect.stringMatching(/^ppt_/)]);
  });

  it('keeps errors as they are', async () => {
    await expect(preparedQuery(runner.manager, 'SELECT 1 / $1::int AS n', [0])).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '22012' }),
    });
  });

  describe('outside a transaction, straight on the pool', () => {
    const pool = (): Pool => (t.dataSource.driver as PostgresDriver).master as Pool;
    /** Connections checked out of the pool (the suite's own runner holds one). */
    const held = (): number => pool().totalCount - pool().idleCount;

    it('answers rows, [rows, count] for an update, and gives the connection back', async () => {
      const manager = t.dataSource.manager;
      const before = held();
      const runners = jest.spyOn(t.dataSource, 'createQueryRunner');
      expect(await preparedQuery(manager, 'SELECT $1::int * 3 AS n', [14])).toEqual([{ n: 42 }]);
      // No query runner is built for it: the query went to the pool.
      expect(runners).not.toHaveBeenCalled();
      runners.mockRestore();
      await t.dataSource.query(`CREATE TABLE IF NOT EXISTS prepared_probe (n int)`);
      await t.dataSource.query(`INSERT INTO prepared_probe VALUES (1), (2)`);
      expect(await preparedQuery(manager, 'UPDATE prepared_probe SET n = n + $1::int RETURNING n', [10])).toEqual([
        [{ n: 11 }, { n: 12 }],
        2,
      ]);
      await t.dataSource.query(`DROP TABLE prepared_probe`);
      // Every connection it took is back in the pool.
      expect(held()).toBe(before);
      expect(pool().waitingCount).toBe(0);
    });

    it('reports a database error as TypeORM does, and keeps the connection', async () => {
      const manager = t.dataSource.manager;
      const before = held();
      const error = await preparedQuery(manager, 'SELECT 1 / $1::int AS n', [0]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(error).toMatchObject({ driverError: expect.objectContaining({ code: '22012' }), parameters: [0] });
      expect(held()).toBe(before);
      expect(await preparedQuery(manager, 'SELECT 1 / $1::int AS n', [1])).toEqual([{ n: 1 }]);
    });

    it("inside a transaction, uses the transaction's connection", async () => {
      const seen = await t.dataSource.transaction(async (manager) => {
        await manager.query(`CREATE TEMP TABLE prepared_tx (n int) ON COMMIT DROP`);
        await manager.query(`INSERT INTO prepared_tx VALUES (7)`);
        return preparedQuery(manager, 'SELECT n FROM prepared_tx WHERE n = $1::int', [7]);
      });
      expect(seen).toEqual([{ n: 7 }]);
    });
  });

  it('names a bounded number of texts: past the bound, texts run unnamed', async () => {
    for (let i = 0; i < 300; i += 1) {
      expect(await preparedQuery(runner.manager, `SELECT $1::int + ${i} AS n`, [1])).toEqual([{ n: 1 + i }]);
    }
    const named = (await prepared()).length;
    expect(named).toBeLessThanOrEqual(256);
    expect(named).toBeGreaterThan(200);
  });
});
