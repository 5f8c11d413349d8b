import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import type { TransitionDto } from './dto/transitions.dto.js';
import type { Direction, Status } from './workflow/statuses.js';
import { sqlParams } from '../../common/database/sql-params.js';
import { dateColumnsSql, dateJsonSql } from '../../common/dates/world-date-sql.js';
import type { DateCertainty, WorldDate } from '../../common/dates/world-date.js';
import { sourceJsonSql } from '../sources/source-sql.js';

export interface StandingTransition {
  id: string;
  seq: number;
  from: Status | null;
  to: Status;
  direction: Direction;
  occurredOn: string;
  occurredOnCertainty: DateCertainty;
  occurredOnBasis: string | null;
}

interface TransitionRow extends Omit<TransitionDto, 'recordedAt' | 'retractedAt' | 'retracted'> {
  recordedAt: Date;
  retractedAt: Date | null;
}

/** A transition `t`'s sources and cited statements, as JSON arrays. */
const CITATIONS = `
         COALESCE((SELECT json_agg(${sourceJsonSql('s')} ORDER BY s.created_at, s.id)
                     FROM transition_sources ts JOIN sources s ON s.id = ts.source_id
                    WHERE ts.transition_id = t.id), '[]') AS sources,
         COALESCE((SELECT json_agg(json_build_object('id', st.id, ${dateJsonSql('st.said_on', 'saidOn')}, 'quote', st.quote, 'summary', st.summary,
                                                     'retracted', st.retracted_at IS NOT NULL,
                                                     'speaker', json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind))
                                   ORDER BY st.said_on, st.created_at, st.id)
                     FROM transition_statements tst JOIN statements st ON st.id = tst.statement_id
                     JOIN actors a ON a.id = st.speaker_id
                    WHERE tst.transition_id = t.id), '[]') AS statements`;

const SELECT = `
  SELECT t.id, t.seq, t.from_status AS "from", t.to_status AS "to", t.direction,
         ${dateColumnsSql('t.occurred_on', 'occurredOn')}, t.note, t.recorded_at AS "recordedAt",
         json_build_object('id', rb.id, 'name', rb.name) AS "recordedBy",
         t.retracted_at AS "retractedAt",
         CASE WHEN xb.id IS NULL THEN NULL ELSE json_build_object('id', xb.id, 'name', xb.name) END AS "retractedBy",
         t.retraction_reason AS "retractionReason",
         (SELECT json_build_object('slug', sp.slug, 'title', sp.title) FROM proposals sp WHERE sp.id = t.superseded_by_id) AS "supersededBy",
         ${CITATIONS}
    FROM transitions t
    JOIN users rb ON rb.id = t.recorded_by
    LEFT JOIN users xb ON xb.id = t.retracted_by`;

function toTransitionDto(row: TransitionRow): TransitionDto {
  return {
    ...row,
    recordedAt: row.recordedAt.toISOString(),
    retracted: row.retractedAt !== null,
    retractedAt: row.retractedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class TransitionsRepository {
  constructor(private readonly db: Db) {}

  async history(proposalId: string): Promise<TransitionDto[]> {
    const rows: TransitionRow[] = await this.db.prepared(`${SELECT} WHERE t.proposal_id = $1 ORDER BY t.seq`, [
      proposalId,
    ]);
    return rows.map(toTransitionDto);
  }

  async findById(
    proposalId: string,
    id: string,
    manager: EntityManager = this.db.manager,
  ): Promise<TransitionDto | null> {
    const rows: TransitionRow[] = await manager.query(`${SELECT} WHERE t.proposal_id = $1 AND t.id = $2`, [
      proposalId,
      id,
    ]);
    return rows[0] ? toTransitionDto(rows[0]) : null;
  }

  /** Standing (not retracted) transitions of a proposal, oldest first. Call with the proposal locked. */
  standing(proposalId: string, manager: EntityManager): Promise<StandingTransition[]> {
    return this.db.prepared(
      `SELECT id, seq, from_status AS "from", to_status AS "to", direction, ${dateColumnsSql('occurred_on', 'occurredOn')}
         FROM transitions WHERE proposal_id = $1 AND retracted_at IS NULL ORDER BY seq`,
      [proposalId],
      manager,
    );
  }

  /**
   * Appends a transition in one SQL statement: the row (numbered after the last one), its
   * sources and cited statements and, with `moves`, the proposal's status fields set to the
   * state it leads to — a new version, and the last activity the later of the old one and this
   * date (a transition is never dated before the latest standing one). Lock the proposal first.
   */
  async append(
    transition: {
      proposalId: string;
      from: Status | null;
      to: Status;
      direction: Direction;
      occurredOn: WorldDate;
      note: string | null;
      supersededById: string | null;
      recordedBy: string;
      sourceIds: string[];
      statementIds?: string[];
    },
    manager: EntityManager,
    moves?: { furthestStatus: Status },
    position: 'last' | 'first' = 'last',
  ): Promise<{ id: string; seq: number; recordedAt: Date }> {
    const { params, param } = sqlParams([
      transition.proposalId,
      transition.from,
      transition.to,
      transition.direction,
      transition.occurredOn.value,
      transition.note,
      transition.supersededById,
      transition.recordedBy,
      transition.sourceIds,
      transition.statementIds ?? [],
      transition.occurredOn.certainty,
      transition.occurredOn.basis,
    ]);
    // A redate's corrected creation goes before the history it corrects.
    const seq = position === 'last' ? 'COALESCE(max(seq), 0) + 1' : 'COALESCE(min(seq), 1) - 1';
    const furthest = moves === undefined ? undefined : param(moves.furthestStatus);
    const rows: { id: string; seq: number; recordedAt: Date }[] = await this.db.prepared(
      `WITH t AS (
         INSERT INTO transitions (proposal_id, seq, from_status, to_status, direction, occurred_on,
                                  occurred_on_certainty, occurred_on_basis, note, superseded_by_id, recorded_by)
         SELECT $1, ${seq}, $2, $3, $4, $5, $11, $12, $6, $7, $8 FROM transitions WHERE proposal_id = $1
         RETURNING id, seq, recorded_at
       ), cited_sources AS (
         INSERT INTO transition_sources (transition_id, source_id) SELECT t.id, unnest($9::uuid[]) FROM t
       ), cited_statements AS (
         INSERT INTO transition_statements (transition_id, statement_id) SELECT DISTINCT t.id, unnest($10::uuid[]) FROM t
       )${
         moves === undefined
           ? ''
           : `, moved AS (
         UPDATE proposals p SET status = $3, status_since = $5, status_since_certainty = $11, status_since_basis = $12,
                furthest_status = ${furthest}, last_from_status = $2,
                last_direction = $4, superseded_by_id = $7, updated_at = now(), version = p.version + 1,
                last_activity_on = GREATEST(p.last_activity_on, $5)
          WHERE p.id = $1
       )`
       }
       SELECT id, seq, recorded_at AS "recordedAt" FROM t`,
      params,
      manager,
    );
    return rows[0];
  }

  /** The ids of the sources a transition cites. */
  async sourceIdsOf(id: string, manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      'SELECT source_id AS id FROM transition_sources WHERE transition_id = $1',
      [id],
    );
    return rows.map((row) => row.id);
  }

  /** The sources and statements a transition cites, as its response shows them. */
  async citations(id: string, manager: EntityManager): Promise<Pick<TransitionDto, 'sources' | 'statements'>> {
    const rows: Pick<TransitionDto, 'sources' | 'statements'>[] = await this.db.prepared(
      `SELECT ${CITATIONS} FROM transitions t WHERE t.id = $1`,
      [id],
      manager,
    );
    return rows[0];
  }

  async retract(id: string, userId: string, reason: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE transitions SET retracted_at = now(), retracted_by = $2, retraction_reason = $3
        WHERE id = $1 AND retracted_at IS NULL`,
      [id, userId, reason],
    );
  }

  /**
   * Which of these statement ids name a statement, and whether it stands. A transition may cite
   * standing statements only; one retracted later stays cited, flagged as retracted.
   */
  async citableStatements(ids: string[], manager: EntityManager): Promise<Map<string, { retracted: boolean }>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; retracted: boolean }[] = await manager.query(
      `SELECT id, retracted_at IS NOT NULL AS retracted FROM statements WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { retracted: row.retracted }]));
  }

  /** The standing transition in force on `asOf` (a full date), or null before the first. */
  async inForceOn(proposalId: string, asOf: string): Promise<StandingTransition | null> {
    const rows: StandingTransition[] = await this.db.manager.query(
      `SELECT id, seq, from_status AS "from", to_status AS "to", direction, ${dateColumnsSql('occurred_on', 'occurredOn')}
         FROM transitions
        WHERE proposal_id = $1 AND retracted_at IS NULL AND occurred_on <= $2
        ORDER BY seq DESC LIMIT 1`,
      [proposalId, asOf],
    );
    return rows[0] ?? null;
  }
}
