import { Injectable } from '@nestjs/common';
import { webSearchText } from '../../common/database/web-search.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { returning } from '../../common/database/returning.js';
import type { StatementDto } from './dto/statements.dto.js';
import type { Stance } from '../../common/dto/stance.js';
import { editSets, sqlParams } from '../../common/database/sql-params.js';
import { dateColumnsSql, dateJsonSql } from '../../common/dates/world-date-sql.js';
import type { WorldDate } from '../../common/dates/world-date.js';
import { sourceJsonSql } from '../sources/source-sql.js';

export interface StatementRow extends Omit<StatementDto, 'recordedAt' | 'retractedAt' | 'retracted' | 'updatedAt'> {
  recordedAt: Date;
  retractedAt: Date | null;
  updatedAt: Date;
  /** Full-text relevance, on rows listed with `q`. */
  rank?: number;
}

export interface StatementFilters {
  /** Statements about this proposal (by id), with `stance` toward it when given. */
  proposalId?: string;
  speaker?: string;
  /** Statements made on behalf of this actor (slug). */
  onBehalfOf?: string;
  event?: string;
  /** Without `proposalId`: a stance toward any proposal. */
  stance?: Stance;
  /** First day of `saidOn` on or after this full date. */
  fromDay?: string;
  /** First day of `saidOn` on or before this full date. */
  toDay?: string;
  q?: string;
  includeRetracted: boolean;
}

export interface StatementWrite {
  speakerId: string;
  onBehalfOf: string | null;
  speakerRole: string | null;
  saidOn: WorldDate;
  eventId: string | null;
  quote: string | null;
  summary: string | null;
  language: string;
  note: string | null;
  sourceId: string;
}

const COLUMNS = `
  s.id,
  json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind) AS speaker,
  (SELECT json_build_object('slug', b.slug, 'name', b.name, 'kind', b.kind) FROM actors b WHERE b.id = s.on_behalf_of)
    AS "onBehalfOf",
  s.speaker_role AS "speakerRole", ${dateColumnsSql('s.said_on', 'saidOn')},
  (SELECT json_build_object('slug', e.slug, 'name', e.name, 'kind', e.kind, ${dateJsonSql('e.starts_on', 'startsOn')})
     FROM events e WHERE e.id = s.event_id) AS event,
  s.quote, s.summary, s.language, s.note,
  ${sourceJsonSql('src')} AS source,
  COALESCE((SELECT json_agg(json_build_object('slug', p.slug, 'title', p.title, 'stance', sp.stance) ORDER BY p.slug COLLATE "C")
              FROM statement_proposals sp JOIN proposals p ON p.id = sp.proposal_id
             WHERE sp.statement_id = s.id), '[]') AS proposals,
  s.created_at AS "recordedAt", json_build_object('id', rb.id, 'name', rb.name) AS "recordedBy",
  s.retracted_at AS "retractedAt",
  CASE WHEN xb.id IS NULL THEN NULL ELSE json_build_object('id', xb.id, 'name', xb.name) END AS "retractedBy",
  s.retraction_reason AS "retractionReason", s.updated_at AS "updatedAt", s.version`;

const FROM = `
  FROM statements s
  JOIN actors a ON a.id = s.speaker_id
  JOIN sources src ON src.id = s.source_id
  JOIN users rb ON rb.id = s.recorded_by
  LEFT JOIN users xb ON xb.id = s.retracted_by`;

@Injectable()
export class StatementsRepository {
  constructor(private readonly db: Db) {}

  /** Moves actor `from`'s statements onto speaker `into`; how many moved, and the proposals they concern. */
  async moveSpeaker(
    from: string,
    into: string,
    manager: EntityManager,
  ): Promise<{ moved: number; proposalIds: string[] }> {
    const moved: { id: string }[] = await returning(
      manager,
      `UPDATE statements SET speaker_id = CASE WHEN speaker_id = $1 THEN $2 ELSE speaker_id END,
              on_behalf_of = CASE WHEN on_behalf_of = $1 THEN $2 ELSE on_behalf_of END,
              version = version + 1, updated_at = now()
        WHERE speaker_id = $1 OR on_behalf_of = $1 RETURNING id`,
      [from, into],
    );
    const proposals: { id: string }[] = await manager.query(
      'SELECT DISTINCT proposal_id AS id FROM statement_proposals WHERE statement_id = ANY($1::uuid[])',
      [moved.map((row) => row.id)],
    );
    return { moved: moved.length, proposalIds: proposals.map((row) => row.id) };
  }

  async findById(id: string, manager: EntityManager = this.db.manager): Promise<StatementRow | null> {
    const rows: StatementRow[] = await this.db.prepared(`SELECT ${COLUMNS} ${FROM} WHERE s.id = $1`, [id], manager);
    return rows[0] ?? null;
  }

  /**
   * Locks a statement for the rest of the transaction, before the proposals it concerns (the
   * order every statement write takes); whether it stands, or null when it does not exist.
   */
  async lock(id: string, manager: EntityManager): Promise<{ retracted: boolean; version: number } | null> {
    const rows: { retracted: boolean; version: number }[] = await manager.query(
      'SELECT retracted_at IS NOT NULL AS retracted, version FROM statements WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * One page, most recent `saidOn` first (or best match first with `q`), after the keyset
   * `after`; one row more than `limit` tells whether another page follows.
   */
  async list(filters: StatementFilters, limit: number, after: unknown[] | undefined): Promise<StatementRow[]> {
    const joins: string[] = [];
    const where: string[] = [];
    const { params, param } = sqlParams();
    if (filters.proposalId !== undefined) {
      // A join, not EXISTS: the planner starts from the proposal's few statements.
      joins.push(
        `JOIN statement_proposals spf ON spf.statement_id = s.id AND spf.proposal_id = ${param(filters.proposalId)}` +
          (filters.stance !== undefined ? ` AND spf.stance = ${param(filters.stance)}` : ''),
      );
    } else if (filters.stance !== undefined) {
      where.push(
        `EXISTS (SELECT 1 FROM statement_proposals spf WHERE spf.statement_id = s.id AND spf.stance = ${param(filters.stance)})`,
      );
    }
    let rank = '';
    if (filters.q !== undefined) {
      joins.push(`CROSS JOIN websearch_to_tsquery('english', ${param(webSearchText(filters.q))}) query`);
      where.push('s.search @@ query');
      rank = ', ts_rank(s.search, query) AS rank';
    }
    if (filters.speaker !== undefined) where.push(`a.slug = ${param(filters.speaker)}`);
    if (filters.onBehalfOf !== undefined) {
      where.push(`s.on_behalf_of = (SELECT id FROM actors WHERE slug = ${param(filters.onBehalfOf)})`);
    }
    if (filters.event !== undefined) {
      where.push(`s.event_id = (SELECT id FROM events WHERE slug = ${param(filters.event)})`);
    }
    if (filters.fromDay !== undefined) where.push(`partial_date_start(s.said_on) >= ${param(filters.fromDay)}::date`);
    if (filters.toDay !== undefined) where.push(`partial_date_start(s.said_on) <= ${param(filters.toDay)}::date`);
    if (!filters.includeRetracted) where.push('s.retracted_at IS NULL');
    const keys = filters.q !== undefined ? ['ts_rank(s.search, query)', 's.id'] : ['s.said_on', 's.id'];
    if (after !== undefined) {
      const casts = filters.q !== undefined ? ['real', 'uuid'] : ['partial_date', 'uuid'];
      where.push(`(${keys.join(', ')}) < (${after.map((value, i) => `${param(value)}::${casts[i]}`).join(', ')})`);
    }
    const sql = `SELECT ${COLUMNS}${rank} ${FROM} ${joins.join(' ')}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${keys.map((key) => `${key} DESC`).join(', ')} LIMIT ${param(limit + 1)}`;
    return this.db.manager.query(sql, params);
  }

  /** Every statement about a proposal with its stance toward it, for the timeline. */
  async aboutProposal(proposalId: string, includeRetracted: boolean): Promise<(StatementRow & { stance: Stance })[]> {
    return this.db.prepared(
      `SELECT ${COLUMNS}, spf.stance ${FROM}
         JOIN statement_proposals spf ON spf.statement_id = s.id AND spf.proposal_id = $1
        WHERE $2 OR s.retracted_at IS NULL`,
      [proposalId, includeRetracted],
    );
  }

  /**
   * The statement with this speaker, date and words, retracted or not (the seeds' natural key),
   * and with `sourceKey`, from that source too (an import's).
   */
  async findByNaturalKey(key: {
    speaker: string;
    saidOn: string;
    quote: string | null;
    summary: string | null;
    sourceKey?: string;
  }): Promise<string | null> {
    const rows: { id: string }[] = await this.db.manager.query(
      `SELECT s.id FROM statements s JOIN actors a ON a.id = s.speaker_id JOIN sources src ON src.id = s.source_id
        WHERE a.slug = $1 AND s.said_on = $2 AND s.quote IS NOT DISTINCT FROM $3 AND s.summary IS NOT DISTINCT FROM $4
          AND ($5::text IS NULL OR src.dedup_key = $5)
        ORDER BY s.created_at LIMIT 1`,
      [key.speaker, key.saidOn, key.quote, key.summary, key.sourceKey ?? null],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Inserts a new standing statement and its stances toward the (already locked) proposals; its
   * id, times and version.
   */
  async insert(
    statement: StatementWrite & { recordedBy: string; stances: { proposalId: string; stance: Stance }[] },
    manager: EntityManager,
  ): Promise<{ id: string; recordedAt: Date; updatedAt: Date; version: number }> {
    const rows: { id: string; recordedAt: Date; updatedAt: Date; version: number }[] = await this.db.prepared(
      `WITH s AS (
         INSERT INTO statements (speaker_id, speaker_role, said_on, said_on_certainty, said_on_basis, event_id, quote,
                                 summary, language, note, source_id, recorded_by, on_behalf_of)
         VALUES ($1, $2, $3, $13, $14, $4, $5, $6, $7, $8, $9, $10, $15)
         RETURNING id, created_at, updated_at, version
       ), links AS (
         INSERT INTO statement_proposals (statement_id, proposal_id, stance)
         SELECT s.id, x.proposal_id, x.stance FROM s, unnest($11::uuid[], $12::text[]) AS x(proposal_id, stance)
       )
       SELECT id, created_at AS "recordedAt", updated_at AS "updatedAt", version FROM s`,
      [
        statement.speakerId,
        statement.speakerRole,
        statement.saidOn.value,
        statement.eventId,
        statement.quote,
        statement.summary,
        statement.language,
        statement.note,
        statement.sourceId,
        statement.recordedBy,
        statement.stances.map((s) => s.proposalId),
        statement.stances.map((s) => s.stance),
        statement.saidOn.certainty,
        statement.saidOn.basis,
        statement.onBehalfOf,
      ],
      manager,
    );
    return rows[0];
  }

  /**
   * Applies the changes if `version` is current and the statement stands; fields left
   * undefined keep their value. False when the version is stale or the statement retracted.
   */
  async update(
    id: string,
    version: number,
    changes: Partial<StatementWrite>,
    manager: EntityManager,
  ): Promise<boolean> {
    const columns: Record<string, unknown> = {
      speaker_id: changes.speakerId,
      on_behalf_of: changes.onBehalfOf,
      speaker_role: changes.speakerRole,
      said_on: changes.saidOn?.value,
      said_on_certainty: changes.saidOn?.certainty,
      said_on_basis: changes.saidOn === undefined ? undefined : changes.saidOn.basis,
      event_id: changes.eventId,
      quote: changes.quote,
      summary: changes.summary,
      language: changes.language,
      note: changes.note,
      source_id: changes.sourceId,
    };
    const { params, param } = sqlParams([id, version]);
    const sets = editSets(columns, param);
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE statements SET ${sets} WHERE id = $1 AND version = $2 AND retracted_at IS NULL RETURNING id`,
      params,
    );
    return rows.length === 1;
  }

  async replaceStances(
    statementId: string,
    stances: { proposalId: string; stance: Stance }[],
    manager: EntityManager,
  ): Promise<void> {
    await manager.query('DELETE FROM statement_proposals WHERE statement_id = $1', [statementId]);
    await manager.query(
      `INSERT INTO statement_proposals (statement_id, proposal_id, stance)
       SELECT $1, proposal_id, stance FROM unnest($2::uuid[], $3::text[]) AS x(proposal_id, stance)`,
      [statementId, stances.map((s) => s.proposalId), stances.map((s) => s.stance)],
    );
  }

  /** Ids of the proposals a statement concerns. */
  async proposalIds(statementId: string, manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      'SELECT proposal_id AS id FROM statement_proposals WHERE statement_id = $1',
      [statementId],
    );
    return rows.map((row) => row.id);
  }

  /** Flags a standing statement as retracted; false when it was already. */
  async retract(id: string, userId: string, reason: string, manager: EntityManager): Promise<boolean> {
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE statements SET retracted_at = now(), retracted_by = $2, retraction_reason = $3,
              updated_at = now(), version = version + 1
        WHERE id = $1 AND retracted_at IS NULL RETURNING id`,
      [id, userId, reason],
    );
    return rows.length === 1;
  }
}

export function toStatementDto(row: StatementRow): StatementDto {
  const { rank: _rank, recordedAt, retractedAt, updatedAt, ...rest } = row;
  return {
    ...rest,
    recordedAt: recordedAt.toISOString(),
    retracted: retractedAt !== null,
    retractedAt: retractedAt?.toISOString() ?? null,
    updatedAt: updatedAt.toISOString(),
  };
}
