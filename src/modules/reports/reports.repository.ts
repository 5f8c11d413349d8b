import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { type MomentumRow, momentumSql, toMomentumRow } from '../proposals/momentum.repository.js';
import type { Status } from '../proposals/workflow/statuses.js';
import { sqlParams } from '../../common/database/sql-params.js';

export interface ReportFilters {
  status?: Status[];
  forum?: string;
  proposer?: string;
  tag?: string;
}

export interface ReportRow extends MomentumRow {
  slug: string;
  title: string;
}

@Injectable()
export class ReportsRepository {
  constructor(private readonly db: Db) {}

  /** Every proposal that existed on `asOf`, with its momentum facts, by slug: one query. */
  async progress(asOf: string, windowDays: number, filters: ReportFilters): Promise<ReportRow[]> {
    const { params, param } = sqlParams();
    const where: string[] = [];
    const classes = momentumSql(param, asOf, windowDays);
    if (filters.status !== undefined) where.push(`m.status = ANY(${param(filters.status)})`);
    if (filters.forum !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM proposal_forums pf JOIN actors a ON a.id = pf.actor_id
                           WHERE pf.proposal_id = m."proposalId" AND a.slug = ${param(filters.forum)})`);
    }
    if (filters.proposer !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM proposal_actors pa JOIN actors a ON a.id = pa.actor_id
                           WHERE pa.proposal_id = m."proposalId" AND a.slug = ${param(filters.proposer)})`);
    }
    if (filters.tag !== undefined) {
      where.push(
        `EXISTS (SELECT 1 FROM proposals p WHERE p.id = m."proposalId" AND p.tags @> ARRAY[${param(filters.tag)}]::text[])`,
      );
    }
    const rows: (Parameters<typeof toMomentumRow>[0] & { slug: string; title: string })[] = await this.db.manager.query(
      `SELECT m.* FROM (${classes}) m
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY m.slug`,
      params,
    );
    return rows.map((row) => ({ ...toMomentumRow(row), slug: row.slug, title: row.title }));
  }
}
