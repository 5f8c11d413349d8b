/**
 * How many actors take each stance toward proposal `proposalId` on `day` (SQL expressions): each
 * actor's stance is that of its latest standing statement about the proposal dated on or before
 * the day, made by it or on its behalf — the stance its position shows (contract §6). Dates are
 * ordered as the timeline orders them: by first day, then precision (a `partial_date`'s own "C"
 * order), then by when each was logged. Read from the links' index alone. `statedOnly`: only
 * statements whose date is stated. Columns `supporting`, `opposing`, `neutral`.
 */
export function stanceCountsSql(proposalId: string, day: string, statedOnly = false): string {
  return `SELECT count(*) FILTER (WHERE latest.stance = 'supports') AS supporting,
                 count(*) FILTER (WHERE latest.stance = 'opposes') AS opposing,
                 count(*) FILTER (WHERE latest.stance = 'neutral') AS neutral
            FROM (SELECT DISTINCT ON (x.actor_id) sp.stance
                    FROM ${linksByActorSql(day)}
                     AND sp.proposal_id = ${proposalId}${statedOnly ? ` AND sp.said_on_certainty = 'stated'` : ''}
                   ORDER BY x.actor_id, sp.said_on DESC, sp.recorded_at DESC, sp.statement_id DESC) latest`;
}

/**
 * The standing statement links (`sp`) dated on or before `day`, each once for every actor it counts
 * for (`x.actor_id`): its speaker, and the actor it spoke on behalf of. A FROM item and its WHERE
 * clause, for a caller to narrow with `AND …`. Partial dates compare as text: a date is on or before
 * a full day exactly when its first day is.
 */
export function linksByActorSql(day: string): string {
  return `statement_proposals sp
          CROSS JOIN LATERAL (VALUES (sp.speaker_id), (NULLIF(sp.on_behalf_of, sp.speaker_id))) x(actor_id)
          WHERE sp.standing AND x.actor_id IS NOT NULL AND sp.said_on <= (${day})::text`;
}
