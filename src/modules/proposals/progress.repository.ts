import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { type Param, sqlParams } from '../../common/database/sql-params.js';
import { standingAssessmentsSql } from './assessment-sql.js';
import { stanceCountsSql } from './stance-counts-sql.js';
import { momentumSql, reasonsSql } from './momentum.repository.js';
import { lineOf, REPORT_CSV_HEADER, type ReportFormat, type ReportLine, type RowChange } from './progress-lines.js';
import { STAGE_ORDER, type Status } from './workflow/statuses.js';

export interface ReportFilters {
  /** Count only records whose deciding dates are stated (`certainty=stated`). */
  statedOnly?: boolean;
  status?: Status[];
  forum?: string;
  proposer?: string;
  tag?: string;
  /** Also proposals marked as duplicates of another (left out otherwise). */
  includeDuplicates?: boolean;
}

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
  const certainty = {
    statusSinceCertainty: `${r}."statusSinceCertainty"`,
    statusSinceBasis: `${r}."statusSinceBasis"`,
    lastStatementOnCertainty: `${r}."lastStatementOnCertainty"`,
    lastStatementOnBasis: `${r}."lastStatementOnBasis"`,
  };
  if (format === 'csv') {
    const columns: Record<(typeof REPORT_CSV_HEADER)[number], string> = {
      ...fields,
      ...certainty,
      lastTransitionOnCertainty: certainty.statusSinceCertainty,
      lastTransitionOnBasis: certainty.statusSinceBasis,
      assessmentMomentum: `${r}.assessment->>'momentum'`,
      assessmentReason: `${r}.assessment->>'reason'`,
      assessmentBy: `${r}.assessment->'by'->>'name'`,
      assessmentOn: `${r}.assessment->>'on'`,
      statementsInWindow: `${r}.total`,
      supportsInWindow: `${r}.supports`,
      opposesInWindow: `${r}.opposes`,
      neutralInWindow: `${r}.neutral`,
      supportingActors: `${r}.supporting`,
      opposingActors: `${r}.opposing`,
      momentum: `${r}.momentum`,
      reasons: `array_to_string(${fields.reasons}, '; ')`,
    };
    // Quotes are doubled in the fields that may hold them: the title, bases and an assessment's words.
    const free = new Set([
      'title',
      'statusSinceBasis',
      'lastTransitionOnBasis',
      'lastStatementOnBasis',
      'assessmentReason',
      'assessmentBy',
    ]);
    const quoted = REPORT_CSV_HEADER.map((column) =>
      free.has(column)
        ? `'"' || replace(COALESCE((${columns[column]})::text, ''), '"', '""') || '"'`
        : `'"' || COALESCE((${columns[column]})::text, '') || '"'`,
    );
    return quoted.join(` || ',' || `);
  }
  // Slugs, statuses, certainties, dates and the reasons (made of those, numbers and fixed words)
  // hold no quote, backslash or control character, so only the title, bases and assessment need escaping.
  const string = (sql: string): string => `'"' || ${sql} || '"'`;
  const json = (sql: string): string => `COALESCE(to_json(${sql})::text, 'null')`;
  return [
    `'{"slug":' || ${string(fields.slug)}`,
    `',"title":' || to_json(${fields.title})::text`,
    `',"status":' || ${string(fields.status)}`,
    `',"statusSince":' || ${string(fields.statusSince)}`,
    `',"statusSinceCertainty":' || ${string(certainty.statusSinceCertainty)}`,
    `',"statusSinceBasis":' || ${json(certainty.statusSinceBasis)}`,
    `',"daysInStatus":' || ${fields.daysInStatus}::text`,
    `',"furthestStatus":' || ${string(fields.furthestStatus)}`,
    `',"lastTransitionOn":' || ${string(fields.lastTransitionOn)}`,
    `',"lastTransitionOnCertainty":' || ${string(certainty.statusSinceCertainty)}`,
    `',"lastTransitionOnBasis":' || ${json(certainty.statusSinceBasis)}`,
    `',"lastStatementOn":' || COALESCE(${string(fields.lastStatementOn)}, 'null')`,
    `',"lastStatementOnCertainty":' || COALESCE(${string(certainty.lastStatementOnCertainty)}, 'null')`,
    `',"lastStatementOnBasis":' || ${json(certainty.lastStatementOnBasis)}`,
    `',"statementsInWindow":{"supports":' || ${r}.supports::text || ',"opposes":' || ${r}.opposes::text || ',"neutral":' || ${r}.neutral::text || ',"total":' || ${r}.total::text || '}'`,
    `',"supportingActors":' || ${r}.supporting::text || ',"opposingActors":' || ${r}.opposing::text`,
    `',"momentum":' || ${string(`${r}.momentum`)}`,
    `',"reasons":["' || array_to_string(${fields.reasons}, '","') || '"]'`,
    `',"assessment":' || COALESCE(${r}.assessment::text, 'null') || '}'`,
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
export class ProgressRepository {
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
    const { sql, params } = progressSql(asOf, windowDays, filters, format);
    return this.db.cursor<ReportLine>(sql, params, batchSize, onSnapshot);
  }

  /**
   * What has changed in the report since `snapshot` (one a report's rows were read in): the rows,
   * as they are now, of every proposal changed by a transaction that had not committed then (each
   * change to a proposal or to what is recorded about it marks the proposal with its transaction,
   * see the `proposals.changed_xid` migration), with `line` null for those no longer in the report;
   * and the snapshot they were read in. Undefined when more than `limit` proposals have changed, or
   * when a proposal has been deleted since (by hand: the service deletes none).
   */
  async changesSince(
    snapshot: string,
    asOf: string,
    windowDays: number,
    filters: ReportFilters,
    format: ReportFormat,
    limit: number,
  ): Promise<{ snapshot: string; changes: RowChange[] } | undefined> {
    const read = await this.db.inSnapshot(async (manager) => {
      const [{ removed }]: { removed: boolean }[] = await manager.query(
        `SELECT EXISTS (SELECT 1 FROM proposal_removals
                         WHERE NOT pg_visible_in_snapshot(changed_xid::text::xid8, $1::pg_snapshot)) AS removed`,
        [snapshot],
      );
      if (removed) return undefined;
      const changed: { id: string; slug: string }[] = await manager.query(
        `SELECT id, slug FROM proposals
          WHERE changed_xid >= pg_snapshot_xmin($1::pg_snapshot)::text::bigint
            AND NOT pg_visible_in_snapshot(changed_xid::text::xid8, $1::pg_snapshot)
          LIMIT $2`,
        [snapshot, limit + 1],
      );
      if (changed.length > limit) return undefined;
      if (changed.length === 0) return [];
      const { sql, params } = progressSql(
        asOf,
        windowDays,
        filters,
        format,
        changed.map((row) => row.id),
      );
      const rows: (ReportLine & { slug: string })[] = await manager.query(sql, params);
      const now = new Map(rows.map((row) => [row.slug, row]));
      return changed.map(({ slug }): RowChange => {
        const row = now.get(slug);
        if (row === undefined) return { slug, line: null };
        return { slug, line: lineOf(row), status: row.status, momentum: row.momentum };
      });
    });
    return read.result === undefined ? undefined : { snapshot: read.snapshot, changes: read.result };
  }
}

/** The report's query: every proposal's row, or those of `ids`, in slug order ("C" collation). */
function progressSql(
  asOf: string,
  windowDays: number,
  filters: ReportFilters,
  format: ReportFormat,
  ids?: string[],
): { sql: string; params: unknown[] } {
  const { params, param } = sqlParams();
  const classes = momentumSql(
    param,
    asOf,
    windowDays,
    ids,
    filters.statedOnly === true,
    filters.includeDuplicates === true,
  );
  const where = filtersSql(param, filters);
  const day = param(asOf);
  const line = lineSql(format, 'r', day, param(windowDays));
  // The rows are sorted while still narrow; writing them out keeps the subquery's order. The few
  // standing assessments are joined by hash; the actors' stances are counted from each proposal's links.
  const sql = `SELECT ${ids === undefined ? '' : 'r.slug, '}r.status, r.momentum, ${line} AS line
                 FROM (SELECT m.*, a.assessment, sc.supporting, sc.opposing FROM (${classes}) m
                         LEFT JOIN (${standingAssessmentsSql(day)}) a ON a.proposal_id = m."proposalId"
                         CROSS JOIN LATERAL (${stanceCountsSql('m."proposalId"', `${day}::date`, filters.statedOnly === true)}) sc
                        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                        ORDER BY m.slug COLLATE "C") r`;
  return { sql, params };
}
