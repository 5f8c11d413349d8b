import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/context/request-context.js';
import { invalid } from '../../common/errors/domain-error.js';
import { decodeCursor, encodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { AuditRepository, type ChangeFilters, type ChangeRow, toAuditEntryDto } from './audit.repository.js';
import type { ChangeDto, ListChangesQueryDto } from './dto/change.dto.js';
import type { AuditEntryDto, ListAuditQueryDto } from './dto/audit.dto.js';
import type { ChangeInput } from './change-types.js';
import { parseInstant } from '../../common/http/query-values.js';

/** Fields that change with every write and say nothing about what changed. */
const NOISE = new Set(['version', 'updatedAt']);

/** Fields never written to the audit log. */
const SECRET = /token|hash|secret/i;

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
  /** What a reader sees change, for the change feed (none for users and tokens). */
  change?: ChangeInput;
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
    await this.audit.append(
      {
        userId: context.userId,
        requestId: context.requestId,
        action: write.action,
        entityType: write.entityType,
        entityId: write.entityId,
        before: scrub(write.before),
        after: scrub(write.after),
      },
      write.change,
    );
  }

  /** An edit: only the fields that changed, before and after. */
  async recordEdit(
    context: RequestContext,
    entityType: string,
    entityId: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    change?: (changed: string[]) => ChangeInput,
  ): Promise<void> {
    const diff = changedFields(before, after);
    await this.record(context, {
      action: 'update',
      entityType,
      entityId,
      before: diff.before,
      after: diff.after,
      change: change?.(Object.keys(diff.after)),
    });
  }

  /**
   * One page of the change feed, oldest first, after the cursor `after`: every change is on exactly
   * one page (see {@link AuditRepository.changes}). `watched` restricts it to what a user watches.
   */
  async changes(
    query: ListChangesQueryDto,
    watched?: ChangeFilters['watched'],
  ): Promise<{ data: ChangeDto[]; page: { limit: number; nextCursor: string | null; hasMore: boolean } }> {
    const bound = {
      resource: 'changes',
      type: query.type?.slice().sort(),
      proposal: query.proposal,
      actor: query.actor,
      tag: query.tag,
      since: query.since,
      watched: watched === undefined ? undefined : 'me',
    };
    let after: [string, string] | undefined;
    if (query.after !== undefined) {
      const key = decodeCursor(query.after, bound);
      if (key.length !== 2 || !key.every((part) => typeof part === 'string' && /^\d{1,19}$/.test(part))) {
        throw invalid('after', 'is not a cursor this API issued');
      }
      after = key as [string, string];
    }
    const rows = await this.audit.changes(
      {
        types: query.type,
        since:
          query.since === undefined
            ? undefined
            : parseInstant('since', query.since.includes('T') ? query.since : `${query.since}T00:00:00Z`),
        proposal: query.proposal,
        actor: query.actor,
        tag: query.tag,
        watched,
      },
      query.limit,
      after,
    );
    const hasMore = rows.length > query.limit;
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    return {
      data: shown.map(toChangeDto),
      page: {
        limit: query.limit,
        nextCursor: last !== undefined ? encodeCursor([last.xid, last.id], bound) : (query.after ?? null),
        hasMore,
      },
    };
  }

  /** The latest changes, newest first (the Atom feeds). */
  async latestChanges(filters: ChangeFilters, limit: number): Promise<ChangeDto[]> {
    return (await this.audit.changes({ ...filters, newestFirst: true }, limit, undefined))
      .slice(0, limit)
      .map(toChangeDto);
  }

  /** The changes with these ids, as the feed shows them. */
  async changesById(ids: string[]): Promise<Map<string, ChangeDto>> {
    return new Map((await this.audit.changesById(ids)).map((row) => [row.id, toChangeDto(row)]));
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

export type { ChangeFilters };

export function toChangeDto(row: ChangeRow): ChangeDto {
  return {
    id: row.id,
    type: row.type as ChangeDto['type'],
    recordedAt: row.recordedAt.toISOString(),
    by: row.by,
    proposal: row.proposal,
    subject: row.subject,
    summary: row.summary,
    data: row.data,
  };
}
