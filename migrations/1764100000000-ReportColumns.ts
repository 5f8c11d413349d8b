import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the progress report and search read per proposal without scanning whole histories: the
 * latest standing transition's `from` and direction, the latest standing statement's date, and
 * the statements' words as one search vector. Kept current by the service on every write; an
 * index over the advances lets the report read only those inside its window.
 */
export class ReportColumns1764100000000 implements MigrationInterface {
  name = 'ReportColumns1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE proposals
        ADD COLUMN last_from_status text,
        ADD COLUMN last_direction text NOT NULL DEFAULT 'advance',
        ADD COLUMN last_statement_on partial_date,
        ADD COLUMN statements_search tsvector`);
    await q.query(
      `CREATE AGGREGATE tsvector_agg (tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')`,
    );
    await q.query(`
      UPDATE proposals p SET last_from_status = l.from_status, last_direction = l.direction
        FROM (SELECT DISTINCT ON (proposal_id) proposal_id, from_status, direction
                FROM transitions WHERE retracted_at IS NULL ORDER BY proposal_id, seq DESC) l
       WHERE l.proposal_id = p.id`);
    await q.query(`
      UPDATE proposals p SET
        last_statement_on = (SELECT max(s.said_on) FROM statement_proposals sp JOIN statements s ON s.id = sp.statement_id
                              WHERE sp.proposal_id = p.id AND s.retracted_at IS NULL),
        statements_search = (SELECT strip(tsvector_agg(s.search)) FROM statement_proposals sp JOIN statements s ON s.id = sp.statement_id
                              WHERE sp.proposal_id = p.id AND s.retracted_at IS NULL)`);
    await q.query(`CREATE INDEX ix_proposals_statements_search ON proposals USING gin (statements_search)`);
    // The window's statements by date without touching the wide statement rows.
    await q.query(`CREATE INDEX ix_statements_standing_said_on ON statements (said_on, id) WHERE retracted_at IS NULL`);
    await q.query(`
      CREATE INDEX ix_transitions_advances ON transitions (occurred_on)
        INCLUDE (proposal_id, seq, from_status, to_status, direction)
        WHERE retracted_at IS NULL AND direction IN ('advance', 'resume')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_transitions_advances`);
    await q.query(`DROP INDEX ix_statements_standing_said_on`);
    await q.query(`DROP INDEX ix_proposals_statements_search`);
    await q.query(`DROP AGGREGATE tsvector_agg (tsvector)`);
    await q.query(`
      ALTER TABLE proposals DROP COLUMN last_from_status, DROP COLUMN last_direction,
        DROP COLUMN last_statement_on, DROP COLUMN statements_search`);
  }
}
