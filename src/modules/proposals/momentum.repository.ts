import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import {
  daysBefore,
  type Momentum,
  type MomentumFacts,
  type MomentumStatement,
  type MomentumTransition,
  SHOWN_ADVANCES,
} from './workflow/momentum.js';
import { STAGE_ORDER, type Status } from './workflow/statuses.js';

/** Appends a value to a query's parameters and answers its placeholder (`$n`). */
export type Param = (value: unknown) => string;

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
 * proposal that existed on `asOf` (or of those in `ids`), in a single plan. Partial dates are
 * compared as text: in "C" collation a partial date is after a full date exactly when its first
 * day is (`2024-07` > `2024-06-30`, `2024-07` ≤ `2024-07-01`), so the (indexed) columns are
 * compared directly. It must agree with the pure `momentumOf` (a property test checks).
 */
export function momentumSql(param: Param, asOf: string, windowDays: number, ids?: string[]): string {
  const day = param(asOf);
  const windowStart = param(daysBefore(asOf, windowDays));
  const onlyTransitions = ids === undefined ? '' : `AND t.proposal_id = ANY(${param(ids)}::uuid[])`;
  const onlyStatements = ids === undefined ? '' : `AND sp.proposal_id = ANY(${param(ids)}::uuid[])`;
  return `
    WITH st AS (
      SELECT t.proposal_id, t.seq, t.from_status, t.to_status, t.direction, t.occurred_on
        FROM transitions t
       WHERE t.retracted_at IS NULL AND t.occurred_on <= ${day} ${onlyTransitions}
    ), agg AS (
      SELECT proposal_id,
             (array_agg(to_status ORDER BY seq DESC))[1] AS status,
             (array_agg(occurred_on ORDER BY seq DESC))[1] AS status_since,
             (array_agg(from_status ORDER BY seq DESC))[1] AS last_from,
             (array_agg(direction ORDER BY seq DESC))[1] AS last_direction,
             max(array_position(${STAGES_SQL}, to_status)) AS furthest_rank,
             count(*) FILTER (WHERE direction IN ('advance', 'resume') AND occurred_on > ${windowStart}) AS advance_count,
             to_json((array_agg(json_build_object('from', from_status, 'to', to_status, 'direction', direction,
                                                  'occurredOn', occurred_on) ORDER BY seq DESC)
                       FILTER (WHERE direction IN ('advance', 'resume') AND occurred_on > ${windowStart}))[1:${SHOWN_ADVANCES}]) AS advances
        FROM st GROUP BY proposal_id
    ), sw AS (
      SELECT sp.proposal_id,
             count(*) FILTER (WHERE s.said_on > ${windowStart} AND sp.stance = 'supports') AS supports,
             count(*) FILTER (WHERE s.said_on > ${windowStart} AND sp.stance = 'opposes') AS opposes,
             count(*) FILTER (WHERE s.said_on > ${windowStart} AND sp.stance = 'neutral') AS neutral,
             count(*) FILTER (WHERE s.said_on > ${windowStart}) AS total,
             max(s.said_on) AS last_statement_on
        FROM statement_proposals sp JOIN statements s ON s.id = sp.statement_id
       WHERE s.retracted_at IS NULL AND s.said_on <= ${day} ${onlyStatements}
       GROUP BY sp.proposal_id
    )
    SELECT agg.proposal_id AS "proposalId", agg.status, agg.status_since AS "statusSince",
           agg.furthest_rank::int AS "furthestRank", agg.last_from AS "lastFrom", agg.last_direction AS "lastDirection",
           agg.advances, agg.advance_count::int AS "advanceCount",
           COALESCE(sw.supports, 0)::int AS supports, COALESCE(sw.opposes, 0)::int AS opposes,
           COALESCE(sw.neutral, 0)::int AS neutral, COALESCE(sw.total, 0)::int AS total,
           sw.last_statement_on AS "lastStatementOn",
           CASE WHEN agg.status IN ${TERMINAL_SQL} THEN 'concluded'
                WHEN agg.status = 'suspended' THEN 'stalled'
                WHEN agg.advance_count > 0 THEN 'advancing'
                WHEN COALESCE(sw.total, 0) > 0 THEN 'active'
                ELSE 'stalled' END AS momentum
      FROM agg LEFT JOIN sw ON sw.proposal_id = agg.proposal_id`;
}

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

  /** The momentum of these proposals (those that existed on `asOf`), by id. */
  async forProposals(ids: string[], asOf: string, windowDays: number): Promise<Map<string, MomentumRow>> {
    if (ids.length === 0) return new Map();
    const params: unknown[] = [];
    const param: Param = (value) => {
      params.push(value);
      return `$${params.length}`;
    };
    const rows: RawMomentumRow[] = await this.db.manager.query(momentumSql(param, asOf, windowDays, ids), params);
    return new Map(rows.map((raw) => [raw.proposalId, toMomentumRow(raw)]));
  }

  /** One proposal's history and statements, as the pure momentum function takes them. */
  async history(proposalId: string): Promise<{ transitions: MomentumTransition[]; statements: MomentumStatement[] }> {
    const [transitions, statements] = await Promise.all([
      this.db.manager.query<MomentumTransition[]>(
        `SELECT from_status AS "from", to_status AS "to", direction, occurred_on AS "occurredOn",
                retracted_at IS NOT NULL AS retracted
           FROM transitions WHERE proposal_id = $1 ORDER BY seq`,
        [proposalId],
      ),
      this.db.manager.query<MomentumStatement[]>(
        `SELECT s.said_on AS "saidOn", sp.stance, s.retracted_at IS NOT NULL AS retracted
           FROM statement_proposals sp JOIN statements s ON s.id = sp.statement_id
          WHERE sp.proposal_id = $1`,
        [proposalId],
      ),
    ]);
    return { transitions, statements };
  }
}
