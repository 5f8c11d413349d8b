import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A statement's content: what a retraction freezes. */
const STATEMENT_CONTENT = [
  'speaker_role',
  'said_on',
  'said_on_certainty',
  'said_on_basis',
  'event_id',
  'quote',
  'summary',
  'language',
  'note',
  'source_id',
  'created_at',
  'recorded_by',
];

/**
 * A source's fields, each with what makes it set: a change to a set one is an edit, and takes a
 * new version (a date's certainty and basis are set with the date).
 */
const SOURCE_FIELDS: [column: string, setWhen: string][] = [
  ['dedup_key', 'OLD.dedup_key IS NOT NULL'],
  ['url', 'OLD.url IS NOT NULL'],
  ['publisher', 'OLD.publisher IS NOT NULL'],
  ['title', 'OLD.title IS NOT NULL'],
  ['published_on', 'OLD.published_on IS NOT NULL'],
  ['published_on_certainty', 'OLD.published_on IS NOT NULL'],
  ['published_on_basis', 'OLD.published_on IS NOT NULL'],
  ['note', 'OLD.note IS NOT NULL'],
];

const tuple = (row: 'OLD' | 'NEW', columns: string[]): string => `(${columns.map((c) => `${row}.${c}`).join(', ')})`;

/**
 * The database holds the history to the API's rules, not only to append-only:
 * - a transition is retracted only while it is the latest standing one of its proposal, or, for
 *   the first, when the same transaction puts a corrected first transition in its place (a
 *   redate) — checked at commit, when the whole correction is there;
 * - a statement's retraction is final, a retracted statement's content is frozen (an actor
 *   merge may still move its speaker), and every change to a statement takes a new version;
 * - a source's set fields change only with a new version (finding an existing source may fill a
 *   field it lacked).
 */
export class HistoryRules1765300000000 implements MigrationInterface {
  name = 'HistoryRules1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION transitions_retraction_order() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.from_status IS NULL THEN
          IF NOT EXISTS (SELECT 1 FROM transitions t
                          WHERE t.proposal_id = NEW.proposal_id AND t.from_status IS NULL AND t.retracted_at IS NULL
                            AND t.recorded_at = NEW.retracted_at) THEN
            RAISE EXCEPTION 'the first transition of a proposal is retracted only by a correction that replaces it'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
        ELSIF EXISTS (SELECT 1 FROM transitions t
                       WHERE t.proposal_id = NEW.proposal_id AND t.seq > NEW.seq AND t.retracted_at IS NULL
                         AND t.recorded_at < NEW.retracted_at) THEN
          RAISE EXCEPTION 'only the latest standing transition can be retracted'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER tr_transitions_retraction_order AFTER UPDATE OF retracted_at ON transitions
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL)
        EXECUTE FUNCTION transitions_retraction_order()`);

    await q.query(`
      CREATE FUNCTION statements_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.retracted_at IS NOT NULL AND (
             (NEW.retracted_at, NEW.retracted_by, NEW.retraction_reason)
               IS DISTINCT FROM (OLD.retracted_at, OLD.retracted_by, OLD.retraction_reason)
             OR ${tuple('NEW', STATEMENT_CONTENT)} IS DISTINCT FROM ${tuple('OLD', STATEMENT_CONTENT)}) THEN
          RAISE EXCEPTION 'a retracted statement is kept as it was'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.version <> OLD.version + 1 THEN
          RAISE EXCEPTION 'every change to a statement takes a new version (% after %)', NEW.version, OLD.version
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_statements_guard BEFORE UPDATE ON statements
        FOR EACH ROW EXECUTE FUNCTION statements_guard()`);

    await q.query(`
      CREATE FUNCTION sources_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.version = OLD.version THEN
          IF ${SOURCE_FIELDS.map(([c, set]) => `(${set} AND NEW.${c} IS DISTINCT FROM OLD.${c})`).join('\n             OR ')} THEN
            RAISE EXCEPTION 'a change to a source''s set field takes a new version'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
        ELSIF NEW.version <> OLD.version + 1 THEN
          RAISE EXCEPTION 'a source''s version moves one at a time (% after %)', NEW.version, OLD.version
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_sources_guard BEFORE UPDATE ON sources
        FOR EACH ROW EXECUTE FUNCTION sources_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_sources_guard ON sources`);
    await q.query(`DROP FUNCTION sources_guard()`);
    await q.query(`DROP TRIGGER tr_statements_guard ON statements`);
    await q.query(`DROP FUNCTION statements_guard()`);
    await q.query(`DROP TRIGGER tr_transitions_retraction_order ON transitions`);
    await q.query(`DROP FUNCTION transitions_retraction_order()`);
  }
}
