import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/context/request-context.js';
import { invalid } from '../../common/errors/domain-error.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { auditInsertSql, AuditRepository, toAuditEntryDto } from './audit.repository.js';
import type { Param } from '../../common/database/sql-params.js';
import type { AuditEntryDto, ListAuditQueryDto } from './dto/audit.dto.js';
import { parseInstant } from '../../common/http/query-values.js';

/** Fields that change with every write and say nothing about what changed. */
const NOISE = new Set(['version', 'updatedAt']);

/** Fields never written to the audit log. */
const SECRET = /token|hash/i;

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET.test(key))
      .map(([key, inner]) => [key, scrub(inner)]),
  );
}

/** The fields of `before` and `after` that differ, each side with its own values. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => !NOISE.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  return {
    before: Object.fromEntries(keys.map((key) => [key, before[key] ?? null])),
    after: Object.fromEntries(keys.map((key) => [key, after[key] ?? null])),
  };
}

/**
 * Records writes. Call it inside the write's transaction: the row commits with the change or not
 * at all. Who and which request come from the context the write's route was handed (see
 * `CurrentContext`); tokens and hashes never appear.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async record(
    context: RequestContext,
    action: string,
    entityType: string,
    entityId: string,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    await this.audit.append({
      userId: context.userId,
      requestId: context.requestId,
      action,
      entityType,
      entityId,
      before: scrub(before),
      after: scrub(after),
    });
  }

  /**
   * The audit row of a creation made in one SQL statement (see {@link auditInsertSql}), by the
   * request's user. `after` is written as the statement builds it: it must hold no secret.
   */
  creationSql(
    context: RequestContext,
    param: Param,
    entityType: string,
    entityId: string,
    after: string,
    from: string,
  ): string {
    return this.rowSql(context, param, 'create', entityType, entityId, after, from);
  }

  /**
   * The audit row of any write made in one SQL statement, by the request's user: `entityId`,
   * `after` and `before` are SQL expressions over `from` (see {@link auditInsertSql}), written as
   * the statement builds them: they must hold no secret.
   */
  rowSql(
    context: RequestContext,
    param: Param,
    action: string,
    entityType: string,
    entityId: string,
    after: string,
    from: string,
    before?: string,
  ): string {
    const { userId, requestId } = context;
    return auditInsertSql(param, { userId, requestId, action, entityType }, entityId, after, from, before);
  }

  /** An edit: only the fields that changed. */
  async recordChange(
    context: RequestContext,
    entityType: string,
    entityId: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ): Promise<void> {
    const diff = changedFields(before, after);
    await this.record(context, 'update', entityType, entityId, diff.before, diff.after);
  }

  async list(query: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    const bound = {
      resource: 'audit',
      entityType: query.entityType,
      entityId: query.entityId,
      user: query.user,
      from: query.from,
      to: query.to,
    };
    let afterId: string | undefined;
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, bound);
      if (key.length !== 1 || typeof key[0] !== 'string' || !/^\d{1,18}$/.test(key[0])) {
        throw invalid('cursor', 'is not a cursor this API issued');
      }
      afterId = key[0];
    }
    const rows = await this.audit.list(
      {
        entityType: query.entityType,
        entityId: query.entityId,
        user: query.user,
        from: parseInstant('from', query.from),
        to: parseInstant('to', query.to),
      },
      query.limit,
      afterId,
    );
    return toPage(rows, query.limit, bound, (row) => [row.id], toAuditEntryDto);
  }
}
