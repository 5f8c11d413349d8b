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
                    FROM statement_proposals sp
                    CROSS JOIN LATERAL (VALUES (sp.speaker_id), (NULLIF(sp.on_behalf_of, sp.speaker_id))) x(actor_id)
                   WHERE sp.proposal_id = ${proposalId} AND sp.standing AND x.actor_id IS NOT NULL
                     AND sp.said_on <= (${day})::text${statedOnly ? ` AND sp.said_on_certainty = 'stated'` : ''}
                   ORDER BY x.actor_id, sp.said_on DESC, sp.recorded_at DESC, sp.statement_id DESC) latest`;
}
