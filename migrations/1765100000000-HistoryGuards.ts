import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database's guards as strict as the API: a transition may be retracted only while it is the
 * latest standing one and not the first (a proposal's creation); statements and sources, which
 * the API only ever adds to (a statement is retracted, never removed), cannot be deleted or
 * truncated either.
 */
export class HistoryGuards1765100000000 implements MigrationInterface {
  name = 'HistoryGuards1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION transitions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL
           AND (NEW.id, NEW.proposal_id, NEW.seq, NEW.from_status, NEW.to_status, NEW.direction,
                NEW.occurred_on, NEW.occurred_on_certainty, NEW.occurred_on_basis, NEW.note,
                NEW.superseded_by_id, NEW.recorded_at, NEW.recorded_by)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.proposal_id, OLD.seq, OLD.from_status, OLD.to_status, OLD.direction,
                OLD.occurred_on, OLD.occurred_on_certainty, OLD.occurred_on_basis, OLD.note,
                OLD.superseded_by_id, OLD.recorded_at, OLD.recorded_by)
        THEN
          IF EXISTS (SELECT 1 FROM transitions t
                      WHERE t.proposal_id = NEW.proposal_id AND t.retracted_at IS NULL AND t.seq > NEW.seq) THEN
            RAISE EXCEPTION 'only the latest standing transition may be retracted'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          IF NOT EXISTS (SELECT 1 FROM transitions t
                          WHERE t.proposal_id = NEW.proposal_id AND t.retracted_at IS NULL AND t.seq < NEW.seq) THEN
            RAISE EXCEPTION 'the first standing transition, a proposal''s creation, may not be retracted'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the status history is append-only: % on transitions is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['statements', 'sources']) {
      await q.query(`
        CREATE TRIGGER tr_${table}_kept BEFORE DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await q.query(`
        CREATE TRIGGER tr_${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['statements', 'sources']) {
      await q.query(`DROP TRIGGER tr_${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER tr_${table}_kept ON ${table}`);
    }
    await q.query(`
      CREATE OR REPLACE FUNCTION transitions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL
           AND (NEW.id, NEW.proposal_id, NEW.seq, NEW.from_status, NEW.to_status, NEW.direction,
                NEW.occurred_on, NEW.occurred_on_certainty, NEW.occurred_on_basis, NEW.note,
                NEW.superseded_by_id, NEW.recorded_at, NEW.recorded_by)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.proposal_id, OLD.seq, OLD.from_status, OLD.to_status, OLD.direction,
                OLD.occurred_on, OLD.occurred_on_certainty, OLD.occurred_on_basis, OLD.note,
                OLD.superseded_by_id, OLD.recorded_at, OLD.recorded_by)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the status history is append-only: % on transitions is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }
}
