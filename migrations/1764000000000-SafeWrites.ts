import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (every write: who, when, what, before and after; append-only in the database)
 * and idempotency keys (a POST's first response, stored in the transaction of its effect).
 */
export class SafeWrites1764000000000 implements MigrationInterface {
  name = 'SafeWrites1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        user_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        request_id text,
        before jsonb,
        after jsonb,
        CONSTRAINT pk_audit_log PRIMARY KEY (id),
        CONSTRAINT fk_audit_log_user FOREIGN KEY (user_id) REFERENCES users (id)
      )`);
    await q.query(`CREATE INDEX ix_audit_log_entity ON audit_log (entity_type, entity_id, id)`);
    await q.query(`CREATE INDEX ix_audit_log_user_id ON audit_log (user_id, id)`);
    await q.query(`CREATE INDEX ix_audit_log_at ON audit_log (at)`);
    await q.query(`
      CREATE TRIGGER tr_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER tr_audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer,
        response_body text,
        response_etag text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT pk_idempotency_keys PRIMARY KEY (user_id, key),
        CONSTRAINT fk_idempotency_keys_user FOREIGN KEY (user_id) REFERENCES users (id)
      )`);
    await q.query(`CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE audit_log`);
  }
}
