import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to who may call the API — a token revoked (or un-revoked), a user deactivated or
 * given another role, either removed — notifies the channel `ppt_auth_changed` when it commits, from
 * whatever makes it (any instance of the service, a migration, an operator's SQL). Each instance
 * listens and forgets the tokens it has recently found valid (see `TokenCache`). A new token needs
 * no notice: only tokens found valid are remembered.
 */
export class AuthChangeNotices1764600000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('ppt_auth_changed', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of ['api_tokens', 'users']) {
      await q.query(`
        CREATE TRIGGER tr_${table}_auth_changed AFTER UPDATE OR DELETE OR TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['api_tokens', 'users']) await q.query(`DROP TRIGGER tr_${table}_auth_changed ON ${table}`);
    await q.query(`DROP FUNCTION notify_auth_changed()`);
  }
}
