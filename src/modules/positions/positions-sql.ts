import { PROPOSER_ROLES } from '../proposals/dto/proposals.dto.js';
import { linksByActorSql } from '../proposals/stance-counts-sql.js';

/**
 * Which (proposal, actor) pairs a positions query reads. `proposals`: an SQL condition on a
 * proposal id column (`%` stands for the column); `actor`: an SQL expression for one actor's id.
 */
export interface PositionScope {
  proposals?: (column: string) => string;
  actor?: string;
}

/** The rules' order: a partial date's own ("C") order, by first day then precision; then when logged. */
const ORDER = 'day, recorded_at, id';
const ORDER_DESC = 'day DESC, recorded_at DESC, id DESC';

/**
 * JSON text written by PostgreSQL, compact and in the documented key order (its `json` type
 * writes " : " and ", "). Slugs, ids, enums and partial dates hold no character JSON escapes, so
 * they are quoted as they are; free text goes through `to_json`.
 */
const quoted = (sql: string): string => `'"' || (${sql}) || '"'`;
const quotedOrNull = (sql: string): string => `COALESCE('"' || (${sql}) || '"', 'null')`;
const textOrNull = (sql: string): string => `COALESCE(to_json(${sql})::text, 'null')`;
const idsJson = (sql: string): string => `COALESCE('["' || array_to_string(${sql}, '","') || '"]', '[]')`;

/**
 * The positions of contract §6 on day `day` (an SQL expression for a full date), computed as
 * the pure `positionsOf` does (a property test holds them to each other): one row per
 * (proposal, actor) with a proposer role, a standing statement about the proposal dated on or
 * before the day (by the actor or on its behalf), or a standing act dated so. Columns:
 * `proposal_id`, `actor_id`, `role_rank` (1 proposer … 4 none), and the position's parts, which
 * {@link positionJsonSql} writes out as JSON and the report's CSV as fields. Only proposals that
 * existed on the day (proposed on or before it).
 */
export function positionsSql(day: string, scope: PositionScope): string {
  const onProposal = (column: string): string => (scope.proposals === undefined ? 'true' : scope.proposals(column));
  // With one actor, start from its statements (speaker or principal), not from every link.
  const links =
    scope.actor === undefined
      ? `SELECT sp.proposal_id, x.actor_id, sp.statement_id AS id, sp.stance, sp.said_on, sp.said_on_certainty,
                sp.said_on_basis, sp.said_on AS day, sp.recorded_at
           FROM ${linksByActorSql(day)} AND ${onProposal('sp.proposal_id')}`
      : `SELECT sp.proposal_id, ${scope.actor} AS actor_id, sp.statement_id AS id, sp.stance, sp.said_on,
                sp.said_on_certainty, sp.said_on_basis, sp.said_on AS day, sp.recorded_at
           FROM statements s JOIN statement_proposals sp ON sp.statement_id = s.id
          WHERE (s.speaker_id = ${scope.actor} OR s.on_behalf_of = ${scope.actor})
            AND sp.standing AND sp.said_on <= (${day})::text AND ${onProposal('sp.proposal_id')}`;
  const onActor = (column: string): string => (scope.actor === undefined ? 'true' : `${column} = ${scope.actor}`);
  const change = `'{"stance":' || ${quoted('stance')} || ',"on":' || ${quoted('said_on')} ||
                  ',"onCertainty":' || ${quoted('said_on_certainty')} || ',"onBasis":' || ${textOrNull('said_on_basis')} ||
                  ',"statement":' || ${quoted('id::text')} || '}'`;
  return `
    WITH links AS (${links}),
    changes AS (
      SELECT l.*, lag(l.stance) OVER (PARTITION BY l.proposal_id, l.actor_id ORDER BY ${ORDER}) IS DISTINCT FROM l.stance
               AS changed
        FROM links l
    ),
    stances AS (
      SELECT proposal_id, actor_id,
             '[' || string_agg(CASE WHEN changed THEN ${change} END, ',' ORDER BY ${ORDER}) || ']' AS history,
             count(*) FILTER (WHERE changed) AS change_count,
             count(*) FILTER (WHERE stance = 'supports') AS supports,
             count(*) FILTER (WHERE stance = 'opposes') AS opposes,
             count(*) FILTER (WHERE stance = 'neutral') AS neutral,
             count(*) AS total,
             array_agg(id ORDER BY ${ORDER}) AS statement_ids
        FROM changes GROUP BY proposal_id, actor_id
    ),
    -- The stance now is the one the latest change took, since that change's date.
    latest_changes AS (
      SELECT DISTINCT ON (proposal_id, actor_id) proposal_id, actor_id, stance, said_on, said_on_certainty, said_on_basis
        FROM changes WHERE changed ORDER BY proposal_id, actor_id, ${ORDER_DESC}
    ),
    act_rows AS (
      SELECT x.*, x.occurred_on AS day FROM participation x
       WHERE x.retracted_at IS NULL AND x.occurred_on <= (${day})::text
         AND ${onProposal('x.proposal_id')} AND ${onActor('x.actor_id')}
    ),
    acts AS (
      SELECT proposal_id, actor_id, array_agg(id ORDER BY ${ORDER}) AS act_ids FROM act_rows GROUP BY proposal_id, actor_id
    ),
    latest_acts AS (
      SELECT DISTINCT ON (proposal_id, actor_id) proposal_id, actor_id, id, action, occurred_on, occurred_on_certainty,
             occurred_on_basis
        FROM act_rows ORDER BY proposal_id, actor_id, ${ORDER_DESC}
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
           r.role, c.stance, c.said_on AS stance_on, c.said_on_certainty AS stance_on_certainty,
           c.said_on_basis AS stance_on_basis, s.history, COALESCE(s.change_count, 0) AS change_count,
           COALESCE(s.supports, 0) AS supports, COALESCE(s.opposes, 0) AS opposes, COALESCE(s.neutral, 0) AS neutral,
           COALESCE(s.total, 0) AS total, s.statement_ids,
           l.id AS act_id, l.action AS act_action, l.occurred_on AS act_on, l.occurred_on_certainty AS act_on_certainty,
           l.occurred_on_basis AS act_on_basis, a.act_ids
      FROM pairs k
      LEFT JOIN roles r ON r.proposal_id = k.proposal_id AND r.actor_id = k.actor_id
      LEFT JOIN stances s ON s.proposal_id = k.proposal_id AND s.actor_id = k.actor_id
      LEFT JOIN latest_changes c ON c.proposal_id = k.proposal_id AND c.actor_id = k.actor_id
      LEFT JOIN acts a ON a.proposal_id = k.proposal_id AND a.actor_id = k.actor_id
      LEFT JOIN latest_acts l ON l.proposal_id = k.proposal_id AND l.actor_id = k.actor_id
     WHERE EXISTS (SELECT 1 FROM proposals p WHERE p.id = k.proposal_id AND partial_date_start(p.proposed_on) <= ${day})`;
}

/** The actor `a` of a position, as the text of a JSON member. */
export const ACTOR_MEMBER = `'"actor":{"slug":' || ${quoted('a.slug')} || ',"name":' || to_json(a.name)::text || ',"kind":' || ${quoted('a.kind')} || '}'`;

/** The proposal `p` of a position, with its status on `day`, as the text of a JSON member. */
export function proposalMember(day: string): string {
  return `'"proposal":{"slug":' || ${quoted('p.slug')} || ',"title":' || to_json(p.title)::text ||
          ',"status":' || ${quoted(statusOnSql(day))} || '}'`;
}

/**
 * A row `k` of {@link positionsSql} as the JSON text of a position (`PositionFieldsDto`), its
 * fields in the documented order after `lead` (the text of JSON members: the actor, the proposal).
 */
export function positionJsonSql(k: string, lead: string): string {
  const act = `CASE WHEN ${k}.act_id IS NULL THEN 'null' ELSE
                 '{"id":' || ${quoted(`${k}.act_id::text`)} || ',"action":' || ${quoted(`${k}.act_action`)} ||
                 ',"occurredOn":' || ${quoted(`${k}.act_on`)} || ',"occurredOnCertainty":' || ${quoted(`${k}.act_on_certainty`)} ||
                 ',"occurredOnBasis":' || ${textOrNull(`${k}.act_on_basis`)} || '}' END`;
  return `'{' || ${lead} ||
    ',"proposerRole":' || ${quotedOrNull(`${k}.role`)} ||
    ',"stance":' || ${quotedOrNull(`${k}.stance`)} ||
    ',"stanceOn":' || ${quotedOrNull(`${k}.stance_on`)} ||
    ',"stanceOnCertainty":' || ${quotedOrNull(`${k}.stance_on_certainty`)} ||
    ',"stanceOnBasis":' || ${textOrNull(`${k}.stance_on_basis`)} ||
    ',"stanceHistory":' || COALESCE(${k}.history, '[]') ||
    ',"statements":{"supports":' || ${k}.supports || ',"opposes":' || ${k}.opposes || ',"neutral":' || ${k}.neutral ||
      ',"total":' || ${k}.total || '}' ||
    ',"participation":' || ${act} ||
    ',"evidence":{"statements":' || ${idsJson(`${k}.statement_ids`)} ||
      ',"participation":' || ${idsJson(`${k}.act_ids`)} || '}}'`;
}

/**
 * The status a proposal `p` stood at on `day`: its latest standing transition dated on or before
 * it — its current status when that transition is dated on or before the day (standing transitions
 * are dated in order), so only a past day looks into the history.
 */
export function statusOnSql(day: string): string {
  return `CASE WHEN partial_date_start(p.status_since) <= ${day} THEN p.status
               ELSE COALESCE((SELECT t.to_status FROM transitions t
                               WHERE t.proposal_id = p.id AND t.retracted_at IS NULL AND partial_date_start(t.occurred_on) <= ${day}
                               ORDER BY t.seq DESC LIMIT 1), p.status) END`;
}
