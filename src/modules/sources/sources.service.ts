import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { firstDay, isPartialDate, lastDay } from '../../common/dates/partial-date.js';
import { worldDateOf } from '../../common/dates/world-date.js';
import { DomainError, invalid, notFound } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { isUuid } from '../../common/http/uuid.pipe.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { AuditService } from '../audit/audit.service.js';
import type {
  ListSourcesQueryDto,
  SourceDto,
  SourceInputDto,
  SourceRecordDto,
  SourceWithCitationsDto,
  UpdateSourceDto,
} from './dto/source.dto.js';
import { type Citation, sourceKey } from './source-key.js';
import { SourcesRepository } from './sources.repository.js';

/** A citation as a request gives it, its date normalized. */
export function citationOf(input: SourceInputDto): Citation {
  return {
    url: input.url,
    publisher: input.publisher,
    title: input.title,
    publishedOn: worldDateOf(input.publishedOn),
    note: input.note,
  };
}

/** Where facts were published: every module that cites a source finds or creates it here. */
@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  /**
   * The source row for each citation, created on first use, in the caller's transaction. A later
   * citation of the same article may fill fields the first one left empty, never overwrite them.
   */
  findOrCreate(citations: SourceInputDto[], manager: EntityManager): Promise<SourceDto[]> {
    return this.sources.findOrCreate(citations.map(citationOf), manager);
  }

  async get(id: string): Promise<SourceWithCitationsDto> {
    const source = await this.sources.findById(id);
    if (source === null) throw notFound('source', id);
    return { ...source, citations: await this.sources.citations(id) };
  }

  async list(query: ListSourcesQueryDto): Promise<Page<SourceRecordDto>> {
    const bound = { resource: 'sources', q: query.q, publisher: query.publisher, from: query.from, to: query.to };
    let after: [string, string] | undefined;
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, bound);
      const [published, id] = key;
      if (
        key.length !== 2 ||
        typeof published !== 'string' ||
        (published !== '' && !isPartialDate(published)) ||
        typeof id !== 'string' ||
        !isUuid(id)
      ) {
        throw invalid('cursor', 'is not a cursor this API issued');
      }
      after = [published, id];
    }
    const rows = await this.sources.list(
      {
        q: query.q,
        publisher: query.publisher,
        fromDay: query.from === undefined ? undefined : firstDay(query.from),
        toDay: query.to === undefined ? undefined : lastDay(query.to),
      },
      query.limit,
      after,
    );
    return toPage(
      rows,
      query.limit,
      bound,
      (row) => [row.publishedOn ?? '', row.id],
      (row) => row,
    );
  }

  /**
   * Edits a source; the citations keep pointing at it. Its identity (URL, or publisher, title and
   * date) moves with the edit: one another source already has is a 409.
   */
  async update(id: string, version: number, input: UpdateSourceDto, context: RequestContext): Promise<SourceRecordDto> {
    return this.db.transaction(async (manager) => {
      const locked = await this.sources.lock(id, manager);
      if (locked === null) throw notFound('source', id);
      if (locked.version !== version) throw staleVersion('the source', locked.version);
      const current = (await this.sources.findById(id, manager)) as SourceRecordDto;
      const changes = {
        url: input.url,
        publisher: input.publisher,
        title: input.title,
        publishedOn: worldDateOf(input.publishedOn),
        note: input.note,
      };
      const merged: Citation = {
        url: changes.url === undefined ? current.url : changes.url,
        publisher: changes.publisher === undefined ? current.publisher : changes.publisher,
        title: changes.title === undefined ? current.title : changes.title,
        publishedOn:
          changes.publishedOn === undefined
            ? current.publishedOn === null
              ? null
              : {
                  value: current.publishedOn,
                  certainty: current.publishedOnCertainty ?? 'stated',
                  basis: current.publishedOnBasis,
                }
            : changes.publishedOn,
      };
      if ((merged.url ?? null) === null && (merged.publisher ?? null) === null) {
        throw invalid('url', 'or publisher is required: a source without either could not be found again');
      }
      const outcome = await this.sources.update(id, version, changes, sourceKey(merged), manager);
      if (outcome === 'taken') {
        throw new DomainError('conflict', 'another source already has this URL (or publisher, title and date)', [
          { field: merged.url ? 'url' : 'publisher', message: 'names another source' },
        ]);
      }
      if (outcome === 'stale') throw staleVersion('the source', locked.version);
      const updated = (await this.sources.findById(id, manager)) as SourceRecordDto;
      await this.audit.recordEdit(context, 'source', id, { ...current }, { ...updated }, (changed) => ({
        type: 'source.updated',
        summary: `Source ${updated.title ?? updated.publisher ?? updated.url ?? id}: ${changed.join(', ')} edited`,
        data: updated,
        subject: { type: 'source', id },
      }));
      return updated;
    });
  }
}
