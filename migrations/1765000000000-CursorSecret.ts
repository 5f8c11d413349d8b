import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key list cursors are signed with, made once per database so that every instance (and every
 * restart) honours the cursors any of them issued: 244 random bits from `gen_random_uuid()`.
 */
export class CursorSecret1765000000000 implements MigrationInterface {
  name = 'CursorSecret1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_secrets (
        name text NOT NULL,
        secret text NOT NULL,
        CONSTRAINT pk_service_secrets PRIMARY KEY (name))`);
    await q.query(`
      INSERT INTO service_secrets (name, secret)
      VALUES ('cursor', encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'base64'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_secrets`);
  }
}
