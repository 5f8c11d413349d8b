import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/context/request-context.js';
import { invalid } from '../../common/errors/domain-error.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { AuditRepository, toAuditEntryDto } from './audit.repository.js';
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

/** A write as the audit log keeps it: what was done to which record, and the record before and after. */
export interface WriteRecord {
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/**
 * Records writes. Call it inside the write's transaction: the row commits with the change or not
 * at all. Who and which request come from the context the write's route was handed (see
 * `CurrentContext`); tokens and hashes never appear.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /**
   * The one hook every write calls, inside its transaction: the audit row of `write`, scrubbed of
   * secrets, committed with the change it records or not at all.
   */
  async record(context: RequestContext, write: WriteRecord): Promise<void> {
    await this.audit.append({
      userId: context.userId,
      requestId: context.requestId,
      action: write.action,
      entityType: write.entityType,
      entityId: write.entityId,
      before: scrub(write.before),
      after: scrub(write.after),
    });
  }

  /** An edit: only the fields that changed, before and after. */
  async recordEdit(
    context: RequestContext,
    entityType: string,
    entityId: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ): Promise<void> {
    const diff = changedFields(before, after);
    await this.record(context, { action: 'update', entityType, entityId, before: diff.before, after: diff.after });
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
