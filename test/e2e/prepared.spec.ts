import type { QueryRunner } from 'typeorm';
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

  it('names a bounded number of texts: past the bound, texts run unnamed', async () => {
    for (let i = 0; i < 300; i += 1) {
      expect(await preparedQuery(runner.manager, `SELECT $1::int + ${i} AS n`, [1])).toEqual([{ n: 1 + i }]);
    }
    const named = (await prepared()).length;
    expect(named).toBeLessThanOrEqual(256);
    expect(named).toBeGreaterThan(200);
  });
});
