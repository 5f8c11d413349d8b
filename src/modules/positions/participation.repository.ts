import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Db } from '../../common/database/db.js';
import { returning } from '../../common/database/returning.js';
import { isoTimestampSql } from '../../common/database/sql-params.js';
import { dateJsonSql } from '../../common/dates/world-date-sql.js';
import type { WorldDate } from '../../common/dates/world-date.js';
import { sourceJsonSql } from '../sources/source-sql.js';
import type { ParticipationDto } from './dto/participation.dto.js';
import type { ParticipationAction } from './positions.js';

/** A participation act `x` as the API shows it (`ParticipationDto`). */
const PARTICIPATION_SQL = `json_build_object(
  'id', x.id, 'proposal', p.slug,
  'actor', json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind),
  'action', x.action, ${dateJsonSql('x.occurred_on', 'occurredOn')}, 'note', x.note,
  'sources', COALESCE((SELECT json_agg(${sourceJsonSql('s')} ORDER BY s.created_at, s.id)
                         FROM participation_sources xs JOIN sources s ON s.id = xs.source_id
                        WHERE xs.participation_id = x.id), '[]'),
  'recordedAt', ${isoTimestampSql('x.recorded_at')},
  'recordedBy', json_build_object('id', rb.id, 'name', rb.name),
  'retracted', x.retracted_at IS NOT NULL,
  'retractedAt', ${isoTimestampSql('x.retracted_at')},
  'retractedBy', CASE WHEN xb.id IS NULL THEN NULL ELSE json_build_object('id', xb.id, 'name', xb.name) END,
  'retractionReason', x.retraction_reason)`;

const FROM = `FROM participation x JOIN proposals p ON p.id = x.proposal_id JOIN actors a ON a.id = x.actor_id
  JOIN users rb ON rb.id = x.recorded_by LEFT JOIN users xb ON xb.id = x.retracted_by`;

export interface ParticipationWrite {
  proposalId: string;
  actorId: string;
  action: ParticipationAction;
  occurredOn: WorldDate;
  note: string | null;
  recordedBy: string;
  sourceIds: string[];
}

@Injectable()
export class ParticipationRepository {
  constructor(private readonly db: Db) {}

  /** Every act toward the proposal, oldest first (by date, then by when it was logged), retracted ones included. */
  async history(proposalId: string): Promise<ParticipationDto[]> {
    const rows: { act: ParticipationDto }[] = await this.db.prepared(
      `SELECT ${PARTICIPATION_SQL} AS act ${FROM} WHERE x.proposal_id = $1
        ORDER BY partial_date_start(x.occurred_on), x.recorded_at, x.id`,
      [proposalId],
    );
    return rows.map((row) => row.act);
  }

  async findById(proposalId: string, id: string, manager: EntityManager): Promise<ParticipationDto | null> {
    const rows: { act: ParticipationDto }[] = await manager.query(
      `SELECT ${PARTICIPATION_SQL} AS act ${FROM} WHERE x.proposal_id = $1 AND x.id = $2`,
      [proposalId, id],
    );
    return rows[0]?.act ?? null;
  }

  async insert(act: ParticipationWrite, manager: EntityManager): Promise<string> {
    const rows: { id: string }[] = await this.db.prepared(
      `WITH x AS (
         INSERT INTO participation (proposal_id, actor_id, action, occurred_on, occurred_on_certainty, occurred_on_basis,
                                    note, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
       ), cited AS (
         INSERT INTO participation_sources (participation_id, source_id) SELECT x.id, unnest($9::uuid[]) FROM x
       )
       SELECT id FROM x`,
      [
        act.proposalId,
        act.actorId,
        act.action,
        act.occurredOn.value,
        act.occurredOn.certainty,
        act.occurredOn.basis,
        act.note,
        act.recordedBy,
        act.sourceIds,
      ],
      manager,
    );
    return rows[0].id;
  }

  /** Locks an act of the proposal for the rest of the transaction; whether it stands, or null when there is none. */
  async lock(proposalId: string, id: string, manager: EntityManager): Promise<{ retracted: boolean } | null> {
    const rows: { retracted: boolean }[] = await manager.query(
      'SELECT retracted_at IS NOT NULL AS retracted FROM participation WHERE proposal_id = $1 AND id = $2 FOR UPDATE',
      [proposalId, id],
    );
    return rows[0] ?? null;
  }

  async retract(id: string, userId: string, reason: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE participation SET retracted_at = now(), retracted_by = $2, retraction_reason = $3
        WHERE id = $1 AND retracted_at IS NULL`,
      [id, userId, reason],
    );
  }

  /** Moves actor `from`'s acts onto `into` (an actor merge); how many moved, and the proposals they concern. */
  async moveActor(
    from: string,
    into: string,
    manager: EntityManager,
  ): Promise<{ moved: number; proposalIds: string[] }> {
    const moved = await returning<{ proposalId: string }>(
      manager,
      'UPDATE participation SET actor_id = $2 WHERE actor_id = $1 RETURNING proposal_id AS "proposalId"',
      [from, into],
    );
    return { moved: moved.length, proposalIds: [...new Set(moved.map((row) => row.proposalId))] };
  }
}
