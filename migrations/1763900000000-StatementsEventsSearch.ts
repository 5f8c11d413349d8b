import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events, statements and their stances, related proposals, statements cited by transitions,
 * and full-text search. Search vectors are plain `tsvector` columns kept current by triggers
 * (English stemming: "multilateral" finds "multilateralism"), each with a GIN index.
 */
export class StatementsEventsSearch1763900000000 implements MigrationInterface {
  name = 'StatementsEventsSearch1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        starts_on partial_date NOT NULL,
        ends_on partial_date,
        location text,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_events PRIMARY KEY (id),
        CONSTRAINT uq_events_slug UNIQUE (slug),
        CONSTRAINT ck_events_kind CHECK (kind IN ('summit', 'conference', 'roundtable', 'meeting', 'interview', 'publication', 'other')),
        CONSTRAINT ck_events_dates CHECK (ends_on IS NULL OR partial_date_start(ends_on) >= partial_date_start(starts_on))
      )`);
    await q.query(`CREATE INDEX ix_events_starts_on ON events (starts_on, id)`);
    await q.query(`
      CREATE TABLE event_organizers (
        event_id uuid NOT NULL,
        actor_id uuid NOT NULL,
        CONSTRAINT pk_event_organizers PRIMARY KEY (event_id, actor_id),
        CONSTRAINT fk_event_organizers_event FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
        CONSTRAINT fk_event_organizers_actor FOREIGN KEY (actor_id) REFERENCES actors (id)
      )`);
    await q.query(`CREATE INDEX ix_event_organizers_actor_id ON event_organizers (actor_id)`);

    await q.query(`
      CREATE TABLE statements (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        speaker_id uuid NOT NULL,
        speaker_role text,
        said_on partial_date NOT NULL,
        event_id uuid,
        quote text,
        summary text,
        language text NOT NULL DEFAULT 'en',
        note text,
        source_id uuid NOT NULL,
        search tsvector,
        recorded_by uuid NOT NULL,
        retracted_at timestamptz,
        retracted_by uuid,
        retraction_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_statements PRIMARY KEY (id),
        CONSTRAINT ck_statements_language CHECK (language ~ '^[a-z]{2}$'),
        CONSTRAINT ck_statements_content CHECK (quote IS NOT NULL OR summary IS NOT NULL),
        CONSTRAINT ck_statements_retraction CHECK ((retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retraction_reason IS NULL)),
        CONSTRAINT fk_statements_speaker FOREIGN KEY (speaker_id) REFERENCES actors (id),
        CONSTRAINT fk_statements_event FOREIGN KEY (event_id) REFERENCES events (id),
        CONSTRAINT fk_statements_source FOREIGN KEY (source_id) REFERENCES sources (id),
        CONSTRAINT fk_statements_recorded_by FOREIGN KEY (recorded_by) REFERENCES users (id),
        CONSTRAINT fk_statements_retracted_by FOREIGN KEY (retracted_by) REFERENCES users (id)
      )`);
    await q.query(`CREATE INDEX ix_statements_said_on ON statements (said_on, id)`);
    await q.query(`CREATE INDEX ix_statements_speaker_id ON statements (speaker_id)`);
    await q.query(`CREATE INDEX ix_statements_event_id ON statements (event_id)`);
    await q.query(`CREATE INDEX ix_statements_source_id ON statements (source_id)`);
    await q.query(`CREATE INDEX ix_statements_search ON statements USING gin (search)`);
    await q.query(`
      CREATE FUNCTION statements_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search := setweight(to_tsvector('english', coalesce(NEW.quote, '')), 'A')
                   || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B');
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_statements_search BEFORE INSERT OR UPDATE OF quote, summary ON statements
      FOR EACH ROW EXECUTE FUNCTION statements_search_update()`);

    await q.query(`
      CREATE TABLE statement_proposals (
        statement_id uuid NOT NULL,
        proposal_id uuid NOT NULL,
        stance text NOT NULL,
        CONSTRAINT pk_statement_proposals PRIMARY KEY (statement_id, proposal_id),
        CONSTRAINT ck_statement_proposals_stance CHECK (stance IN ('supports', 'opposes', 'neutral')),
        CONSTRAINT fk_statement_proposals_statement FOREIGN KEY (statement_id) REFERENCES statements (id) ON DELETE CASCADE,
        CONSTRAINT fk_statement_proposals_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id)
      )`);
    await q.query(`CREATE INDEX ix_statement_proposals_proposal_id ON statement_proposals (proposal_id, statement_id)`);

    await q.query(`
      CREATE TABLE proposal_relations (
        proposal_id uuid NOT NULL,
        related_id uuid NOT NULL,
        relation text,
        CONSTRAINT pk_proposal_relations PRIMARY KEY (proposal_id, related_id),
        CONSTRAINT ck_proposal_relations_not_self CHECK (proposal_id <> related_id),
        CONSTRAINT fk_proposal_relations_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id) ON DELETE CASCADE,
        CONSTRAINT fk_proposal_relations_related FOREIGN KEY (related_id) REFERENCES proposals (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_proposal_relations_related_id ON proposal_relations (related_id)`);

    await q.query(`
      CREATE TABLE transition_statements (
        transition_id uuid NOT NULL,
        statement_id uuid NOT NULL,
        CONSTRAINT pk_transition_statements PRIMARY KEY (transition_id, statement_id),
        CONSTRAINT fk_transition_statements_transition FOREIGN KEY (transition_id) REFERENCES transitions (id),
        CONSTRAINT fk_transition_statements_statement FOREIGN KEY (statement_id) REFERENCES statements (id)
      )`);
    await q.query(`CREATE INDEX ix_transition_statements_statement_id ON transition_statements (statement_id)`);
    // What a transition cites is part of the history: append-only like the transitions.
    await q.query(`
      CREATE TRIGGER tr_transition_statements_append_only BEFORE UPDATE OR DELETE ON transition_statements
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER tr_transition_statements_no_truncate BEFORE TRUNCATE ON transition_statements
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);

    await q.query(`ALTER TABLE proposals ADD COLUMN search tsvector`);
    await q.query(`
      CREATE FUNCTION proposals_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
                   || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B');
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_proposals_search BEFORE INSERT OR UPDATE OF title, summary ON proposals
      FOR EACH ROW EXECUTE FUNCTION proposals_search_update()`);
    await q.query(`UPDATE proposals SET title = title`);
    await q.query(`CREATE INDEX ix_proposals_search ON proposals USING gin (search)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_proposals_search`);
    await q.query(`DROP TRIGGER tr_proposals_search ON proposals`);
    await q.query(`DROP FUNCTION proposals_search_update()`);
    await q.query(`ALTER TABLE proposals DROP COLUMN search`);
    await q.query(`DROP TABLE transition_statements`);
    await q.query(`DROP TABLE proposal_relations`);
    await q.query(`DROP TABLE statement_proposals`);
    await q.query(`DROP TABLE statements`);
    await q.query(`DROP FUNCTION statements_search_update()`);
    await q.query(`DROP TABLE event_organizers`);
    await q.query(`DROP TABLE events`);
  }
}
