import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users and tokens, actors, proposals, sources and the append-only status history.
 * `partial_date` keeps a world date as given (YYYY, YYYY-MM or YYYY-MM-DD) in "C" collation,
 * whose byte order is the order by first day, then by precision.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION partial_date_is_valid(value text) RETURNS boolean
      LANGUAGE plpgsql IMMUTABLE STRICT AS $$
      BEGIN
        IF value !~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$' OR substr(value, 1, 4) = '0000' THEN
          RETURN false;
        END IF;
        IF length(value) = 4 THEN RETURN true; END IF;
        IF substr(value, 6, 2)::int NOT BETWEEN 1 AND 12 THEN RETURN false; END IF;
        IF length(value) = 7 THEN RETURN true; END IF;
        RETURN to_char(value::date, 'YYYY-MM-DD') = value;
      EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
        RETURN false;
      END $$`);
    await q.query(`CREATE DOMAIN partial_date AS text COLLATE "C" CHECK (partial_date_is_valid(VALUE))`);
    await q.query(`
      CREATE FUNCTION partial_date_start(value text) RETURNS date
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT (CASE length(value) WHEN 4 THEN value || '-01-01' WHEN 7 THEN value || '-01' ELSE value END)::date
      $$`);

    await q.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_users PRIMARY KEY (id),
        CONSTRAINT uq_users_name UNIQUE (name),
        CONSTRAINT ck_users_role CHECK (role IN ('analyst', 'staff', 'editor', 'admin'))
      )`);
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        token_hash text NOT NULL,
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT pk_api_tokens PRIMARY KEY (id),
        CONSTRAINT uq_api_tokens_token_hash UNIQUE (token_hash),
        CONSTRAINT fk_api_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)
      )`);
    await q.query(`CREATE INDEX ix_api_tokens_user_id ON api_tokens (user_id)`);

    await q.query(`
      CREATE TABLE actors (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        kind text NOT NULL,
        name text NOT NULL,
        short_name text,
        aliases text[] NOT NULL DEFAULT '{}',
        description text,
        title text,
        country_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_actors PRIMARY KEY (id),
        CONSTRAINT uq_actors_slug UNIQUE (slug),
        CONSTRAINT ck_actors_kind CHECK (kind IN ('state', 'organization', 'person')),
        CONSTRAINT fk_actors_country FOREIGN KEY (country_id) REFERENCES actors (id)
      )`);
    await q.query(`CREATE INDEX ix_actors_kind ON actors (kind)`);
    await q.query(`
      CREATE TABLE actor_members (
        organization_id uuid NOT NULL,
        member_id uuid NOT NULL,
        CONSTRAINT pk_actor_members PRIMARY KEY (organization_id, member_id),
        CONSTRAINT fk_actor_members_organization FOREIGN KEY (organization_id) REFERENCES actors (id) ON DELETE CASCADE,
        CONSTRAINT fk_actor_members_member FOREIGN KEY (member_id) REFERENCES actors (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_actor_members_member_id ON actor_members (member_id)`);

    await q.query(`
      CREATE TABLE sources (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        dedup_key text NOT NULL,
        url text,
        publisher text,
        title text,
        published_on partial_date,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sources PRIMARY KEY (id),
        CONSTRAINT uq_sources_dedup_key UNIQUE (dedup_key),
        CONSTRAINT ck_sources_url_or_publisher CHECK (url IS NOT NULL OR publisher IS NOT NULL)
      )`);

    await q.query(`
      CREATE TABLE proposals (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        title text NOT NULL,
        summary text,
        proposed_on partial_date NOT NULL,
        status text NOT NULL,
        status_since partial_date NOT NULL,
        furthest_status text NOT NULL,
        last_activity_on partial_date NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        parent_id uuid,
        superseded_by_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_proposals PRIMARY KEY (id),
        CONSTRAINT uq_proposals_slug UNIQUE (slug),
        CONSTRAINT fk_proposals_parent FOREIGN KEY (parent_id) REFERENCES proposals (id),
        CONSTRAINT fk_proposals_superseded_by FOREIGN KEY (superseded_by_id) REFERENCES proposals (id)
      )`);
    await q.query(`CREATE INDEX ix_proposals_status ON proposals (status)`);
    await q.query(`CREATE INDEX ix_proposals_last_activity ON proposals (last_activity_on, id)`);
    await q.query(`CREATE INDEX ix_proposals_tags ON proposals USING gin (tags)`);
    await q.query(`CREATE INDEX ix_proposals_parent_id ON proposals (parent_id)`);
    await q.query(`
      CREATE TABLE proposal_actors (
        proposal_id uuid NOT NULL,
        actor_id uuid NOT NULL,
        role text NOT NULL,
        CONSTRAINT pk_proposal_actors PRIMARY KEY (proposal_id, actor_id),
        CONSTRAINT ck_proposal_actors_role CHECK (role IN ('proposer', 'co-proposer', 'backer')),
        CONSTRAINT fk_proposal_actors_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id) ON DELETE CASCADE,
        CONSTRAINT fk_proposal_actors_actor FOREIGN KEY (actor_id) REFERENCES actors (id)
      )`);
    await q.query(`CREATE INDEX ix_proposal_actors_actor_id ON proposal_actors (actor_id)`);
    await q.query(`
      CREATE TABLE proposal_forums (
        proposal_id uuid NOT NULL,
        actor_id uuid NOT NULL,
        CONSTRAINT pk_proposal_forums PRIMARY KEY (proposal_id, actor_id),
        CONSTRAINT fk_proposal_forums_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id) ON DELETE CASCADE,
        CONSTRAINT fk_proposal_forums_actor FOREIGN KEY (actor_id) REFERENCES actors (id)
      )`);
    await q.query(`CREATE INDEX ix_proposal_forums_actor_id ON proposal_forums (actor_id)`);
    await q.query(`
      CREATE TABLE transitions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL,
        seq integer NOT NULL,
        from_status text,
        to_status text NOT NULL,
        direction text NOT NULL,
        occurred_on partial_date NOT NULL,
        note text,
        superseded_by_id uuid,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid NOT NULL,
        retracted_at timestamptz,
        retracted_by uuid,
        retraction_reason text,
        CONSTRAINT pk_transitions PRIMARY KEY (id),
        CONSTRAINT uq_transitions_proposal_seq UNIQUE (proposal_id, seq),
        CONSTRAINT ck_transitions_direction CHECK (direction IN ('advance', 'regress', 'suspend', 'resume', 'close', 'revive')),
        CONSTRAINT ck_transitions_retraction CHECK ((retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retraction_reason IS NULL)),
        CONSTRAINT fk_transitions_proposal FOREIGN KEY (proposal_id) REFERENCES proposals (id),
        CONSTRAINT fk_transitions_superseded_by FOREIGN KEY (superseded_by_id) REFERENCES proposals (id),
        CONSTRAINT fk_transitions_recorded_by FOREIGN KEY (recorded_by) REFERENCES users (id),
        CONSTRAINT fk_transitions_retracted_by FOREIGN KEY (retracted_by) REFERENCES users (id)
      )`);
    await q.query(`
      CREATE TABLE transition_sources (
        transition_id uuid NOT NULL,
        source_id uuid NOT NULL,
        CONSTRAINT pk_transition_sources PRIMARY KEY (transition_id, source_id),
        CONSTRAINT fk_transition_sources_transition FOREIGN KEY (transition_id) REFERENCES transitions (id),
        CONSTRAINT fk_transition_sources_source FOREIGN KEY (source_id) REFERENCES sources (id)
      )`);
    await q.query(`CREATE INDEX ix_transition_sources_source_id ON transition_sources (source_id)`);

    // The status history is append-only: rows are never deleted, and the only update allowed
    // is setting the retraction fields of a standing row, once.
    await q.query(`
      CREATE FUNCTION transitions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`
      CREATE TRIGGER tr_transitions_append_only BEFORE UPDATE OR DELETE ON transitions
      FOR EACH ROW EXECUTE FUNCTION transitions_guard()`);
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_transitions_no_truncate BEFORE TRUNCATE ON transitions
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER tr_transition_sources_append_only BEFORE UPDATE OR DELETE ON transition_sources
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER tr_transition_sources_no_truncate BEFORE TRUNCATE ON transition_sources
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE transition_sources`);
    await q.query(`DROP TABLE transitions`);
    await q.query(`DROP FUNCTION refuse_change()`);
    await q.query(`DROP FUNCTION transitions_guard()`);
    await q.query(`DROP TABLE proposal_forums`);
    await q.query(`DROP TABLE proposal_actors`);
    await q.query(`DROP TABLE proposals`);
    await q.query(`DROP TABLE sources`);
    await q.query(`DROP TABLE actor_members`);
    await q.query(`DROP TABLE actors`);
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP FUNCTION partial_date_start(text)`);
    await q.query(`DROP DOMAIN partial_date`);
    await q.query(`DROP FUNCTION partial_date_is_valid(text)`);
  }
}
