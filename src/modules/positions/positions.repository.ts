import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { sqlParams } from '../../common/database/sql-params.js';
import type { ActorKind } from '../actors/dto/actors.dto.js';
import type { ActorPositionDto, ProposalPositionDto } from './dto/positions.dto.js';
import { positionJsonSql, positionsSql, statusOnSql } from './positions-sql.js';

const ACTOR_JSON = `'actor', json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind)`;
const PROPOSAL_JSON = (day: string): string =>
  `'proposal', json_build_object('slug', p.slug, 'title', p.title, 'status', COALESCE(${statusOnSql(day)}, p.status))`;

/** What the positions report is narrowed to (slugs and a kind). */
export interface PositionsReportFilters {
  proposal?: string;
  forum?: string;
  tag?: string;
  actorKind?: ActorKind;
}

/** The CSV columns of the positions report, in order. */
export const POSITIONS_CSV_HEADER = [
  'actor',
  'actorName',
  'actorKind',
  'proposal',
  'proposalTitle',
  'proposalStatus',
  'proposerRole',
  'stance',
  'stanceOn',
  'stanceOnCertainty',
  'stanceOnBasis',
  'stanceChanges',
  'supports',
  'opposes',
  'neutral',
  'total',
  'participation',
  'participationOn',
  'participationOnCertainty',
  'participationOnBasis',
  'evidenceStatements',
  'evidenceParticipation',
] as const;

/** A row `k` as an RFC 4180 line, every field quoted (quotes doubled). */
function csvLineSql(k: string, day: string): string {
  const ids = (json: string): string =>
    `(SELECT string_agg(value, ' ') FROM json_array_elements_text(COALESCE(${json}, '[]')) AS value)`;
  const columns: Record<(typeof POSITIONS_CSV_HEADER)[number], string> = {
    actor: 'a.slug',
    actorName: 'a.name',
    actorKind: 'a.kind',
    proposal: 'p.slug',
    proposalTitle: 'p.title',
    proposalStatus: `COALESCE(${statusOnSql(day)}, p.status)`,
    proposerRole: `${k}.role`,
    stance: `${k}.history->-1->>'stance'`,
    stanceOn: `${k}.history->-1->>'on'`,
    stanceOnCertainty: `${k}.history->-1->>'onCertainty'`,
    stanceOnBasis: `${k}.history->-1->>'onBasis'`,
    stanceChanges: `COALESCE(json_array_length(${k}.history), 0)`,
    supports: `${k}.supports`,
    opposes: `${k}.opposes`,
    neutral: `${k}.neutral`,
    total: `${k}.total`,
    participation: `${k}.act->>'action'`,
    participationOn: `${k}.act->>'occurredOn'`,
    participationOnCertainty: `${k}.act->>'occurredOnCertainty'`,
    participationOnBasis: `${k}.act->>'occurredOnBasis'`,
    evidenceStatements: ids(`${k}.statement_ids`),
    evidenceParticipation: ids(`${k}.act_ids`),
  };
  return POSITIONS_CSV_HEADER.map(
    (column) => `'"' || replace(COALESCE((${columns[column]})::text, ''), '"', '""') || '"'`,
  ).join(` || ',' || `);
}

/** Reads positions (contract §6) with the SQL of `positions-sql.ts`. */
@Injectable()
export class PositionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Every actor's position on the proposal with this slug on `day`, proposers first, then by actor
   * slug, and whether the proposal had been proposed by then; null when there is no such proposal.
   */
  async ofProposal(slug: string, day: string): Promise<{ existed: boolean; positions: ActorPositionDto[] } | null> {
    const rows: { existed: boolean; positions: ActorPositionDto[] }[] = await this.db.prepared(
      `WITH target AS (SELECT id, partial_date_start(proposed_on) <= $2::date AS existed FROM proposals WHERE slug = $1)
       SELECT t.existed,
              (SELECT COALESCE(json_agg(x.position ORDER BY x.role_rank, x.slug COLLATE "C"), '[]')
                 FROM (SELECT ${positionJsonSql('k', ACTOR_JSON)} AS position, k.role_rank, a.slug
                         FROM (${positionsSql('$2::date', { proposals: (column) => `${column} = (SELECT id FROM target)` })}) k
                         JOIN actors a ON a.id = k.actor_id) x) AS positions
         FROM target t`,
      [slug, day],
    );
    return rows[0] ?? null;
  }

  /** The actor's position on every proposal it has one on, on `day`, by proposal slug. */
  async ofActor(actorId: string, day: string): Promise<ProposalPositionDto[]> {
    const rows: { position: ProposalPositionDto }[] = await this.db.prepared(
      `SELECT ${positionJsonSql('k', PROPOSAL_JSON('$2::date'))} AS position
         FROM (${positionsSql('$2::date', { actor: '$1::uuid' })}) k
         JOIN proposals p ON p.id = k.proposal_id
        ORDER BY p.slug COLLATE "C"`,
      [actorId, day],
    );
    return rows.map((row) => row.position);
  }

  /**
   * The report's rows, by proposal slug, proposers first, then actor slug: each written out by
   * PostgreSQL as a JSON object or a CSV line, read through a cursor `batchSize` rows at a time.
   */
  report(
    day: string,
    filters: PositionsReportFilters,
    format: 'json' | 'csv',
    batchSize: number,
  ): AsyncGenerator<{ line: string }[]> {
    const { sql, params } = reportSql(day, filters, format);
    return this.db.cursor<{ line: string }>(sql, params, batchSize);
  }
}

/** The report's query; exported for the benchmark, which times it alone. */
export function reportSql(
  day: string,
  filters: PositionsReportFilters,
  format: 'json' | 'csv',
): { sql: string; params: unknown[] } {
  const { params, param } = sqlParams();
  const on = `${param(day)}::date`;
  const conditions: ((column: string) => string)[] = [];
  if (filters.proposal !== undefined) {
    const slug = param(filters.proposal);
    conditions.push((column) => `${column} = (SELECT id FROM proposals WHERE slug = ${slug})`);
  }
  if (filters.forum !== undefined) {
    const forum = param(filters.forum);
    conditions.push(
      (column) =>
        `${column} IN (SELECT pf.proposal_id FROM proposal_forums pf JOIN actors f ON f.id = pf.actor_id WHERE f.slug = ${forum})`,
    );
  }
  if (filters.tag !== undefined) {
    const tag = param(filters.tag);
    conditions.push((column) => `${column} IN (SELECT id FROM proposals WHERE tags @> ARRAY[${tag}]::text[])`);
  }
  const scope =
    conditions.length === 0
      ? {}
      : { proposals: (column: string) => conditions.map((condition) => condition(column)).join(' AND ') };
  const kind = filters.actorKind === undefined ? '' : `WHERE a.kind = ${param(filters.actorKind)}`;
  const line =
    format === 'csv' ? csvLineSql('k', on) : `${positionJsonSql('k', `${ACTOR_JSON}, ${PROPOSAL_JSON(on)}`)}::text`;
  const sql = `SELECT ${line} AS line
                 FROM (${positionsSql(on, scope)}) k
                 JOIN actors a ON a.id = k.actor_id JOIN proposals p ON p.id = k.proposal_id
                 ${kind}
                ORDER BY p.slug COLLATE "C", k.role_rank, a.slug COLLATE "C"`;
  return { sql, params };
}
