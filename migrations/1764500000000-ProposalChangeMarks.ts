import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every proposal carries the id of the last transaction that changed it or what is recorded about
 * it: every such write (an edit, a transition or its retraction, a statement about it written,
 * edited or retracted) updates the proposal's row in the same transaction, and the trigger stamps
 * it. Against the snapshot a kept progress report was read in, `NOT pg_visible_in_snapshot` picks
 * out exactly the proposals whose rows may read differently now — those changed by transactions
 * committed since, or in progress then — so the report can be brought up to date by computing
 * those rows alone. Transaction ids (`xid8`) are 64-bit and never wrap.
 */
export class ProposalChangeMarks1764500000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE proposals ADD COLUMN changed_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint`,
    );
    await q.query(`ALTER TABLE proposals ALTER COLUMN changed_xid DROP DEFAULT`);
    await q.query(`
      CREATE FUNCTION proposals_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.changed_xid := pg_current_xact_id()::text::bigint;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_proposals_mark_change BEFORE INSERT OR UPDATE ON proposals
        FOR EACH ROW EXECUTE FUNCTION proposals_mark_change()`);
    await q.query(`CREATE INDEX ix_proposals_changed_xid ON proposals (changed_xid)`);
    await q.query(`CREATE TABLE proposal_removals (changed_xid bigint NOT NULL)`);
    await q.query(`INSERT INTO proposal_removals VALUES (pg_current_xact_id()::text::bigint)`);
    await q.query(`
      CREATE FUNCTION proposals_mark_removal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE proposal_removals SET changed_xid = pg_current_xact_id()::text::bigint;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_proposals_mark_removal AFTER DELETE OR TRUNCATE ON proposals
        FOR EACH STATEMENT EXECUTE FUNCTION proposals_mark_removal()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_proposals_mark_removal ON proposals`);
    await q.query(`DROP FUNCTION proposals_mark_removal()`);
    await q.query(`DROP TABLE proposal_removals`);
    await q.query(`DROP INDEX ix_proposals_changed_xid`);
    await q.query(`DROP TRIGGER tr_proposals_mark_change ON proposals`);
    await q.query(`DROP FUNCTION proposals_mark_change()`);
    await q.query(`ALTER TABLE proposals DROP COLUMN changed_xid`);
  }
}
