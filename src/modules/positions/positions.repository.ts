import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { sqlParams } from '../../common/database/sql-params.js';
import type { ActorKind } from '../actors/dto/actors.dto.js';
import { ACTOR_MEMBER, positionJsonSql, positionsSql, proposalMember, statusOnSql } from './positions-sql.js';

/**
 * How long the report's query may run: its first rows come once every position is computed and
 * sorted, which over 100k proposals takes a minute or more — far past a request's statement
 * timeout (`DB_STATEMENT_TIMEOUT_MS`). A client that goes away ends it at once.
 */
export const REPORT_STATEMENT_TIMEOUT_MS = 10 * 60_000;

/** What the positions report is narrowed to: a proposal and a forum (ids, as resolved), a tag, an actor kind. */
export interface PositionsReportFilters {
  proposalId?: string;
  forumId?: string;
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
  const columns: Record<(typeof POSITIONS_CSV_HEADER)[number], string> = {
    actor: 'a.slug',
    actorName: 'a.name',
    actorKind: 'a.kind',
    proposal: 'p.slug',
    proposalTitle: 'p.title',
    proposalStatus: statusOnSql(day),
    proposerRole: `${k}.role`,
    stance: `${k}.stance`,
    stanceOn: `${k}.stance_on`,
    stanceOnCertainty: `${k}.stance_on_certainty`,
    stanceOnBasis: `${k}.stance_on_basis`,
    stanceChanges: `${k}.change_count`,
    supports: `${k}.supports`,
    opposes: `${k}.opposes`,
    neutral: `${k}.neutral`,
    total: `${k}.total`,
    participation: `${k}.act_action`,
    participationOn: `${k}.act_on`,
    participationOnCertainty: `${k}.act_on_certainty`,
    participationOnBasis: `${k}.act_on_basis`,
    evidenceStatements: `array_to_string(${k}.statement_ids, ' ')`,
    evidenceParticipation: `array_to_string(${k}.act_ids, ' ')`,
  };
  return POSITIONS_CSV_HEADER.map(
    (column) => `'"' || replace(COALESCE((${columns[column]})::text, ''), '"', '""') || '"'`,
  ).join(` || ',' || `);
}

/**
 * Reads positions (contract §6) with the SQL of `positions-sql.ts`. PostgreSQL writes the JSON:
 * the service sends it as it comes (an actor's positions on 1,000 proposals are 700 kB).
 */
@Injectable()
export class PositionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Every actor's position on the proposal with this slug on `day`, proposers first, then by actor
   * slug (the JSON text of `ActorPositionDto[]`), and whether the proposal had been proposed by
   * then; null when there is no such proposal.
   */
  async ofProposal(slug: string, day: string): Promise<{ existed: boolean; positions: string } | null> {
    const rows: { existed: boolean; positions: string }[] = await this.db.prepared(
      `WITH target AS (SELECT id, partial_date_start(proposed_on) <= $2::date AS existed FROM proposals WHERE slug = $1)
       SELECT t.existed,
              (SELECT COALESCE('[' || string_agg(x.position, ',' ORDER BY x.role_rank, x.slug COLLATE "C") || ']', '[]')
                 FROM (SELECT ${positionJsonSql('k', ACTOR_MEMBER)} AS position, k.role_rank, a.slug
                         FROM (${positionsSql('$2::date', { proposals: (column) => `${column} = (SELECT id FROM target)` })}) k
                         JOIN actors a ON a.id = k.actor_id) x) AS positions
         FROM target t`,
      [slug, day],
    );
    return rows[0] ?? null;
  }

  /** The actor's position on every proposal it has one on, on `day`, by proposal slug (JSON text of `ProposalPositionDto[]`). */
  async ofActor(actorId: string, day: string): Promise<string> {
    const rows: { positions: string }[] = await this.db.prepared(
      `SELECT COALESCE('[' || string_agg(x.position, ',' ORDER BY x.slug COLLATE "C") || ']', '[]') AS positions
         FROM (SELECT ${positionJsonSql('k', proposalMember('$2::date'))} AS position, p.slug
                 FROM (${positionsSql('$2::date', { actor: '$1::uuid' })}) k
                 JOIN proposals p ON p.id = k.proposal_id) x`,
      [actorId, day],
    );
    return rows[0].positions;
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
    return this.db.cursor<{ line: string }>(sql, params, batchSize, undefined, REPORT_STATEMENT_TIMEOUT_MS);
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
  if (filters.proposalId !== undefined) {
    const proposal = param(filters.proposalId);
    conditions.push((column) => `${column} = ${proposal}::uuid`);
  }
  if (filters.forumId !== undefined) {
    const forum = param(filters.forumId);
    conditions.push(
      (column) => `${column} IN (SELECT pf.proposal_id FROM proposal_forums pf WHERE pf.actor_id = ${forum}::uuid)`,
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
    format === 'csv' ? csvLineSql('k', on) : positionJsonSql('k', `${ACTOR_MEMBER} || ',' || ${proposalMember(on)}`);
  const sql = `SELECT ${line} AS line
                 FROM (${positionsSql(on, scope)}) k
                 JOIN actors a ON a.id = k.actor_id JOIN proposals p ON p.id = k.proposal_id
                 ${kind}
                ORDER BY p.slug COLLATE "C", k.role_rank, a.slug COLLATE "C"`;
  return { sql, params };
}
