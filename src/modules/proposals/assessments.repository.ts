import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Db } from '../../common/database/db.js';
import { isoTimestampSql } from '../../common/database/sql-params.js';
import { sourceJsonSql } from '../sources/source-sql.js';
import type { AssessmentDto } from './dto/assessments.dto.js';
import type { Momentum } from './workflow/momentum.js';

/** An assessment `x` as the API shows it (`AssessmentDto`). */
const ASSESSMENT_SQL = `json_build_object(
  'id', x.id, 'momentum', x.momentum, 'reason', x.reason,
  'sources', COALESCE((SELECT json_agg(${sourceJsonSql('s')} ORDER BY s.created_at, s.id)
                         FROM assessment_sources xs JOIN sources s ON s.id = xs.source_id
                        WHERE xs.assessment_id = x.id), '[]'),
  'recordedAt', ${isoTimestampSql('x.recorded_at')},
  'recordedBy', json_build_object('id', rb.id, 'name', rb.name),
  'standing', x.withdrawn_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM transitions t
                      WHERE t.proposal_id = x.proposal_id AND t.retracted_at IS NULL AND t.recorded_at > x.recorded_at)
     AND NOT EXISTS (SELECT 1 FROM statement_proposals sp JOIN statements st ON st.id = sp.statement_id
                      WHERE sp.proposal_id = x.proposal_id AND sp.standing AND st.created_at > x.recorded_at),
  'withdrawn', x.withdrawn_at IS NOT NULL,
  'withdrawnAt', ${isoTimestampSql('x.withdrawn_at')},
  'withdrawnBy', CASE WHEN wb.id IS NULL THEN NULL ELSE json_build_object('id', wb.id, 'name', wb.name) END,
  'withdrawalReason', x.withdrawal_reason)`;

const FROM = `FROM assessments x JOIN users rb ON rb.id = x.recorded_by LEFT JOIN users wb ON wb.id = x.withdrawn_by`;

@Injectable()
export class AssessmentsRepository {
  constructor(private readonly db: Db) {}

  async history(proposalId: string): Promise<AssessmentDto[]> {
    const rows: { assessment: AssessmentDto }[] = await this.db.prepared(
      `SELECT ${ASSESSMENT_SQL} AS assessment ${FROM} WHERE x.proposal_id = $1 ORDER BY x.recorded_at, x.id`,
      [proposalId],
    );
    return rows.map((row) => row.assessment);
  }

  async findById(proposalId: string, id: string, manager: EntityManager): Promise<AssessmentDto | null> {
    const rows: { assessment: AssessmentDto }[] = await manager.query(
      `SELECT ${ASSESSMENT_SQL} AS assessment ${FROM} WHERE x.proposal_id = $1 AND x.id = $2`,
      [proposalId, id],
    );
    return rows[0]?.assessment ?? null;
  }

  async insert(
    assessment: { proposalId: string; momentum: Momentum; reason: string; recordedBy: string; sourceIds: string[] },
    manager: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `WITH x AS (
         INSERT INTO assessments (proposal_id, momentum, reason, recorded_by) VALUES ($1, $2, $3, $4) RETURNING id
       ), cited AS (
         INSERT INTO assessment_sources (assessment_id, source_id) SELECT x.id, unnest($5::uuid[]) FROM x
       )
       SELECT id FROM x`,
      [assessment.proposalId, assessment.momentum, assessment.reason, assessment.recordedBy, assessment.sourceIds],
    );
    return rows[0].id;
  }

  /** Withdraws a standing assessment; false when it already was. */
  async withdraw(id: string, userId: string, reason: string, manager: EntityManager): Promise<boolean> {
    const [, count] = await manager.query<[unknown, number]>(
      `UPDATE assessments SET withdrawn_at = now(), withdrawn_by = $2, withdrawal_reason = $3
        WHERE id = $1 AND withdrawn_at IS NULL`,
      [id, userId, reason],
    );
    return count === 1;
  }
}
