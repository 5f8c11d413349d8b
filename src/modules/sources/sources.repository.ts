import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SourceDto, SourceInputDto } from './dto/source.dto.js';
import { Db } from '../../common/database/db.js';
import { sourceKey } from './source-key.js';
import { type Param, sqlParams } from '../../common/database/sql-params.js';

const COLUMNS = 'id, url, publisher, title, published_on AS "publishedOn"';

/**
 * The upsert of one cited source, as SQL that answers its row: a new row, or the existing one with
 * the fields it lacked filled in (never overwritten).
 */
function sourceUpsertSql(param: Param, source: SourceInputDto): string {
  return `INSERT INTO sources (dedup_key, url, publisher, title, published_on)
    SELECT ${param(sourceKey(source))}::text, ${param(source.url ?? null)}::text, ${param(source.publisher ?? null)}::text,
           ${param(source.title ?? null)}::text, ${param(source.publishedOn ?? null)}::partial_date
    ON CONFLICT ON CONSTRAINT uq_sources_dedup_key DO UPDATE SET
      publisher = COALESCE(sources.publisher, EXCLUDED.publisher),
      title = COALESCE(sources.title, EXCLUDED.title),
      published_on = COALESCE(sources.published_on, EXCLUDED.published_on)
    RETURNING ${COLUMNS}`;
}

@Injectable()
export class SourcesRepository {
  constructor(private readonly db: Db) {}

  /**
   * The source row for each citation, created on first use. A later citation of the same
   * article may fill fields the first one left empty, never overwrite them.
   */
  async findOrCreate(sources: SourceInputDto[], manager: EntityManager): Promise<SourceDto[]> {
    const byKey = new Map<string, SourceDto>();
    // Upserting in key order keeps two transactions citing the same sources from deadlocking.
    const keyed = sources.map((source) => ({ source, key: sourceKey(source) }));
    for (const { source, key } of [...keyed].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      if (byKey.has(key)) continue;
      const { params, param } = sqlParams();
      const rows: SourceDto[] = await this.db.prepared(sourceUpsertSql(param, source), params, manager);
      byKey.set(key, rows[0]);
    }
    return [...new Set(keyed.map(({ key }) => byKey.get(key) as SourceDto))];
  }
}
