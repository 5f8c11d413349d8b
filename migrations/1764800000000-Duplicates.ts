import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The report reads every proposal's state in slug order from this index alone. */
function reportIndex(duplicates: boolean): string {
  return `
    CREATE INDEX ix_proposals_report ON proposals (slug)
      INCLUDE (id, title, proposed_on, status, status_since, furthest_status, last_from_status, last_direction,
               last_statement_on, status_since_certainty, status_since_basis, last_statement_on_certainty,
               last_statement_on_basis${duplicates ? ', duplicate_of_id' : ''})`;
}

/**
 * Duplicates made on purpose only: a name a new actor or proposal is checked against
 * (`match_keys`, case- and accent-insensitive, kept by triggers), actors merged into another
 * (`merged_into_id`, with the merge's record in `actor_merges`), proposals marked as duplicates of
 * another (`duplicate_of_id`, by whom, when and why).
 */
export class Duplicates1764800000000 implements MigrationInterface {
  name = 'Duplicates1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // Lower case (by the database's collation: a UTF-8 locale folds every script), accents
    // dropped (NFKD, then the combining marks), anything but letters and digits made one space:
    // "Kazakhstan", "KAZAKHSTAN" and "Kazakhstán " are one key.
    await q.query(`
      CREATE FUNCTION ppt_match_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
        NULLIF(btrim(regexp_replace(
          regexp_replace(lower(normalize(name, NFKD)), '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]', '', 'g'),
          '[^[:alnum:]]+', ' ', 'g')), '')`);
    await q.query(`
      CREATE FUNCTION ppt_match_keys(names text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
        ARRAY(SELECT DISTINCT k FROM unnest(names) n, ppt_match_key(n) k WHERE k IS NOT NULL ORDER BY k)`);

    await q.query(`ALTER TABLE actors ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}',
                                      ADD COLUMN merged_into_id uuid,
                                      ADD CONSTRAINT fk_actors_merged_into FOREIGN KEY (merged_into_id) REFERENCES actors(id)`);
    await q.query(`
      CREATE FUNCTION actors_match_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.match_keys := ppt_match_keys(ARRAY[NEW.name, NEW.short_name] || NEW.aliases);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_actors_match_keys BEFORE INSERT OR UPDATE OF name, short_name, aliases ON actors
        FOR EACH ROW EXECUTE FUNCTION actors_match_keys()`);
    await q.query(`UPDATE actors SET match_keys = ppt_match_keys(ARRAY[name, short_name] || aliases)`);
    await q.query(`CREATE INDEX ix_actors_match_keys ON actors USING gin (match_keys)`);
    await q.query(`CREATE INDEX ix_actors_merged_into_id ON actors (merged_into_id)`);
    await q.query(`
      CREATE TABLE actor_merges (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        actor_id uuid NOT NULL,
        into_id uuid NOT NULL,
        slug text NOT NULL,
        reason text NOT NULL,
        moved jsonb NOT NULL,
        merged_by uuid NOT NULL,
        merged_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_actor_merges PRIMARY KEY (id),
        CONSTRAINT fk_actor_merges_actor FOREIGN KEY (actor_id) REFERENCES actors(id),
        CONSTRAINT fk_actor_merges_into FOREIGN KEY (into_id) REFERENCES actors(id),
        CONSTRAINT fk_actor_merges_merged_by FOREIGN KEY (merged_by) REFERENCES users(id))`);
    await q.query(`CREATE INDEX ix_actor_merges_into_id ON actor_merges (into_id)`);
    await q.query(`CREATE UNIQUE INDEX uq_actor_merges_actor_id ON actor_merges (actor_id)`);

    await q.query(`ALTER TABLE proposals ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}',
                                         ADD COLUMN duplicate_of_id uuid,
                                         ADD COLUMN duplicate_marked_by uuid,
                                         ADD COLUMN duplicate_marked_at timestamptz,
                                         ADD COLUMN duplicate_reason text,
                                         ADD CONSTRAINT fk_proposals_duplicate_of FOREIGN KEY (duplicate_of_id) REFERENCES proposals(id),
                                         ADD CONSTRAINT fk_proposals_duplicate_marked_by FOREIGN KEY (duplicate_marked_by) REFERENCES users(id),
                                         ADD CONSTRAINT ck_proposals_duplicate CHECK (
                                           (duplicate_of_id IS NULL) = (duplicate_marked_at IS NULL)
                                           AND duplicate_of_id IS DISTINCT FROM id)`);
    await q.query(`
      CREATE FUNCTION proposals_match_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.match_keys := ppt_match_keys(ARRAY[NEW.title]);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_proposals_match_keys BEFORE INSERT OR UPDATE OF title ON proposals
        FOR EACH ROW EXECUTE FUNCTION proposals_match_keys()`);
    await q.query(`UPDATE proposals SET match_keys = ppt_match_keys(ARRAY[title])`);
    await q.query(`CREATE INDEX ix_proposals_match_keys ON proposals USING gin (match_keys)`);
    await q.query(`CREATE INDEX ix_proposals_duplicate_of_id ON proposals (duplicate_of_id)`);
    await q.query(`DROP INDEX ix_proposals_report`);
    await q.query(reportIndex(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_proposals_report`);
    await q.query(`DROP TRIGGER tr_proposals_match_keys ON proposals`);
    await q.query(`DROP FUNCTION proposals_match_keys()`);
    await q.query(`ALTER TABLE proposals DROP CONSTRAINT ck_proposals_duplicate,
                                         DROP CONSTRAINT fk_proposals_duplicate_marked_by,
                                         DROP CONSTRAINT fk_proposals_duplicate_of,
                                         DROP COLUMN duplicate_reason, DROP COLUMN duplicate_marked_at,
                                         DROP COLUMN duplicate_marked_by, DROP COLUMN duplicate_of_id,
                                         DROP COLUMN match_keys`);
    await q.query(reportIndex(false));
    await q.query(`DROP TABLE actor_merges`);
    await q.query(`DROP TRIGGER tr_actors_match_keys ON actors`);
    await q.query(`DROP FUNCTION actors_match_keys()`);
    await q.query(`ALTER TABLE actors DROP CONSTRAINT fk_actors_merged_into, DROP COLUMN merged_into_id,
                                      DROP COLUMN match_keys`);
    await q.query(`DROP FUNCTION ppt_match_keys(text[])`);
    await q.query(`DROP FUNCTION ppt_match_key(text)`);
  }
}
