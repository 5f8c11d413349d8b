import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import type { TransitionDto } from './dto/transitions.dto.js';
import type { Direction, Status } from './workflow/statuses.js';

export interface StandingTransition {
  id: string;
  seq: number;
  from: Status | null;
  to: Status;
  direction: Direction;
  occurredOn: string;
}

interface TransitionRow extends Omit<TransitionDto, 'recordedAt' | 'retractedAt' | 'retracted'> {
  recordedAt: Date;
  retractedAt: Date | null;
}

const SELECT = `
  SELECT t.id, t.seq, t.from_status AS "from", t.to_status AS "to", t.direction,
         t.occurred_on AS "occurredOn", t.note, t.recorded_at AS "recordedAt",
         json_build_object('id', rb.id, 'name', rb.name) AS "recordedBy",
         t.retracted_at AS "retractedAt",
         CASE WHEN xb.id IS NULL THEN NULL ELSE json_build_object('id', xb.id, 'name', xb.name) END AS "retractedBy",
         t.retraction_reason AS "retractionReason",
         (SELECT json_build_object('slug', sp.slug, 'title', sp.title) FROM proposals sp WHERE sp.id = t.superseded_by_id) AS "supersededBy",
         COALESCE((SELECT json_agg(json_build_object('id', s.id, 'url', s.url, 'publisher', s.publisher,
                                                     'title', s.title, 'publishedOn', s.published_on) ORDER BY s.created_at, s.id)
                     FROM transition_sources ts JOIN sources s ON s.id = ts.source_id
                    WHERE ts.transition_id = t.id), '[]') AS sources,
         COALESCE((SELECT json_agg(json_build_object('id', st.id, 'saidOn', st.said_on, 'quote', st.quote, 'summary', st.summary,
                                                     'retracted', st.retracted_at IS NOT NULL,
                                                     'speaker', json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind))
                                   ORDER BY st.said_on, st.created_at, st.id)
                     FROM transition_statements tst JOIN statements st ON st.id = tst.statement_id
                     JOIN actors a ON a.id = st.speaker_id
                    WHERE tst.transition_id = t.id), '[]') AS statements
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
    const rows: TransitionRow[] = await this.db.manager.query(`${SELECT} WHERE t.proposal_id = $1 ORDER BY t.seq`, [
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
    return manager.query(
      `SELECT id, seq, from_status AS "from", to_status AS "to", direction, occurred_on AS "occurredOn"
         FROM transitions WHERE proposal_id = $1 AND retracted_at IS NULL ORDER BY seq`,
      [proposalId],
    );
  }

  async nextSeq(proposalId: string, manager: EntityManager): Promise<number> {
    const rows: { next: number }[] = await manager.query(
      'SELECT COALESCE(max(seq), 0) + 1 AS next FROM transitions WHERE proposal_id = $1',
      [proposalId],
    );
    return rows[0].next;
  }

  async append(
    transition: {
      proposalId: string;
      seq: number;
      from: Status | null;
      to: Status;
      direction: Direction;
      occurredOn: string;
      note: string | null;
      supersededById: string | null;
      recordedBy: string;
      sourceIds: string[];
      statementIds?: string[];
    },
    manager: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO transitions (proposal_id, seq, from_status, to_status, direction, occurred_on, note,
                                superseded_by_id, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        transition.proposalId,
        transition.seq,
        transition.from,
        transition.to,
        transition.direction,
        transition.occurredOn,
        transition.note,
        transition.supersededById,
        transition.recordedBy,
      ],
    );
    const id = rows[0].id;
    if (transition.sourceIds.length > 0) {
      await manager.query(`INSERT INTO transition_sources (transition_id, source_id) SELECT $1, unnest($2::uuid[])`, [
        id,
        transition.sourceIds,
      ]);
    }
    if (transition.statementIds !== undefined && transition.statementIds.length > 0) {
      await manager.query(
        `INSERT INTO transition_statements (transition_id, statement_id) SELECT DISTINCT $1::uuid, unnest($2::uuid[])`,
        [id, transition.statementIds],
      );
    }
    return id;
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
      `SELECT id, seq, from_status AS "from", to_status AS "to", direction, occurred_on AS "occurredOn"
         FROM transitions
        WHERE proposal_id = $1 AND retracted_at IS NULL AND occurred_on <= $2
        ORDER BY seq DESC LIMIT 1`,
      [proposalId, asOf],
    );
    return rows[0] ?? null;
  }
}
