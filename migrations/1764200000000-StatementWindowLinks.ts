import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The progress report counts, for every proposal, the standing statements dated inside its
 * window. Each link from a statement to a proposal carries a copy of the statement's date and
 * whether it stands, kept by triggers (so no writer can let them drift), and a partial index by
 * date holds the proposal and stance: the window's links are one index-only range scan instead
 * of a join over every link.
 *
 * A covering index gives the report every proposal's current state in slug order without
 * reading the wide proposal rows (their search vectors).
 *
 * Also: `partial_date_start` becomes inlinable. PostgreSQL never inlines a SQL function that is
 * STRICT with a body not provably strict, nor an IMMUTABLE one whose body is only STABLE (a
 * text-to-date cast), so each call was a function invocation: the report's 100k `daysInStatus`
 * took 280 ms instead of 20. The body now builds the date with `make_date` (immutable) and gives
 * NULL for NULL without STRICT.
 */
const partialDateStart = (immutableBody: boolean): string => `
  CREATE OR REPLACE FUNCTION partial_date_start(value text) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE ${immutableBody ? '' : 'STRICT'} AS $$
    SELECT ${
      immutableBody
        ? `make_date(substr(value, 1, 4)::int, COALESCE(NULLIF(substr(value, 6, 2), '')::int, 1),
                     COALESCE(NULLIF(substr(value, 9, 2), '')::int, 1))`
        : `(CASE length(value) WHEN 4 THEN value || '-01-01' WHEN 7 THEN value || '-01' ELSE value END)::date`
    }
  $$`;

export class StatementWindowLinks1764200000000 implements MigrationInterface {
  name = 'StatementWindowLinks1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE statement_proposals ADD COLUMN said_on partial_date, ADD COLUMN standing boolean`);
    await q.query(`
      UPDATE statement_proposals sp SET said_on = s.said_on, standing = s.retracted_at IS NULL
        FROM statements s WHERE s.id = sp.statement_id`);
    await q.query(
      `ALTER TABLE statement_proposals ALTER COLUMN said_on SET NOT NULL, ALTER COLUMN standing SET NOT NULL`,
    );
    // A link always copies its statement, whatever the writer put there.
    await q.query(`
      CREATE FUNCTION statement_proposals_copy_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT s.said_on, s.retracted_at IS NULL INTO NEW.said_on, NEW.standing FROM statements s WHERE s.id = NEW.statement_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_statement_proposals_copy_statement BEFORE INSERT OR UPDATE ON statement_proposals
        FOR EACH ROW EXECUTE FUNCTION statement_proposals_copy_statement()`);
    // A statement's new date or retraction reaches its links in the same statement.
    await q.query(`
      CREATE FUNCTION statements_copy_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE statement_proposals SET said_on = NEW.said_on, standing = NEW.retracted_at IS NULL WHERE statement_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_statements_copy_to_links AFTER UPDATE OF said_on, retracted_at ON statements
        FOR EACH ROW WHEN (OLD.said_on IS DISTINCT FROM NEW.said_on OR (OLD.retracted_at IS NULL) <> (NEW.retracted_at IS NULL))
        EXECUTE FUNCTION statements_copy_to_links()`);
    await q.query(`
      CREATE INDEX ix_statement_proposals_window ON statement_proposals (said_on) INCLUDE (proposal_id, stance)
        WHERE standing`);
    // It served the same window through a join over every link; the links' index replaces it.
    await q.query(`DROP INDEX ix_statements_standing_said_on`);
    await q.query(partialDateStart(true));
    // The report reads every proposal's current state in slug order: from this index alone. A
    // title is at most 500 characters, so an entry stays under the btree's 2.7 kB limit.
    await q.query(`
      CREATE INDEX ix_proposals_report ON proposals (slug)
        INCLUDE (id, title, proposed_on, status, status_since, furthest_status, last_from_status, last_direction,
                 last_statement_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_proposals_report`);
    await q.query(`CREATE INDEX ix_statements_standing_said_on ON statements (said_on, id) WHERE retracted_at IS NULL`);
    await q.query(`DROP INDEX ix_statement_proposals_window`);
    await q.query(`DROP TRIGGER tr_statements_copy_to_links ON statements`);
    await q.query(`DROP FUNCTION statements_copy_to_links()`);
    await q.query(`DROP TRIGGER tr_statement_proposals_copy_statement ON statement_proposals`);
    await q.query(`DROP FUNCTION statement_proposals_copy_statement()`);
    await q.query(`ALTER TABLE statement_proposals DROP COLUMN said_on, DROP COLUMN standing`);
    await q.query(partialDateStart(false));
  }
}
