/**
 * What a change about proposals concerns, for the change feed's filters and watches: the
 * proposals' slugs (in the order given), their proposers and forums, and their tags — one row, by
 * SQL over the proposals whose ids are the `uuid[]` expression `ids`. The proposals module owns
 * this knowledge of its tables; the write log composes it into the change it records. The actors
 * are looked up one by one: as a prepared statement's generic plan, a join would hash every actor
 * on each write.
 */
export function proposalConcernsSql(ids: string): string {
  return `SELECT ARRAY(SELECT p.slug FROM unnest(${ids}) WITH ORDINALITY AS u(id, n) JOIN proposals p ON p.id = u.id
                         ORDER BY u.n) AS proposal_slugs,
                 ARRAY(SELECT DISTINCT (SELECT a.slug FROM actors a WHERE a.id = pa.actor_id)
                         FROM proposal_actors pa WHERE pa.proposal_id = ANY(${ids})) AS actor_slugs,
                 ARRAY(SELECT DISTINCT (SELECT a.slug FROM actors a WHERE a.id = pf.actor_id)
                         FROM proposal_forums pf WHERE pf.proposal_id = ANY(${ids})) AS forum_slugs,
                 ARRAY(SELECT DISTINCT t FROM proposals p, unnest(p.tags) t WHERE p.id = ANY(${ids})) AS tags`;
}
