import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { sqlParams } from '../../common/database/sql-params.js';
import type { AuditEntryDto } from './dto/audit.dto.js';

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

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Appends a row in the current transaction, so it commits (or not) with the write it records. */
  async append(entry: AuditWrite): Promise<void> {
    await this.db.prepared(
      `INSERT INTO audit_log (user_id, request_id, action, entity_type, entity_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        entry.userId,
        entry.requestId,
        entry.action,
        entry.entityType,
        entry.entityId,
        entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
      ],
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
