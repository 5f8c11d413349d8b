import { PROPOSER_ROLES } from '../proposals/dto/proposals.dto.js';

/**
 * Which (proposal, actor) pairs a positions query reads. `proposals`: an SQL condition on a
 * proposal id column (`%` stands for the column); `actor`: an SQL expression for one actor's id.
 */
export interface PositionScope {
  proposals?: (column: string) => string;
  actor?: string;
}

const ORDER = 'day, recorded_at, id';
const ORDER_DESC = 'day DESC, recorded_at DESC, id DESC';

/**
 * The positions of contract §6 on day `day` (an SQL expression for a full date), computed as
 * the pure `positionsOf` does (a property test holds them to each other): one row per
 * (proposal, actor) with a proposer role, a standing statement about the proposal dated on or
 * before the day (by the actor or on its behalf), or a standing act dated so. Columns:
 * `proposal_id`, `actor_id`, `role_rank` (1 proposer … 4 none) and the parts {@link positionJsonSql}
 * writes out. Only proposals that existed on the day (proposed on or before it).
 */
export function positionsSql(day: string, scope: PositionScope): string {
  const onProposal = (column: string): string => (scope.proposals === undefined ? 'true' : scope.proposals(column));
  // With one actor, start from its statements (speaker or principal), not from every link.
  const links =
    scope.actor === undefined
      ? `SELECT sp.proposal_id, x.actor_id, sp.statement_id AS id, sp.stance, sp.said_on, sp.said_on_certainty,
                sp.said_on_basis, partial_date_start(sp.said_on) AS day, sp.recorded_at
           FROM statement_proposals sp
           CROSS JOIN LATERAL (VALUES (sp.speaker_id), (NULLIF(sp.on_behalf_of, sp.speaker_id))) x(actor_id)
          WHERE sp.standing AND x.actor_id IS NOT NULL AND partial_date_start(sp.said_on) <= ${day}
            AND ${onProposal('sp.proposal_id')}`
      : `SELECT sp.proposal_id, ${scope.actor} AS actor_id, sp.statement_id AS id, sp.stance, sp.said_on,
                sp.said_on_certainty, sp.said_on_basis, partial_date_start(sp.said_on) AS day, sp.recorded_at
           FROM statements s JOIN statement_proposals sp ON sp.statement_id = s.id
          WHERE (s.speaker_id = ${scope.actor} OR s.on_behalf_of = ${scope.actor})
            AND sp.standing AND partial_date_start(sp.said_on) <= ${day} AND ${onProposal('sp.proposal_id')}`;
  const onActor = (column: string): string => (scope.actor === undefined ? 'true' : `${column} = ${scope.actor}`);
  return `
    WITH links AS (${links}),
    changes AS (
      SELECT l.*, lag(l.stance) OVER (PARTITION BY l.proposal_id, l.actor_id ORDER BY ${ORDER}) AS previous FROM links l
    ),
    stances AS (
      SELECT proposal_id, actor_id,
             json_agg(json_build_object('stance', stance, 'on', said_on, 'onCertainty', said_on_certainty,
                                          'onBasis', said_on_basis, 'statement', id) ORDER BY ${ORDER})
               FILTER (WHERE previous IS DISTINCT FROM stance) AS history,
             count(*) FILTER (WHERE stance = 'supports') AS supports,
             count(*) FILTER (WHERE stance = 'opposes') AS opposes,
             count(*) FILTER (WHERE stance = 'neutral') AS neutral,
             count(*) AS total,
             json_agg(id ORDER BY ${ORDER}) AS evidence
        FROM changes GROUP BY proposal_id, actor_id
    ),
    acts AS (
      SELECT proposal_id, actor_id,
             (json_agg(json_build_object('id', id, 'action', action, 'occurredOn', occurred_on,
                                           'occurredOnCertainty', occurred_on_certainty, 'occurredOnBasis', occurred_on_basis)
                        ORDER BY ${ORDER_DESC}))->0 AS latest,
             json_agg(id ORDER BY ${ORDER}) AS evidence
        FROM (SELECT x.*, partial_date_start(x.occurred_on) AS day FROM participation x
               WHERE x.retracted_at IS NULL AND partial_date_start(x.occurred_on) <= ${day}
                 AND ${onProposal('x.proposal_id')} AND ${onActor('x.actor_id')}) x
       GROUP BY proposal_id, actor_id
    ),
    roles AS (
      SELECT pa.proposal_id, pa.actor_id, pa.role FROM proposal_actors pa
       WHERE ${onProposal('pa.proposal_id')} AND ${onActor('pa.actor_id')}
    ),
    pairs AS (
      SELECT proposal_id, actor_id FROM roles
      UNION SELECT proposal_id, actor_id FROM stances
      UNION SELECT proposal_id, actor_id FROM acts
    )
    SELECT k.proposal_id, k.actor_id,
           COALESCE(array_position(ARRAY[${PROPOSER_ROLES.map((role) => `'${role}'`).join(', ')}], r.role), 4) AS role_rank,
           r.role, s.history, COALESCE(s.supports, 0) AS supports, COALESCE(s.opposes, 0) AS opposes,
           COALESCE(s.neutral, 0) AS neutral, COALESCE(s.total, 0) AS total, s.evidence AS statement_ids,
           a.latest AS act, a.evidence AS act_ids
      FROM pairs k
      LEFT JOIN roles r ON r.proposal_id = k.proposal_id AND r.actor_id = k.actor_id
      LEFT JOIN stances s ON s.proposal_id = k.proposal_id AND s.actor_id = k.actor_id
      LEFT JOIN acts a ON a.proposal_id = k.proposal_id AND a.actor_id = k.actor_id
     WHERE EXISTS (SELECT 1 FROM proposals p WHERE p.id = k.proposal_id AND partial_date_start(p.proposed_on) <= ${day})`;
}

/**
 * The status a proposal `p` stood at on `day`: its latest standing transition dated on or before
 * it — its current status when that transition is dated on or before the day (standing transitions
 * are dated in order), so only a past day looks into the history.
 */
export function statusOnSql(day: string): string {
  return `CASE WHEN partial_date_start(p.status_since) <= ${day} THEN p.status
               ELSE (SELECT t.to_status FROM transitions t
                      WHERE t.proposal_id = p.id AND t.retracted_at IS NULL AND partial_date_start(t.occurred_on) <= ${day}
                      ORDER BY t.seq DESC LIMIT 1) END`;
}

/**
 * A row `k` of {@link positionsSql} as the JSON of a position (`PositionFieldsDto`), its fields in
 * the documented order after `lead` (pairs of keys and values, e.g. the actor it is about).
 */
export function positionJsonSql(k: string, lead: string): string {
  return `json_build_object(${lead},
    'proposerRole', ${k}.role,
    'stance', ${k}.history->-1->'stance',
    'stanceOn', ${k}.history->-1->'on',
    'stanceOnCertainty', ${k}.history->-1->'onCertainty',
    'stanceOnBasis', ${k}.history->-1->'onBasis',
    'stanceHistory', COALESCE(${k}.history, '[]'),
    'statements', json_build_object('supports', ${k}.supports, 'opposes', ${k}.opposes, 'neutral', ${k}.neutral,
                                    'total', ${k}.total),
    'participation', ${k}.act,
    'evidence', json_build_object('statements', COALESCE(${k}.statement_ids, '[]'),
                                  'participation', COALESCE(${k}.act_ids, '[]')))`;
}
