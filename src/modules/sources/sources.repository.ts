import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Db } from '../../common/database/db.js';
import { likePattern } from '../../common/database/like-pattern.js';
import { editSets, isoTimestampSql, type Param, sqlParams } from '../../common/database/sql-params.js';
import type { WorldDate } from '../../common/dates/world-date.js';
import type { CitationDto, SourceDto, SourceRecordDto } from './dto/source.dto.js';
import { type Citation, sourceKey } from './source-key.js';
import { sourceJsonSql } from './source-sql.js';

/** A source as its own resource shows it, written by PostgreSQL. */
const RECORD_SQL = (s: string): string => `(${sourceJsonSql(s)}::jsonb || jsonb_build_object(
  'note', ${s}.note, 'createdAt', ${isoTimestampSql(`${s}.created_at`)}, 'updatedAt', ${isoTimestampSql(`${s}.updated_at`)},
  'version', ${s}.version))`;

/**
 * The upsert of one cited source, as SQL that answers it as shown: a new row, or the existing one
 * with the fields it lacked filled in (never overwritten; a date with its certainty and basis).
 */
function sourceUpsertSql(param: Param, source: Citation): string {
  const published = source.publishedOn;
  return `INSERT INTO sources AS s (dedup_key, url, publisher, title, published_on, published_on_certainty, published_on_basis, note)
    VALUES (${param(sourceKey(source))}::text, ${param(source.url ?? null)}::text, ${param(source.publisher ?? null)}::text,
            ${param(source.title ?? null)}::text, ${param(published?.value ?? null)}::partial_date,
            ${param(published?.certainty ?? 'stated')}::text, ${param(published?.basis ?? null)}::text, ${param(source.note ?? null)}::text)
    ON CONFLICT ON CONSTRAINT uq_sources_dedup_key DO UPDATE SET
      publisher = COALESCE(s.publisher, EXCLUDED.publisher),
      note = COALESCE(s.note, EXCLUDED.note),
      title = COALESCE(s.title, EXCLUDED.title),
      published_on = COALESCE(s.published_on, EXCLUDED.published_on),
      published_on_certainty = CASE WHEN s.published_on IS NULL THEN EXCLUDED.published_on_certainty ELSE s.published_on_certainty END,
      published_on_basis = CASE WHEN s.published_on IS NULL THEN EXCLUDED.published_on_basis ELSE s.published_on_basis END
    RETURNING ${sourceJsonSql('s')} AS source`;
}

export interface SourceFilters {
  q?: string;
  publisher?: string;
  /** Published on or after this full date (by first day). */
  fromDay?: string;
  /** Published on or before this full date (by first day). */
  toDay?: string;
}

export interface SourceChanges {
  url?: string | null;
  publisher?: string | null;
  title?: string | null;
  publishedOn?: WorldDate | null;
  note?: string | null;
}

@Injectable()
export class SourcesRepository {
  constructor(private readonly db: Db) {}

  /**
   * The source row for each citation, created on first use. A later citation of the same
   * article may fill fields the first one left empty, never overwrite them.
   */
  async findOrCreate(sources: Citation[], manager: EntityManager): Promise<SourceDto[]> {
    const byKey = new Map<string, SourceDto>();
    // Upserting in key order keeps two transactions citing the same sources from deadlocking.
    const keyed = sources.map((source) => ({ source, key: sourceKey(source) }));
    for (const { source, key } of [...keyed].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      if (byKey.has(key)) continue;
      const { params, param } = sqlParams();
      const rows: { source: SourceDto }[] = await this.db.prepared(sourceUpsertSql(param, source), params, manager);
      byKey.set(key, rows[0].source);
    }
    return [...new Set(keyed.map(({ key }) => byKey.get(key) as SourceDto))];
  }

  async findById(id: string, manager: EntityManager = this.db.manager): Promise<SourceRecordDto | null> {
    const rows: { source: SourceRecordDto }[] = await this.db.prepared(
      `SELECT ${RECORD_SQL('s')} AS source FROM sources s WHERE s.id = $1`,
      [id],
      manager,
    );
    return rows[0]?.source ?? null;
  }

  /** Locks a source for an edit; its version, or null when it does not exist. */
  async lock(id: string, manager: EntityManager): Promise<{ version: number } | null> {
    const rows: { version: number }[] = await manager.query('SELECT version FROM sources WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    return rows[0] ?? null;
  }

  /** Newest publication first (undated last), then by id; the page after the keyset `after`. */
  async list(filters: SourceFilters, limit: number, after: [string, string] | undefined): Promise<SourceRecordDto[]> {
    const where: string[] = [];
    const { params, param } = sqlParams();
    if (filters.q !== undefined) {
      const pattern = param(likePattern(filters.q));
      where.push(`(s.title ILIKE ${pattern} OR s.publisher ILIKE ${pattern} OR s.url ILIKE ${pattern})`);
    }
    if (filters.publisher !== undefined) where.push(`lower(s.publisher) = lower(${param(filters.publisher)})`);
    if (filters.fromDay !== undefined)
      where.push(`partial_date_start(s.published_on) >= ${param(filters.fromDay)}::date`);
    if (filters.toDay !== undefined) where.push(`partial_date_start(s.published_on) <= ${param(filters.toDay)}::date`);
    const key = `(COALESCE(s.published_on, ''), s.id)`;
    if (after !== undefined) where.push(`${key} < (${param(after[0])}::text, ${param(after[1])}::uuid)`);
    const rows = await this.db.manager.query<{ source: SourceRecordDto }[]>(
      `SELECT ${RECORD_SQL('s')} AS source FROM sources s
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY COALESCE(s.published_on, '') DESC, s.id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    return rows.map((row) => row.source);
  }

  /** Every record that rests on the source, oldest recorded first. */
  async citations(id: string): Promise<CitationDto[]> {
    const user = (u: string): string => `json_build_object('id', ${u}.id, 'name', ${u}.name)`;
    const rows: { citation: CitationDto }[] = await this.db.prepared(
      `SELECT c.citation FROM (
         SELECT t.recorded_at, json_build_object(
                  'type', 'transition', 'id', t.id, 'occurredOn', t.occurred_on,
                  'proposals', json_build_array(json_build_object('slug', p.slug, 'title', p.title)),
                  'summary', COALESCE(t.from_status || ' → ', 'recorded as ') || t.to_status || ' on ' || t.occurred_on,
                  'retracted', t.retracted_at IS NOT NULL,
                  'recordedAt', ${isoTimestampSql('t.recorded_at')}, 'recordedBy', ${user('rb')}) AS citation
           FROM transition_sources ts JOIN transitions t ON t.id = ts.transition_id
           JOIN proposals p ON p.id = t.proposal_id JOIN users rb ON rb.id = t.recorded_by
          WHERE ts.source_id = $1
         UNION ALL
         SELECT st.created_at, json_build_object(
                  'type', 'statement', 'id', st.id, 'occurredOn', st.said_on,
                  'proposals', COALESCE((SELECT json_agg(json_build_object('slug', p.slug, 'title', p.title) ORDER BY p.slug)
                                           FROM statement_proposals sp JOIN proposals p ON p.id = sp.proposal_id
                                          WHERE sp.statement_id = st.id), '[]'),
                  'summary', a.name || ': ' || left(COALESCE(st.quote, st.summary), 120),
                  'retracted', st.retracted_at IS NOT NULL,
                  'recordedAt', ${isoTimestampSql('st.created_at')}, 'recordedBy', ${user('rb')})
           FROM statements st JOIN actors a ON a.id = st.speaker_id JOIN users rb ON rb.id = st.recorded_by
          WHERE st.source_id = $1
         UNION ALL
         SELECT x.recorded_at, json_build_object(
                  'type', 'assessment', 'id', x.id, 'occurredOn', NULL,
                  'proposals', json_build_array(json_build_object('slug', p.slug, 'title', p.title)),
                  'summary', 'assessed ' || x.momentum || ': ' || left(x.reason, 120),
                  'retracted', x.withdrawn_at IS NOT NULL,
                  'recordedAt', ${isoTimestampSql('x.recorded_at')}, 'recordedBy', ${user('rb')})
           FROM assessment_sources xs JOIN assessments x ON x.id = xs.assessment_id
           JOIN proposals p ON p.id = x.proposal_id JOIN users rb ON rb.id = x.recorded_by
          WHERE xs.source_id = $1
         UNION ALL
         SELECT x.recorded_at, json_build_object(
                  'type', 'participation', 'id', x.id, 'occurredOn', x.occurred_on,
                  'proposals', json_build_array(json_build_object('slug', p.slug, 'title', p.title)),
                  'summary', a.name || ' ' || x.action || ' on ' || x.occurred_on,
                  'retracted', x.retracted_at IS NOT NULL,
                  'recordedAt', ${isoTimestampSql('x.recorded_at')}, 'recordedBy', ${user('rb')})
           FROM participation_sources xs JOIN participation x ON x.id = xs.participation_id
           JOIN proposals p ON p.id = x.proposal_id JOIN actors a ON a.id = x.actor_id JOIN users rb ON rb.id = x.recorded_by
          WHERE xs.source_id = $1
       ) c ORDER BY c.recorded_at`,
      [id],
    );
    return rows.map((row) => row.citation);
  }

  /**
   * Applies an edit if `version` is current, recomputing the source's identity from the result;
   * 'stale', or 'taken' when another source already has that identity.
   */
  async update(
    id: string,
    version: number,
    changes: SourceChanges,
    identity: string,
    manager: EntityManager,
  ): Promise<'updated' | 'stale' | 'taken'> {
    const taken: unknown[] = await manager.query('SELECT 1 FROM sources WHERE dedup_key = $1 AND id <> $2', [
      identity,
      id,
    ]);
    if (taken.length > 0) return 'taken';
    const { params, param } = sqlParams([id, version]);
    const published = changes.publishedOn;
    const sets = editSets(
      {
        dedup_key: identity,
        url: changes.url,
        publisher: changes.publisher,
        title: changes.title,
        note: changes.note,
        published_on: published === undefined ? undefined : (published?.value ?? null),
        published_on_certainty: published === undefined ? undefined : (published?.certainty ?? 'stated'),
        published_on_basis: published === undefined ? undefined : (published?.basis ?? null),
      },
      param,
    );
    const [, count] = await manager.query<[unknown, number]>(
      `UPDATE sources SET ${sets} WHERE id = $1 AND version = $2`,
      params,
    );
    return count === 1 ? 'updated' : 'stale';
  }
}
