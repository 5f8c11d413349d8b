import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Following changes (contract §7): one change per write, committed with it; watch lists; feed
 * keys; webhooks, the deliveries log, and the dispatcher's cursor over the changes. The delivery
 * jobs themselves are pg-boss's, in its own schema.
 */
export class Changes1764900000000 implements MigrationInterface {
  name = 'Changes1764900000000';

  async up(q: QueryRunner): Promise<void> {
    // `xid` is the writing transaction's: a reader hands out only changes whose transaction is
    // older than every transaction still running, in (xid, id) order, so none commits behind it.
    await q.query(`
      CREATE TABLE changes (
        id bigserial NOT NULL,
        xid bigint NOT NULL,
        type text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        by_id uuid,
        request_id text,
        proposal_slugs text[] NOT NULL DEFAULT '{}',
        actor_slugs text[] NOT NULL DEFAULT '{}',
        forum_slugs text[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        subject_slug text,
        summary text NOT NULL,
        data json NOT NULL,
        CONSTRAINT pk_changes PRIMARY KEY (id),
        CONSTRAINT fk_changes_by FOREIGN KEY (by_id) REFERENCES users(id))`);
    await q.query(`CREATE INDEX ix_changes_order ON changes (xid, id)`);
    await q.query(`CREATE INDEX ix_changes_recorded_at ON changes (recorded_at)`);
    for (const column of ['proposal_slugs', 'actor_slugs', 'forum_slugs', 'tags']) {
      await q.query(`CREATE INDEX ix_changes_${column} ON changes USING gin (${column})`);
    }
    // Kept as written, like the audit log.
    await q.query(`
      CREATE FUNCTION changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'changes are append-only' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_changes_append_only BEFORE UPDATE OR DELETE ON changes
        FOR EACH ROW EXECUTE FUNCTION changes_append_only()`);

    await q.query(`
      CREATE TABLE watches (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        target_type text NOT NULL,
        target text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_watches PRIMARY KEY (id),
        CONSTRAINT fk_watches_user FOREIGN KEY (user_id) REFERENCES users(id),
        CONSTRAINT ck_watches_target_type CHECK (target_type IN ('proposal', 'actor', 'tag', 'forum')),
        CONSTRAINT uq_watches_target UNIQUE (user_id, target_type, target))`);

    await q.query(`ALTER TABLE users ADD COLUMN feed_key_hash text`);
    await q.query(`CREATE UNIQUE INDEX uq_users_feed_key_hash ON users (feed_key_hash)`);

    await q.query(`
      CREATE TABLE webhooks (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        secret text NOT NULL,
        types text[],
        proposal text,
        tag text,
        description text,
        active boolean NOT NULL DEFAULT true,
        disabled_reason text,
        failing_since timestamptz,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_webhooks PRIMARY KEY (id),
        CONSTRAINT fk_webhooks_created_by FOREIGN KEY (created_by) REFERENCES users(id))`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL,
        change_id bigint NOT NULL,
        attempt integer NOT NULL,
        status text NOT NULL,
        response_status integer,
        duration_ms integer NOT NULL,
        error text,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz,
        CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
        CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks(id) ON DELETE CASCADE,
        CONSTRAINT fk_webhook_deliveries_change FOREIGN KEY (change_id) REFERENCES changes(id),
        CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('succeeded', 'failed', 'abandoned')))`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, attempted_at)`);
    // The dispatcher's place in the changes: one row, locked by the instance dispatching.
    await q.query(`
      CREATE TABLE change_dispatch (
        id integer NOT NULL,
        last_xid bigint NOT NULL DEFAULT 0,
        last_id bigint NOT NULL DEFAULT 0,
        CONSTRAINT pk_change_dispatch PRIMARY KEY (id),
        CONSTRAINT ck_change_dispatch_one CHECK (id = 1))`);
    await q.query(`INSERT INTO change_dispatch (id) VALUES (1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE change_dispatch`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhooks`);
    await q.query(`DROP INDEX uq_users_feed_key_hash`);
    await q.query(`ALTER TABLE users DROP COLUMN feed_key_hash`);
    await q.query(`DROP TABLE watches`);
    await q.query(`DROP TABLE changes`);
    await q.query(`DROP FUNCTION changes_append_only()`);
  }
}
