import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The momentum of a page of proposals (the list, 50 at most) counts each one's standing
 * statements inside the window. With only an index by date, PostgreSQL intersected the window's
 * every link (85k at 10k proposals, ten times that at 100k) with the page's links. Per proposal
 * and date, the page's window is one short index-only range scan per proposal. The report, which
 * counts every proposal's window, keeps the index by date.
 */
export class ProposalWindowIndex1764300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_statement_proposals_proposal_window ON statement_proposals (proposal_id, said_on) INCLUDE (stance)
       WHERE standing`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_statement_proposals_proposal_window`);
  }
}
