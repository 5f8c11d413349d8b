import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { type Param, sqlParams } from '../../common/database/sql-params.js';
import { momentumSql, reasonsSql } from '../proposals/momentum.repository.js';
import type { Momentum } from '../proposals/workflow/momentum.js';
import { STAGE_ORDER, type Status } from '../proposals/workflow/statuses.js';
import type { ReportFormat } from './dto/progress-report.dto.js';

export interface ReportFilters {
  status?: Status[];
  forum?: string;
  proposer?: string;
  tag?: string;
}

/** One report row, already written out as a JSON object or a CSV line, with what the totals count. */
export interface ReportLine {
  status: Status;
  momentum: Momentum;
  /** Null only if PostgreSQL could not write the row: a proposal row breaking an invariant. */
  line: string | null;
}

/** The report's columns, in the order a CSV line gives them. */
export const REPORT_CSV_HEADER = [
  'slug',
  'title',
  'status',
  'statusSince',
  'daysInStatus',
  'furthestStatus',
  'lastTransitionOn',
  'lastStatementOn',
  'statementsInWindow',
  'supportsInWindow',
  'opposesInWindow',
  'neutralInWindow',
  'momentum',
  'reasons',
] as const;

/** SQL writing a report row `r` out: as the JSON of `ReportRowDto`, or as an RFC 4180 line, every field quoted. */
function lineSql(format: ReportFormat, r: string, day: string, days: string): string {
  const fields = {
    slug: `${r}.slug`,
    title: `${r}.title`,
    status: `${r}.status`,
    statusSince: `${r}."statusSince"`,
    daysInStatus: `(${day}::date - partial_date_start(${r}."statusSince"))`,
    furthestStatus: `(ARRAY[${STAGE_ORDER.map((status) => `'${status}'`).join(', ')}])[${r}."furthestRank"]`,
    lastTransitionOn: `${r}."statusSince"`,
    lastStatementOn: `${r}."lastStatementOn"`,
    reasons: `(${reasonsSql(r, days)})`,
  };
  if (format === 'csv') {
    const columns: Record<(typeof REPORT_CSV_HEADER)[number], string> = {
      ...fields,
      statementsInWindow: `${r}.total`,
      supportsInWindow: `${r}.supports`,
      opposesInWindow: `${r}.opposes`,
      neutralInWindow: `${r}.neutral`,
      momentum: `${r}.momentum`,
      reasons: `array_to_string(${fields.reasons}, '; ')`,
    };
    // Quotes are doubled in the title, the one field that may hold them.
    const quoted = REPORT_CSV_HEADER.map((column) =>
      column === 'title'
        ? `'"' || replace(${columns.title}, '"', '""') || '"'`
        : `'"' || COALESCE((${columns[column]})::text, '') || '"'`,
    );
    return quoted.join(` || ',' || `);
  }
  // Slugs, statuses, dates and the reasons (made of those, numbers and fixed words) hold no quote,
  // backslash or control character, so only the title needs escaping.
  const string = (sql: string): string => `'"' || ${sql} || '"'`;
  return [
    `'{"slug":' || ${string(fields.slug)}`,
    `',"title":' || to_json(${fields.title})::text`,
    `',"status":' || ${string(fields.status)}`,
    `',"statusSince":' || ${string(fields.statusSince)}`,
    `',"daysInStatus":' || ${fields.daysInStatus}::text`,
    `',"furthestStatus":' || ${string(fields.furthestStatus)}`,
    `',"lastTransitionOn":' || ${string(fields.lastTransitionOn)}`,
    `',"lastStatementOn":' || COALESCE(${string(fields.lastStatementOn)}, 'null')`,
    `',"statementsInWindow":{"supports":' || ${r}.supports::text || ',"opposes":' || ${r}.opposes::text || ',"neutral":' || ${r}.neutral::text || ',"total":' || ${r}.total::text || '}'`,
    `',"momentum":' || ${string(`${r}.momentum`)}`,
    `',"reasons":["' || array_to_string(${fields.reasons}, '","') || '"]}'`,
  ].join(' || ');
}

function filtersSql(param: Param, filters: ReportFilters): string[] {
  const where: string[] = [];
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
  return where;
}

@Injectable()
export class ReportsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Every proposal that existed on `asOf`, by slug, each row written out by PostgreSQL in the
   * format asked for: one query, read through a cursor `batchSize` rows at a time, and no
   * per-row objects to build or serialize in Node. `onSnapshot` is told the snapshot the rows are
   * read in (see `Db.cursor`).
   */
  progress(
    asOf: string,
    windowDays: number,
    filters: ReportFilters,
    format: ReportFormat,
    batchSize: number,
    onSnapshot?: (snapshot: string) => void,
  ): AsyncGenerator<ReportLine[]> {
    const { params, param } = sqlParams();
    const classes = momentumSql(param, asOf, windowDays);
    const where = filtersSql(param, filters);
    const line = lineSql(format, 'r', param(asOf), param(windowDays));
    // The rows are sorted while still narrow; writing them out keeps the subquery's order.
    return this.db.cursor<ReportLine>(
      `SELECT r.status, r.momentum, ${line} AS line
         FROM (SELECT m.* FROM (${classes}) m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                ORDER BY m.slug) r`,
      params,
      batchSize,
      onSnapshot,
    );
  }
}
