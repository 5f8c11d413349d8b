import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import {
  daysBefore,
  type Momentum,
  type MomentumFacts,
  type MomentumTransition,
  REASON_TEXT,
  SHOWN_ADVANCES,
  STANCE_WORDS,
} from './workflow/momentum.js';
import { DIRECTIONS, STAGE_ORDER, type Status } from './workflow/statuses.js';
import type { Param } from '../../common/database/sql-params.js';
import type { DateCertainty } from '../../common/dates/world-date.js';
import { standingAssessmentsSql } from './assessment-sql.js';
import type { AssessmentShownDto } from './dto/assessments.dto.js';

export interface MomentumRow extends MomentumFacts {
  proposalId: string;
  momentum: Momentum;
}

interface RawMomentumRow {
  proposalId: string;
  status: Status;
  statusSince: string;
  furthestRank: number;
  lastFrom: Status | null;
  lastDirection: MomentumTransition['direction'];
  advances: MomentumTransition[] | null;
  advanceCount: number;
  supports: number;
  opposes: number;
  neutral: number;
  total: number;
  lastStatementOn: string | null;
  momentum: Momentum;
}

const TERMINAL_SQL = `('implemented', 'rejected', 'withdrawn', 'superseded')`;
const STAGES_SQL = `ARRAY[${STAGE_ORDER.map((status) => `'${status}'`).join(', ')}]`;

/**
 * The momentum rules of spec section 2 as one set-based query: the facts and the class of every
 * proposal that existed on `asOf` (or of those in `ids`), in a single plan. It must agree with
 * the pure `momentumOf` (a property test checks), and it reads as little as it can:
 *
 * - A proposal's standing history is in date order, so when its latest standing transition is
 *   dated on or before `asOf` its state then is its state now: status, furthest stage and last
 *   move come from the proposal row. Only proposals whose history runs past `asOf` are rebuilt
 *   from their transitions.
 * - Advances and statements are read only inside the window, through date indexes; a statement's
 *   date and standing are copied onto its links to proposals, so the window's statements are one
 *   index-only range scan.
 * - The latest statement comes from the proposal row unless it is after `asOf`.
 *
 * Partial dates are compared as text: in "C" collation a partial date is after a full date
 * exactly when its first day is (`2024-07` > `2024-06-30`, `2024-07` ≤ `2024-07-01`), so the
 * indexed columns are compared directly.
 */
export function momentumSql(
  param: Param,
  asOf: string,
  windowDays: number,
  ids?: string[],
  statedOnly = false,
  includeDuplicates = true,
): string {
  return momentumSqlOf({
    day: param(asOf),
    windowStart: param(daysBefore(asOf, windowDays)),
    ids: ids === undefined ? undefined : `${param(ids)}::uuid[]`,
    statedOnly,
    includeDuplicates,
  });
}

/**
 * Where {@link momentumSql} takes its values, as SQL expressions (placeholders): `asOf`, the last
 * day before the window, and the proposals' ids as a `uuid[]` (every proposal when absent).
 */
export interface MomentumInputs {
  day: string;
  windowStart: string;
  ids?: string;
  /**
   * Count only transitions and statements whose dates are stated: every history is rebuilt from
   * them (the proposal row's derived fields may rest on inferred dates), and a proposal with no
   * stated transition by the day is left out.
   */
  statedOnly?: boolean;
  /** Also proposals marked as duplicates of another (default): the report leaves them out. */
  includeDuplicates?: boolean;
}

/** {@link momentumSql} on placeholders of the caller's: the same text for every call, so it can be built once. */
function momentumSqlOf({
  day,
  windowStart,
  ids,
  statedOnly = false,
  includeDuplicates = true,
}: MomentumInputs): string {
  const only = (column: string): string => (ids === undefined ? '' : `AND ${column} = ANY(${ids})`);
  const stated = (column: string): string => (statedOnly ? `AND ${column} = 'stated'` : '');
  return `
    WITH base AS NOT MATERIALIZED (
      SELECT p.id, p.slug, p.title, p.status, p.status_since, p.status_since_certainty, p.status_since_basis,
             p.furthest_status, p.last_from_status, p.last_direction,
             p.last_statement_on, p.last_statement_on_certainty, p.last_statement_on_basis
        FROM proposals p WHERE p.proposed_on <= ${day} ${only('p.id')}
             ${includeDuplicates ? '' : 'AND p.duplicate_of_id IS NULL'}
    ), rebuilt AS (
      SELECT t.proposal_id,
             (array_agg(t.to_status ORDER BY t.seq DESC))[1] AS status,
             (array_agg(t.occurred_on ORDER BY t.seq DESC))[1] AS status_since,
             (array_agg(t.occurred_on_certainty ORDER BY t.seq DESC))[1] AS status_since_certainty,
             (array_agg(t.occurred_on_basis ORDER BY t.seq DESC))[1] AS status_since_basis,
             (array_agg(t.from_status ORDER BY t.seq DESC))[1] AS last_from,
             (array_agg(t.direction ORDER BY t.seq DESC))[1] AS last_direction,
             max(array_position(${STAGES_SQL}, t.to_status)) AS furthest_rank
        FROM base b JOIN transitions t ON t.proposal_id = b.id
       WHERE ${statedOnly ? 'true' : `b.status_since > ${day}`} AND t.retracted_at IS NULL AND t.occurred_on <= ${day}
             ${stated('t.occurred_on_certainty')}
       GROUP BY t.proposal_id
    ), adv AS (
      SELECT t.proposal_id, count(*) AS advance_count,
             to_json((array_agg(json_build_object('from', t.from_status, 'to', t.to_status, 'direction', t.direction,
                                                  'occurredOn', t.occurred_on) ORDER BY t.seq DESC))[1:${SHOWN_ADVANCES}]) AS advances
        FROM transitions t
       WHERE t.retracted_at IS NULL AND t.direction IN ('advance', 'resume')
         AND t.occurred_on > ${windowStart} AND t.occurred_on <= ${day} ${only('t.proposal_id')}
         ${stated('t.occurred_on_certainty')}
       GROUP BY t.proposal_id
    ), sw AS (
      SELECT sp.proposal_id,
             count(*) FILTER (WHERE sp.stance = 'supports') AS supports,
             count(*) FILTER (WHERE sp.stance = 'opposes') AS opposes,
             count(*) FILTER (WHERE sp.stance = 'neutral') AS neutral,
             count(*) AS total,
             max(sp.said_on) AS latest,
             (array_agg(sp.said_on_certainty ORDER BY sp.said_on DESC, (sp.said_on_certainty = 'stated') DESC))[1] AS latest_certainty,
             (array_agg(sp.said_on_basis ORDER BY sp.said_on DESC, (sp.said_on_certainty = 'stated') DESC))[1] AS latest_basis
        FROM statement_proposals sp
       WHERE sp.standing AND sp.said_on > ${windowStart} AND sp.said_on <= ${day} ${only('sp.proposal_id')}
             ${stated('sp.said_on_certainty')}
       GROUP BY sp.proposal_id
    ), earlier AS (
      SELECT sp.proposal_id, max(sp.said_on) AS latest,
             (array_agg(sp.said_on_certainty ORDER BY sp.said_on DESC, (sp.said_on_certainty = 'stated') DESC))[1] AS latest_certainty,
             (array_agg(sp.said_on_basis ORDER BY sp.said_on DESC, (sp.said_on_certainty = 'stated') DESC))[1] AS latest_basis
        FROM base b JOIN statement_proposals sp ON sp.proposal_id = b.id
       WHERE ${statedOnly ? 'true' : `b.last_statement_on > ${day}`} AND sp.standing AND sp.said_on <= ${day}
             ${stated('sp.said_on_certainty')}
       GROUP BY sp.proposal_id
    ), facts AS (
      SELECT b.id, b.slug, b.title,
             COALESCE(r.status, b.status) AS status,
             COALESCE(r.status_since, b.status_since) AS status_since,
             CASE WHEN r.proposal_id IS NULL THEN b.status_since_certainty ELSE r.status_since_certainty END AS status_since_certainty,
             CASE WHEN r.proposal_id IS NULL THEN b.status_since_basis ELSE r.status_since_basis END AS status_since_basis,
             CASE WHEN r.proposal_id IS NULL THEN b.last_from_status ELSE r.last_from END AS last_from,
             COALESCE(r.last_direction, b.last_direction) AS last_direction,
             COALESCE(r.furthest_rank, array_position(${STAGES_SQL}, b.furthest_status)) AS furthest_rank,
             COALESCE(adv.advance_count, 0) AS advance_count, adv.advances,
             COALESCE(sw.supports, 0) AS supports, COALESCE(sw.opposes, 0) AS opposes,
             COALESCE(sw.neutral, 0) AS neutral, COALESCE(sw.total, 0) AS total,
             ${
               statedOnly
                 ? `COALESCE(sw.latest, e.latest) AS last_statement_on,
             CASE WHEN sw.latest IS NOT NULL THEN sw.latest_certainty ELSE e.latest_certainty END AS last_statement_certainty,
             CASE WHEN sw.latest IS NOT NULL THEN sw.latest_basis ELSE e.latest_basis END AS last_statement_basis`
                 : `CASE WHEN b.last_statement_on <= ${day} THEN b.last_statement_on ELSE COALESCE(sw.latest, e.latest) END AS last_statement_on,
             CASE WHEN b.last_statement_on <= ${day} THEN b.last_statement_on_certainty
                  WHEN sw.latest IS NOT NULL THEN sw.latest_certainty ELSE e.latest_certainty END AS last_statement_certainty,
             CASE WHEN b.last_statement_on <= ${day} THEN b.last_statement_on_basis
                  WHEN sw.latest IS NOT NULL THEN sw.latest_basis ELSE e.latest_basis END AS last_statement_basis`
             }
        FROM base b
        LEFT JOIN rebuilt r ON r.proposal_id = b.id
        LEFT JOIN adv ON adv.proposal_id = b.id
        LEFT JOIN sw ON sw.proposal_id = b.id
        LEFT JOIN earlier e ON e.proposal_id = b.id
       ${statedOnly ? 'WHERE r.proposal_id IS NOT NULL' : ''}
    )
    SELECT f.id AS "proposalId", f.slug, f.title, f.status, f.status_since AS "statusSince",
           f.status_since_certainty AS "statusSinceCertainty", f.status_since_basis AS "statusSinceBasis",
           f.furthest_rank::int AS "furthestRank",
           f.last_from AS "lastFrom", f.last_direction AS "lastDirection", f.advances, f.advance_count::int AS "advanceCount",
           f.supports::int AS supports, f.opposes::int AS opposes, f.neutral::int AS neutral, f.total::int AS total,
           f.last_statement_on AS "lastStatementOn", f.last_statement_certainty AS "lastStatementOnCertainty",
           f.last_statement_basis AS "lastStatementOnBasis",
           CASE WHEN f.status IN ${TERMINAL_SQL} THEN 'concluded'
                WHEN f.status = 'suspended' THEN 'stalled'
                WHEN f.advance_count > 0 THEN 'advancing'
                WHEN f.total > 0 THEN 'active'
                ELSE 'stalled' END AS momentum
      FROM facts f`;
}

/** A {@link REASON_TEXT} template as a SQL text expression: its words quoted, `values` SQL expressions. */
function textSql(template: string, values: Readonly<Record<string, string>>): string {
  const parts = template.split(/(\{\w+\})/).filter((part) => part !== '');
  const sql = parts.map((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    return name === undefined ? `'${part.replace(/'/g, "''")}'` : `(${values[name]})::text`;
  });
  return `(${sql.join(' || ')})`;
}

const pluralSql = (n: string, word: string): string =>
  `((${n})::text || ' ${word}' || CASE WHEN (${n}) = 1 THEN '' ELSE 's' END)`;

/** How a move reads (`explain`'s describeMove), for SQL expressions of its from, to, direction and date. */
function moveSql(from: string, to: string, direction: string, on: string): string {
  const values = { from, to, on };
  const cases = DIRECTIONS.map((d) => `WHEN ${direction} = '${d}' THEN ${textSql(REASON_TEXT[d], values)}`);
  return `CASE WHEN ${from} IS NULL THEN ${textSql(REASON_TEXT.first, values)} ${cases.join(' ')} END`;
}

/**
 * The reasons of a row `f` of {@link momentumSql} as a SQL `text[]`, in the words `explain` uses
 * (a property test holds them equal): the report builds its rows in PostgreSQL.
 */
export function reasonsSql(f: string, days: string): string {
  const since = `${f}."statusSince"`;
  const last = moveSql(`${f}."lastFrom"`, `${f}.status`, `${f}."lastDirection"`, since);
  const stances = `array_to_string(ARRAY[${Object.entries(STANCE_WORDS)
    .map(([stance, word]) => `CASE WHEN ${f}.${stance} > 0 THEN ${f}.${stance}::text || ' ${word}' END`)
    .join(', ')}], ', ')`;
  const breakdown = textSql(REASON_TEXT.breakdown, { statements: pluralSql(`${f}.total`, 'statement'), stances });
  const advances = `ARRAY(SELECT ${moveSql("a.value->>'from'", "a.value->>'to'", "a.value->>'direction'", "a.value->>'occurredOn'")}
                            FROM json_array_elements(${f}.advances) WITH ORDINALITY a ORDER BY a.ordinality)`;
  const more = `${f}."advanceCount" - json_array_length(${f}.advances)`;
  return `CASE ${f}.momentum
    WHEN 'concluded' THEN ARRAY[${textSql(REASON_TEXT.concluded, { move: last })}]
    WHEN 'stalled' THEN ARRAY[CASE
      WHEN ${f}.status = 'suspended' THEN ${textSql(REASON_TEXT.suspended, { since })}
      WHEN ${f}."lastDirection" IN ('advance', 'resume') THEN ${textSql(REASON_TEXT.stalledAfterAdvance, { since, days })}
      ELSE ${textSql(REASON_TEXT.stalled, { move: last, days })} END]
    WHEN 'advancing' THEN ${advances}
      || CASE WHEN ${more} > 0 THEN ARRAY[${textSql(REASON_TEXT.moreAdvances, { more: pluralSql(more, 'earlier advance') })}] ELSE '{}'::text[] END
      || CASE WHEN ${f}.total > 0 THEN ARRAY[${breakdown}] ELSE '{}'::text[] END
    ELSE ARRAY[${textSql(REASON_TEXT.active, { breakdown, days, status: `${f}.status`, since })}] END`;
}

/**
 * What a proposal shows of itself on a day: its momentum and the reasons, worded by PostgreSQL,
 * its status then, and the editorial assessment standing then.
 */
export interface MomentumShown {
  momentum: Momentum;
  reasons: string[];
  status: Status;
  statusSince: string;
  statusSinceCertainty: DateCertainty;
  statusSinceBasis: string | null;
  assessment: AssessmentShownDto | null;
}

/**
 * The momentum and reasons of the proposals `inputs.ids` (those that existed on `inputs.day`), one
 * row each: `proposalId`, `momentum` and `reasons` (a JSON array), the window's length in words
 * from `days`. What the list and a proposal show. It takes placeholders only, so a caller builds
 * its text once, not for every request; {@link momentumValues} gives the values in the order of
 * `$1`… as {@link SHOWN_FOR_SQL} numbers them.
 */
export function momentumShownSql(inputs: MomentumInputs & { ids: string }, days: string): string {
  return `SELECT m."proposalId", m.momentum, to_json(${reasonsSql('m', days)}) AS reasons,
                 m.status, m."statusSince", m."statusSinceCertainty", m."statusSinceBasis", a.assessment
            FROM (${momentumSqlOf(inputs)}) m
            LEFT JOIN (${standingAssessmentsSql(inputs.day, inputs.ids)}) a ON a.proposal_id = m."proposalId"`;
}

/** The values of a momentum query's inputs: `asOf`, the last day before the window, the window's days. */
export function momentumValues(asOf: string, windowDays: number): [string, string, number] {
  return [asOf, daysBefore(asOf, windowDays), windowDays];
}

/** The momentum and reasons of the proposals `$4` (a `uuid[]`) on `$1`, a window of `$3` days (`$2` its eve). */
const SHOWN_FOR_SQL = momentumShownSql({ day: '$1', windowStart: '$2', ids: '$4::uuid[]' }, '$3');

export function toMomentumRow(raw: RawMomentumRow): MomentumRow {
  return {
    proposalId: raw.proposalId,
    momentum: raw.momentum,
    status: raw.status,
    statusSince: raw.statusSince,
    furthestStatus: STAGE_ORDER[raw.furthestRank - 1],
    last: { from: raw.lastFrom, to: raw.status, direction: raw.lastDirection, occurredOn: raw.statusSince },
    advances: raw.advances ?? [],
    advanceCount: raw.advanceCount,
    window: { supports: raw.supports, opposes: raw.opposes, neutral: raw.neutral, total: raw.total },
    lastStatementOn: raw.lastStatementOn,
  };
}

@Injectable()
export class MomentumRepository {
  constructor(private readonly db: Db) {}

  /** The momentum and reasons of these proposals (those that existed on `asOf`), by id. */
  async shownFor(ids: string[], asOf: string, windowDays: number): Promise<Map<string, MomentumShown>> {
    if (ids.length === 0) return new Map();
    const rows: (MomentumShown & { proposalId: string })[] = await this.db.prepared(SHOWN_FOR_SQL, [
      ...momentumValues(asOf, windowDays),
      ids,
    ]);
    return new Map(rows.map(({ proposalId, ...shown }) => [proposalId, shown]));
  }
}
