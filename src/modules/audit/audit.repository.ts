import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { sqlParams } from '../../common/database/sql-params.js';
import type { AuditEntryDto } from './dto/audit.dto.js';
import type { ChangeInput } from './change-types.js';
import { ChangeSignal } from './change-signal.js';
import { proposalConcernsSql } from '../proposals/concerns-sql.js';

export interface AuditWrite {
  userId: string | null;
  requestId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export interface AuditFilters {
  entityType?: string;
  entityId?: string;
  user?: string;
  from?: Date;
  to?: Date;
}

interface AuditRow extends Omit<AuditEntryDto, 'at' | 'id'> {
  id: string;
  at: Date;
}

const AUDIT_SQL = `INSERT INTO audit_log (user_id, request_id, action, entity_type, entity_id, before, after)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const WITH_CHANGE_SQL = `
  WITH audit AS (${AUDIT_SQL})
  INSERT INTO changes (xid, type, by_id, request_id, subject_type, subject_id, subject_slug, summary, data,
                       proposal_slugs, actor_slugs, forum_slugs, tags)
  SELECT pg_current_xact_id()::text::bigint, $8, $1, $2, $9, $10, $11, $12, $13,
         c.proposal_slugs, ARRAY(SELECT DISTINCT a FROM unnest(c.actor_slugs || $15::text[]) a), c.forum_slugs, c.tags
    FROM (${proposalConcernsSql('$14::uuid[]')}) c`;

/** A change as the feed shows it (`ChangeDto`), with its place in the feed. */
const CHANGE_COLUMNS = `c.id::text AS id, c.xid::text AS xid, c.type, c.recorded_at AS "recordedAt",
  CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS by,
  c.proposal_slugs[1] AS proposal,
  json_strip_nulls(json_build_object('type', c.subject_type, 'id', c.subject_id, 'slug', c.subject_slug)) AS subject,
  c.summary, c.data`;

export interface ChangeFilters {
  types?: string[];
  since?: Date;
  proposal?: string;
  actor?: string;
  tag?: string;
  /** What a user watches: changes concerning any of it. */
  watched?: { proposals: string[]; actors: string[]; tags: string[]; forums: string[] };
  /** The latest first (the Atom feeds); the feed itself is oldest first. */
  newestFirst?: boolean;
}

export interface ChangeRow {
  id: string;
  xid: string;
  type: string;
  recordedAt: Date;
  by: { id: string; name: string } | null;
  proposal: string | null;
  subject: { type: string; id: string; slug?: string };
  summary: string;
  data: unknown;
}

@Injectable()
export class AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly signal: ChangeSignal,
  ) {}

  /**
   * Appends the audit row, and the change when there is one, in the current transaction and one
   * statement, so they commit (or not) with the write they record. A change, once committed, is
   * signalled to this process (`ChangeSignal`: the webhook dispatcher).
   */
  async append(entry: AuditWrite, change?: ChangeInput): Promise<void> {
    const audit = [
      entry.userId,
      entry.requestId,
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
    ];
    if (change === undefined) {
      await this.db.prepared(AUDIT_SQL, audit);
      return;
    }
    await this.db.prepared(WITH_CHANGE_SQL, [
      ...audit,
      change.type,
      change.subject.type,
      change.subject.id,
      change.subject.slug ?? null,
      change.summary,
      JSON.stringify(change.data),
      change.proposalIds ?? [],
      change.actorSlugs ?? [],
    ]);
    this.db.afterCommit(() => this.signal.committed());
  }

  /**
   * One page of the change feed after `after` (xid, id), oldest first: only changes whose
   * transaction is older than every transaction still running — those are all committed or
   * gone, so no change can later appear before the last one handed out.
   */
  async changes(filters: ChangeFilters, limit: number, after: [string, string] | undefined): Promise<ChangeRow[]> {
    const { params, param } = sqlParams();
    const where = ['c.xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint'];
    if (after !== undefined) where.push(`(c.xid, c.id) > (${param(after[0])}::bigint, ${param(after[1])}::bigint)`);
    if (filters.types !== undefined) where.push(`c.type = ANY(${param(filters.types)})`);
    if (filters.since !== undefined) where.push(`c.recorded_at >= ${param(filters.since)}`);
    if (filters.proposal !== undefined) where.push(`c.proposal_slugs @> ARRAY[${param(filters.proposal)}]::text[]`);
    if (filters.actor !== undefined) where.push(`c.actor_slugs @> ARRAY[${param(filters.actor)}]::text[]`);
    if (filters.tag !== undefined) where.push(`c.tags @> ARRAY[${param(filters.tag)}]::text[]`);
    if (filters.watched !== undefined) {
      const w = filters.watched;
      where.push(`(c.proposal_slugs && ${param(w.proposals)}::text[] OR c.actor_slugs && ${param(w.actors)}::text[]
                   OR c.tags && ${param(w.tags)}::text[] OR c.forum_slugs && ${param(w.forums)}::text[])`);
    }
    const order = filters.newestFirst === true ? 'DESC' : 'ASC';
    return this.db.manager.query(
      `SELECT ${CHANGE_COLUMNS} FROM changes c LEFT JOIN users u ON u.id = c.by_id
        WHERE ${where.join(' AND ')}
        ORDER BY c.xid ${order}, c.id ${order} LIMIT ${param(limit + 1)}`,
      params,
    );
  }

  /** The changes with these ids, as the feed shows them (for deliveries). */
  async changesById(ids: string[]): Promise<ChangeRow[]> {
    if (ids.length === 0) return [];
    return this.db.manager.query(
      `SELECT ${CHANGE_COLUMNS} FROM changes c LEFT JOIN users u ON u.id = c.by_id WHERE c.id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Newest first, the page after the row with id `afterId`. */
  async list(filters: AuditFilters, limit: number, afterId: string | undefined): Promise<AuditRow[]> {
    const where: string[] = [];
    const { params, param } = sqlParams();
    if (filters.entityType !== undefined) where.push(`l.entity_type = ${param(filters.entityType)}`);
    if (filters.entityId !== undefined) where.push(`l.entity_id = ${param(filters.entityId)}`);
    if (filters.user !== undefined) {
      // A user id or a user name.
      where.push(`(u.name = ${param(filters.user)} OR u.id::text = ${param(filters.user.toLowerCase())})`);
    }
    if (filters.from !== undefined) where.push(`l.at >= ${param(filters.from)}`);
    if (filters.to !== undefined) where.push(`l.at <= ${param(filters.to)}`);
    if (afterId !== undefined) where.push(`l.id < ${param(afterId)}::bigint`);
    return this.db.manager.query(
      `SELECT l.id::text AS id, l.at, l.action, l.entity_type AS "entityType", l.entity_id AS "entityId",
              l.request_id AS "requestId", l.before, l.after,
              CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS "user"
         FROM audit_log l LEFT JOIN users u ON u.id = l.user_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY l.id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
  }
}

export function toAuditEntryDto(row: AuditRow): AuditEntryDto {
  return { ...row, at: row.at.toISOString() };
}
