import { isoTimestampSql } from '../../common/database/sql-params.js';

/**
 * The assessment standing on `day` (SQL of a full date) for each proposal that has one, as rows
 * `(proposal_id, assessment)`, `assessment` the JSON of `AssessmentShownDto`: the latest recorded
 * on or before that day that no editor withdrew and no standing transition or statement about the
 * proposal has been recorded after. (The read is of a few rows: assessments are rare.)
 */
export function standingAssessmentsSql(day: string, ids?: string): string {
  return `SELECT DISTINCT ON (x.proposal_id) x.proposal_id,
                 json_build_object('id', x.id, 'momentum', x.momentum, 'reason', x.reason,
                                   'by', json_build_object('id', u.id, 'name', u.name),
                                   'on', to_char(x.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                                   'recordedAt', ${isoTimestampSql('x.recorded_at')}) AS assessment
            FROM assessments x JOIN users u ON u.id = x.recorded_by
           WHERE x.withdrawn_at IS NULL AND (x.recorded_at AT TIME ZONE 'UTC')::date <= (${day})::date
             ${ids === undefined ? '' : `AND x.proposal_id = ANY(${ids})`}
             AND NOT EXISTS (SELECT 1 FROM transitions t
                              WHERE t.proposal_id = x.proposal_id AND t.retracted_at IS NULL AND t.recorded_at > x.recorded_at)
             AND NOT EXISTS (SELECT 1 FROM statement_proposals sp JOIN statements s ON s.id = sp.statement_id
                              WHERE sp.proposal_id = x.proposal_id AND sp.standing AND s.created_at > x.recorded_at)
           ORDER BY x.proposal_id, x.recorded_at DESC`;
}
