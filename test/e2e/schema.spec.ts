import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { connect, MIGRATIONS, runMigrations } from '../../src/common/database/data-source.js';
import { createTestDatabase } from '../helpers/test-database.js';

describe('schema', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await connect(database.url);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('the entities and the migrated schema agree (no migration left to generate)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('every migration is applied and reverts cleanly', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    for (let i = 0; i < MIGRATIONS.length; i += 1) await dataSource.undoLastMigration();
    const tables: { count: string }[] = await dataSource.query(
      `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(tables[0].count).toBe('0');
    expect(await runMigrations(dataSource)).toHaveLength(MIGRATIONS.length);
    expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toHaveLength(0);
  });

  it('refuses partial dates that are not real calendar dates', async () => {
    await expect(dataSource.query(`SELECT '2024-02-30'::partial_date`)).rejects.toThrow(/partial_date/);
    await expect(dataSource.query(`SELECT '2024-13'::partial_date`)).rejects.toThrow(/partial_date/);
    const ok: { d: string; start: string }[] = await dataSource.query(
      `SELECT '2024-02-29'::partial_date AS d, to_char(partial_date_start('2024-07'), 'YYYY-MM-DD') AS start`,
    );
    expect(ok).toEqual([{ d: '2024-02-29', start: '2024-07-01' }]);
  });
});
