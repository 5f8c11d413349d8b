import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposal's momentum (GET /proposals/{slug}, and each page of the list) looks for its advances
 * inside the window. With only the index by date, PostgreSQL read every proposal's advances in the
 * window and kept the page's: 864 index entries for one proposal at 100k proposals, ten times fewer
 * at 10k, so a single proposal's cost grew with the data. Per proposal and date, it is one short
 * index-only range scan. The report, which reads every proposal's window, keeps the index by date.
 */
export class ProposalAdvancesIndex1764400000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_transitions_proposal_advances ON transitions (proposal_id, occurred_on)
        INCLUDE (seq, from_status, to_status, direction)
        WHERE retracted_at IS NULL AND direction IN ('advance', 'resume')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_transitions_proposal_advances`);
  }
}
