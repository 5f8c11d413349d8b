import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a statement's links copy from it: its date, and (from here on) whom it counts for and when it was logged. */
const COPIED = ['said_on', 'said_on_certainty', 'said_on_basis', 'speaker_id', 'on_behalf_of', 'recorded_at'] as const;

/** The statement column each copied link column comes from. */
const FROM_STATEMENT: Record<(typeof COPIED)[number], string> = {
  said_on: 'said_on',
  said_on_certainty: 'said_on_certainty',
  said_on_basis: 'said_on_basis',
  speaker_id: 'speaker_id',
  on_behalf_of: 'on_behalf_of',
  recorded_at: 'created_at',
};

/**
 * Who stands where (contract §6): statements may speak on behalf of another actor, and an
 * actor's formal acts toward a proposal (signed, joined, left…) are kept, append-only, in
 * `participation`, each citing sources. A statement's links copy whom it counts for, so the
 * positions of a proposal's actors are read from its links alone.
 */
export class Positions1765200000000 implements MigrationInterface {
  name = 'Positions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE statements ADD COLUMN on_behalf_of uuid,
        ADD CONSTRAINT fk_statements_on_behalf_of FOREIGN KEY (on_behalf_of) REFERENCES actors (id)`);
    await q.query(
      `CREATE INDEX ix_statements_on_behalf_of ON statements (on_behalf_of) WHERE on_behalf_of IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE statement_proposals
        ADD COLUMN speaker_id uuid, ADD COLUMN on_behalf_of uuid, ADD COLUMN recorded_at timestamptz`);
    await q.query(`
      UPDATE statement_proposals sp SET speaker_id = s.speaker_id, recorded_at = s.created_at
        FROM statements s WHERE s.id = sp.statement_id`);
    await q.query(
      `ALTER TABLE statement_proposals ALTER COLUMN speaker_id SET NOT NULL, ALTER COLUMN recorded_at SET NOT NULL`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION statement_proposals_copy_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT ${COPIED.map((c) => `s.${FROM_STATEMENT[c]}`).join(', ')}, s.retracted_at IS NULL
          INTO ${COPIED.map((c) => `NEW.${c}`).join(', ')}, NEW.standing
          FROM statements s WHERE s.id = NEW.statement_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION statements_copy_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE statement_proposals
           SET ${COPIED.map((c) => `${c} = NEW.${FROM_STATEMENT[c]}`).join(', ')}, standing = NEW.retracted_at IS NULL
         WHERE statement_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER tr_statements_copy_to_links ON statements`);
    await q.query(`
      CREATE TRIGGER tr_statements_copy_to_links
        AFTER UPDATE OF said_on, said_on_certainty, said_on_basis, speaker_id, on_behalf_of, retracted_at ON statements
        FOR EACH ROW WHEN ((OLD.said_on, OLD.said_on_certainty, OLD.said_on_basis, OLD.speaker_id, OLD.on_behalf_of)
                             IS DISTINCT FROM (NEW.said_on, NEW.said_on_certainty, NEW.said_on_basis, NEW.speaker_id, NEW.on_behalf_of)
                           OR (OLD.retracted_at IS NULL) <> (NEW.retracted_at IS NULL))
        EXECUTE FUNCTION statements_copy_to_links()`);
    // A proposal's positions, and the actors it counts by stance, read its standing links from this
    // index alone: whom each counts for, in the order of their dates (and of their logging).
    await q.query(`DROP INDEX ix_statement_proposals_proposal_window`);
    await q.query(`
      CREATE INDEX ix_statement_proposals_proposal_window ON statement_proposals (proposal_id, said_on)
        INCLUDE (stance, speaker_id, on_behalf_of, recorded_at, statement_id) WHERE standing`);

    await q.query(`
      CREATE TABLE participation (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL,
        actor_id uuid NOT NULL,
        action text NOT NULL,
        occurred_on partial_date NOT NULL,
        occurred_on_certainty text NOT NULL DEFAULT 'stated',
        occurred_on_basis text,
        note text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid NOT NULL,
        retracted_at timestamptz,
        retracted_by uuid,
        retraction_reason text,
        CONSTRAINT pk_participation PRIMARY KEY (id),
        CONSTRAINT ck_participation_action
          CHECK (action IN ('endorsed', 'signed', 'ratified', 'joined', 'observer', 'partner', 'left')),
        CONSTRAINT ck_participation_occurred_on_certainty CHECK (
          occurred_on_certainty IN ('stated', 'inferred', 'approximate', 'not-after')
          AND (occurred_on_certainty = 'stated' OR occurred_on_basis IS NOT NULL)),
        CONSTRAINT ck_participation_retraction CHECK (
          (retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retraction_reason IS NULL)),
        CONSTRAINT fk_participation_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id),
        CONSTRAINT fk_participation_actor FOREIGN KEY (actor_id) REFERENCES actors (id),
        CONSTRAINT fk_participation_recorded_by FOREIGN KEY (recorded_by) REFERENCES users (id),
        CONSTRAINT fk_participation_retracted_by FOREIGN KEY (retracted_by) REFERENCES users (id)
      )`);
    await q.query(`CREATE INDEX ix_participation_proposal ON participation (proposal_id, occurred_on)`);
    await q.query(`CREATE INDEX ix_participation_actor ON participation (actor_id, proposal_id)`);
    await q.query(`
      CREATE TABLE participation_sources (
        participation_id uuid NOT NULL,
        source_id uuid NOT NULL,
        CONSTRAINT pk_participation_sources PRIMARY KEY (participation_id, source_id),
        CONSTRAINT fk_participation_sources_participation FOREIGN KEY (participation_id) REFERENCES participation (id),
        CONSTRAINT fk_participation_sources_source FOREIGN KEY (source_id) REFERENCES sources (id)
      )`);
    await q.query(`CREATE INDEX ix_participation_sources_source_id ON participation_sources (source_id)`);

    // Append-only like the status history: the only update is a retraction, once; an actor merged
    // into another moves its acts with it (the act itself is unchanged).
    await q.query(`
      CREATE FUNCTION participation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND (NEW.id, NEW.proposal_id, NEW.action, NEW.occurred_on, NEW.occurred_on_certainty, NEW.occurred_on_basis,
                NEW.note, NEW.recorded_at, NEW.recorded_by)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.proposal_id, OLD.action, OLD.occurred_on, OLD.occurred_on_certainty, OLD.occurred_on_basis,
                OLD.note, OLD.recorded_at, OLD.recorded_by)
           AND ((OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL AND NEW.actor_id = OLD.actor_id)
                OR ((NEW.retracted_at, NEW.retracted_by, NEW.retraction_reason)
                      IS NOT DISTINCT FROM (OLD.retracted_at, OLD.retracted_by, OLD.retraction_reason)
                    AND NEW.actor_id <> OLD.actor_id))
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'participation is append-only: % on participation is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_participation_append_only BEFORE UPDATE OR DELETE ON participation
        FOR EACH ROW EXECUTE FUNCTION participation_guard()`);
    for (const table of ['participation', 'participation_sources']) {
      await q.query(`
        CREATE TRIGGER tr_${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
    await q.query(`
      CREATE TRIGGER tr_participation_sources_append_only BEFORE UPDATE OR DELETE ON participation_sources
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE participation_sources`);
    await q.query(`DROP TABLE participation`);
    await q.query(`DROP FUNCTION participation_guard()`);
    await q.query(`DROP INDEX ix_statement_proposals_proposal_window`);
    await q.query(`
      CREATE INDEX ix_statement_proposals_proposal_window ON statement_proposals (proposal_id, said_on) INCLUDE (stance)
        WHERE standing`);
    await q.query(`DROP TRIGGER tr_statements_copy_to_links ON statements`);
    const kept = ['said_on', 'said_on_certainty', 'said_on_basis'];
    await q.query(`
      CREATE OR REPLACE FUNCTION statement_proposals_copy_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT ${kept.map((c) => `s.${c}`).join(', ')}, s.retracted_at IS NULL
          INTO ${kept.map((c) => `NEW.${c}`).join(', ')}, NEW.standing
          FROM statements s WHERE s.id = NEW.statement_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION statements_copy_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE statement_proposals SET ${kept.map((c) => `${c} = NEW.${c}`).join(', ')}, standing = NEW.retracted_at IS NULL
         WHERE statement_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_statements_copy_to_links AFTER UPDATE OF said_on, said_on_certainty, said_on_basis, retracted_at ON statements
        FOR EACH ROW WHEN ((OLD.said_on, OLD.said_on_certainty, OLD.said_on_basis) IS DISTINCT FROM (NEW.said_on, NEW.said_on_certainty, NEW.said_on_basis)
                           OR (OLD.retracted_at IS NULL) <> (NEW.retracted_at IS NULL))
        EXECUTE FUNCTION statements_copy_to_links()`);
    await q.query(
      `ALTER TABLE statement_proposals DROP COLUMN speaker_id, DROP COLUMN on_behalf_of, DROP COLUMN recorded_at`,
    );
    await q.query(`DROP INDEX ix_statements_on_behalf_of`);
    await q.query(`ALTER TABLE statements DROP CONSTRAINT fk_statements_on_behalf_of, DROP COLUMN on_behalf_of`);
  }
}
