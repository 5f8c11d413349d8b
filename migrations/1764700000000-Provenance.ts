import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every world date, by table: its column prefix. */
const DATES: [table: string, column: string][] = [
  ['proposals', 'proposed_on'],
  ['transitions', 'occurred_on'],
  ['statements', 'said_on'],
  ['events', 'starts_on'],
  ['events', 'ends_on'],
  ['sources', 'published_on'],
];

/** The triggers' functions that copy a statement's date (and, with `certainty`, its certainty) to its links. */
function statementLinksCopy(certainty: boolean): string {
  const columns = certainty ? ['said_on', 'said_on_certainty', 'said_on_basis'] : ['said_on'];
  return `
    CREATE OR REPLACE FUNCTION statement_proposals_copy_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT ${columns.map((c) => `s.${c}`).join(', ')}, s.retracted_at IS NULL
        INTO ${columns.map((c) => `NEW.${c}`).join(', ')}, NEW.standing
        FROM statements s WHERE s.id = NEW.statement_id;
      RETURN NEW;
    END $$;
    CREATE OR REPLACE FUNCTION statements_copy_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE statement_proposals SET ${columns.map((c) => `${c} = NEW.${c}`).join(', ')}, standing = NEW.retracted_at IS NULL
       WHERE statement_id = NEW.id;
      RETURN NULL;
    END $$`;
}

/** The report reads every proposal's state in slug order from this index alone. */
function reportIndex(certainty: boolean): string {
  const extra = certainty
    ? ', status_since_certainty, status_since_basis, last_statement_on_certainty, last_statement_on_basis'
    : '';
  return `
    CREATE INDEX ix_proposals_report ON proposals (slug)
      INCLUDE (id, title, proposed_on, status, status_since, furthest_status, last_from_status, last_direction,
               last_statement_on${extra})`;
}

/**
 * Provenance you can defend (contract §5): how sure each world date is, and how it was worked
 * out; sources as records of their own (a note, a version); editorial assessments of momentum.
 * Every date recorded before is kept as `stated`.
 */
export class Provenance1764700000000 implements MigrationInterface {
  name = 'Provenance1764700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of DATES) {
      await q.query(`
        ALTER TABLE ${table}
          ADD COLUMN ${column}_certainty text NOT NULL DEFAULT 'stated',
          ADD COLUMN ${column}_basis text,
          ADD CONSTRAINT ck_${table}_${column}_certainty CHECK (
            ${column}_certainty IN ('stated', 'inferred', 'approximate', 'not-after')
            AND (${column}_certainty = 'stated' OR ${column}_basis IS NOT NULL))`);
    }
    // What a proposal derives from its records carries their certainty: the status's (its
    // transition in force) and the latest statement's, and each link from a statement to a
    // proposal copies its statement's, as it copies its date (kept by the same triggers).
    await q.query(`
      ALTER TABLE proposals
        ADD COLUMN status_since_certainty text NOT NULL DEFAULT 'stated',
        ADD COLUMN status_since_basis text,
        ADD COLUMN last_statement_on_certainty text,
        ADD COLUMN last_statement_on_basis text`);
    await q.query(`UPDATE proposals SET last_statement_on_certainty = 'stated' WHERE last_statement_on IS NOT NULL`);
    await q.query(`
      ALTER TABLE statement_proposals
        ADD COLUMN said_on_certainty text NOT NULL DEFAULT 'stated',
        ADD COLUMN said_on_basis text`);
    await q.query(statementLinksCopy(true));
    await q.query(`DROP TRIGGER tr_statements_copy_to_links ON statements`);
    await q.query(`
      CREATE TRIGGER tr_statements_copy_to_links AFTER UPDATE OF said_on, said_on_certainty, said_on_basis, retracted_at ON statements
        FOR EACH ROW WHEN ((OLD.said_on, OLD.said_on_certainty, OLD.said_on_basis) IS DISTINCT FROM (NEW.said_on, NEW.said_on_certainty, NEW.said_on_basis)
                           OR (OLD.retracted_at IS NULL) <> (NEW.retracted_at IS NULL))
        EXECUTE FUNCTION statements_copy_to_links()`);
    await q.query(`DROP INDEX ix_proposals_report`);
    await q.query(reportIndex(true));

    // The filter of a progress report on stated dates only.
    await q.query(
      `CREATE INDEX ix_transitions_unstated ON transitions (proposal_id) WHERE occurred_on_certainty <> 'stated'`,
    );
    await q.query(`CREATE INDEX ix_statements_unstated ON statements (id) WHERE said_on_certainty <> 'stated'`);

    // A transition's certainty and basis are as immutable as its date: the guard now covers them.
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

    await q.query(`
      ALTER TABLE sources
        ADD COLUMN note text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`CREATE INDEX ix_sources_publisher ON sources (lower(publisher))`);
    await q.query(`CREATE INDEX ix_statements_source_said_on ON statements (source_id, said_on)`);

    await q.query(`
      CREATE TABLE assessments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL,
        momentum text NOT NULL,
        reason text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid NOT NULL,
        withdrawn_at timestamptz,
        withdrawn_by uuid,
        withdrawal_reason text,
        CONSTRAINT pk_assessments PRIMARY KEY (id),
        CONSTRAINT ck_assessments_momentum CHECK (momentum IN ('advancing', 'active', 'stalled', 'concluded')),
        CONSTRAINT ck_assessments_withdrawal CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL)),
        CONSTRAINT fk_assessments_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id),
        CONSTRAINT fk_assessments_recorded_by FOREIGN KEY (recorded_by) REFERENCES users (id),
        CONSTRAINT fk_assessments_withdrawn_by FOREIGN KEY (withdrawn_by) REFERENCES users (id)
      )`);
    await q.query(`CREATE INDEX ix_assessments_proposal_id ON assessments (proposal_id, recorded_at)`);
    await q.query(`
      CREATE TABLE assessment_sources (
        assessment_id uuid NOT NULL,
        source_id uuid NOT NULL,
        CONSTRAINT pk_assessment_sources PRIMARY KEY (assessment_id, source_id),
        CONSTRAINT fk_assessment_sources_assessment FOREIGN KEY (assessment_id) REFERENCES assessments (id),
        CONSTRAINT fk_assessment_sources_source FOREIGN KEY (source_id) REFERENCES sources (id)
      )`);
    await q.query(`CREATE INDEX ix_assessment_sources_source_id ON assessment_sources (source_id)`);
    // Like the status history: kept as recorded; the only change is a withdrawal, once.
    await q.query(`
      CREATE FUNCTION assessments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL
           AND (NEW.id, NEW.proposal_id, NEW.momentum, NEW.reason, NEW.recorded_at, NEW.recorded_by)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.proposal_id, OLD.momentum, OLD.reason, OLD.recorded_at, OLD.recorded_by)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'assessments are append-only: % on assessments is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_assessments_append_only BEFORE UPDATE OR DELETE ON assessments
      FOR EACH ROW EXECUTE FUNCTION assessments_guard()`);
    await q.query(`
      CREATE TRIGGER tr_assessments_no_truncate BEFORE TRUNCATE ON assessments
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER tr_assessment_sources_append_only BEFORE UPDATE OR DELETE ON assessment_sources
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_proposals_report`);
    await q.query(reportIndex(false));
    await q.query(`DROP TRIGGER tr_statements_copy_to_links ON statements`);
    await q.query(`
      CREATE TRIGGER tr_statements_copy_to_links AFTER UPDATE OF said_on, retracted_at ON statements
        FOR EACH ROW WHEN (OLD.said_on IS DISTINCT FROM NEW.said_on OR (OLD.retracted_at IS NULL) <> (NEW.retracted_at IS NULL))
        EXECUTE FUNCTION statements_copy_to_links()`);
    await q.query(statementLinksCopy(false));
    await q.query(`ALTER TABLE statement_proposals DROP COLUMN said_on_certainty, DROP COLUMN said_on_basis`);
    await q.query(`
      ALTER TABLE proposals DROP COLUMN status_since_certainty, DROP COLUMN status_since_basis,
        DROP COLUMN last_statement_on_certainty, DROP COLUMN last_statement_on_basis`);
    await q.query(`DROP TABLE assessment_sources`);
    await q.query(`DROP TABLE assessments`);
    await q.query(`DROP FUNCTION assessments_guard()`);
    await q.query(`DROP INDEX ix_statements_source_said_on`);
    await q.query(`DROP INDEX ix_sources_publisher`);
    await q.query(`ALTER TABLE sources DROP COLUMN note, DROP COLUMN updated_at, DROP COLUMN version`);
    await q.query(`
      CREATE OR REPLACE FUNCTION transitions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL
           AND (NEW.id, NEW.proposal_id, NEW.seq, NEW.from_status, NEW.to_status, NEW.direction,
                NEW.occurred_on, NEW.note, NEW.superseded_by_id, NEW.recorded_at, NEW.recorded_by)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.proposal_id, OLD.seq, OLD.from_status, OLD.to_status, OLD.direction,
                OLD.occurred_on, OLD.note, OLD.superseded_by_id, OLD.recorded_at, OLD.recorded_by)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the status history is append-only: % on transitions is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`DROP INDEX ix_statements_unstated`);
    await q.query(`DROP INDEX ix_transitions_unstated`);
    for (const [table, column] of [...DATES].reverse()) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ck_${table}_${column}_certainty,
                       DROP COLUMN ${column}_certainty, DROP COLUMN ${column}_basis`);
    }
  }
}
