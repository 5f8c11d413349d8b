import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statements and sources, which the API only ever adds to (a statement is retracted, never
 * removed), cannot be deleted or truncated in the database either.
 */
export class HistoryGuards1765100000000 implements MigrationInterface {
  name = 'HistoryGuards1765100000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['statements', 'sources']) {
      await q.query(`
        CREATE TRIGGER tr_${table}_kept BEFORE DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await q.query(`
        CREATE TRIGGER tr_${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['statements', 'sources']) {
      await q.query(`DROP TRIGGER tr_${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER tr_${table}_kept ON ${table}`);
    }
  }
}
