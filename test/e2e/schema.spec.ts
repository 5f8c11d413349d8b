import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { BULK_POOL, connect, MIGRATIONS, runMigrations } from '../../src/common/database/data-source.js';
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

  it("a bulk script's sessions run statements for minutes; a request's are cancelled after 10 s", async () => {
    const bulk = await connect(database.url, BULK_POOL);
    try {
      const timeouts = (source: DataSource) =>
        source.query<{ statement: string; lock: string }[]>(
          `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock`,
        );
      expect(await timeouts(bulk)).toEqual([{ statement: '10min', lock: '10min' }]);
      expect(await timeouts(dataSource)).toEqual([{ statement: '10s', lock: '10s' }]);
    } finally {
      await bulk.destroy();
    }
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
    const starts: { year: string; day: string; none: string | null }[] = await dataSource.query(
      `SELECT to_char(partial_date_start('2024'), 'YYYY-MM-DD') AS year,
              to_char(partial_date_start('2024-02-29'), 'YYYY-MM-DD') AS day, partial_date_start(NULL) AS none`,
    );
    expect(starts).toEqual([{ year: '2024-01-01', day: '2024-02-29', none: null }]);
  });

  it("a statement's links to proposals carry its date and standing, whatever the writer puts there", async () => {
    const [{ id: user }] = await dataSource.query(
      `INSERT INTO users (name, role) VALUES ('links', 'editor') RETURNING id`,
    );
    const [{ id: actor }] = await dataSource.query(
      `INSERT INTO actors (slug, kind, name) VALUES ('links-speaker', 'person', 'Speaker') RETURNING id`,
    );
    const [{ id: source }] = await dataSource.query(
      `INSERT INTO sources (dedup_key, publisher) VALUES ('pub:links', 'Links') RETURNING id`,
    );
    const proposal = async (slug: string): Promise<string> =>
      (
        await dataSource.query(
          `INSERT INTO proposals (slug, title, proposed_on, status, status_since, furthest_status, last_activity_on)
           VALUES ($1, $1, '2020', 'proposed', '2020', 'proposed', '2020') RETURNING id`,
          [slug],
        )
      )[0].id;
    const [first, second] = [await proposal('links-a'), await proposal('links-b')];
    const [{ id: statement }] = await dataSource.query(
      `INSERT INTO statements (speaker_id, said_on, quote, source_id, recorded_by)
       VALUES ($1, '2024-05', 'words', $2, $3) RETURNING id`,
      [actor, source, user],
    );
    const links = () =>
      dataSource.query(
        `SELECT proposal_id AS proposal, said_on AS "saidOn", standing FROM statement_proposals
          WHERE statement_id = $1 ORDER BY proposal_id = $2 DESC`,
        [statement, first],
      );
    await dataSource.query(
      `INSERT INTO statement_proposals (statement_id, proposal_id, stance, said_on, standing)
       VALUES ($1, $2, 'supports', '1999', false), ($1, $3, 'opposes', NULL, NULL)`,
      [statement, first, second],
    );
    expect(await links()).toEqual([
      { proposal: first, saidOn: '2024-05', standing: true },
      { proposal: second, saidOn: '2024-05', standing: true },
    ]);
    await dataSource.query(`UPDATE statements SET said_on = '2024-05-17', version = version + 1 WHERE id = $1`, [
      statement,
    ]);
    expect((await links()).map((link: { saidOn: string }) => link.saidOn)).toEqual(['2024-05-17', '2024-05-17']);
    await dataSource.query(
      `UPDATE statements SET retracted_at = now(), retracted_by = $2, retraction_reason = 'wrong', version = version + 1
        WHERE id = $1`,
      [statement, user],
    );
    expect((await links()).map((link: { standing: boolean }) => link.standing)).toEqual([false, false]);
    await dataSource.query(`UPDATE statement_proposals SET standing = true WHERE statement_id = $1`, [statement]);
    expect((await links()).map((link: { standing: boolean }) => link.standing)).toEqual([false, false]);
  });
});
