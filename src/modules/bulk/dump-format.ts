/**
 * The whole tracker as JSON Lines (contract §8): what `GET /export` writes and a restore reads.
 * Each line is one record of a table, its columns in camelCase and every reference by id, with the
 * rows of its link tables nested (`memberIds`, `proposers`, `sourceIds`, …). Columns the database
 * derives (search vectors, match keys, copies on statement links, change marks) are left out: a
 * restore has them made again. Users appear by id and name only; no token, hash, webhook, watch
 * or feed key is written. The parts come in an order a restore loads line by line: what a record
 * names is loaded before it, except references within a part and a transition's cited statements,
 * which the restore sets once their part is in.
 */

/** The format's version, in the manifest; a restore refuses another. */
export const DUMP_VERSION = 1;

export interface DumpPart {
  /** The line's `type`. */
  type: string;
  /** The table whose rows it holds (the manifest counts them). */
  table: string;
  /** One `line` (JSON text) per row, in a stable order. */
  sql: string;
}

/** `json_agg` of a link table's column for the row `owner`, `[]` when none. */
const ids = (table: string, column: string, key: string, owner: string): string =>
  `COALESCE((SELECT json_agg(link.${column} ORDER BY link.${column}) FROM ${table} link WHERE link.${key} = ${owner}), '[]')`;

/** A partial date column with its certainty and basis, as three keys. */
const worldDate = (alias: string, column: string, key: string): string =>
  `'${key}', ${alias}.${column}, '${key}Certainty', ${alias}.${column}_certainty, '${key}Basis', ${alias}.${column}_basis`;

export const DUMP_PARTS: DumpPart[] = [
  {
    type: 'user',
    table: 'users',
    sql: `SELECT json_build_object('type', 'user', 'id', u.id, 'name', u.name)::text AS line
            FROM users u ORDER BY u.created_at, u.id`,
  },
  {
    type: 'actor',
    table: 'actors',
    sql: `SELECT json_build_object('type', 'actor', 'id', a.id, 'slug', a.slug, 'kind', a.kind, 'name', a.name,
                   'shortName', a.short_name, 'aliases', a.aliases, 'description', a.description, 'title', a.title,
                   'countryId', a.country_id, 'mergedIntoId', a.merged_into_id,
                   'memberIds', ${ids('actor_members', 'member_id', 'organization_id', 'a.id')},
                   'createdAt', a.created_at, 'updatedAt', a.updated_at, 'version', a.version)::text AS line
            FROM actors a ORDER BY a.created_at, a.id`,
  },
  {
    type: 'actorMerge',
    table: 'actor_merges',
    sql: `SELECT json_build_object('type', 'actorMerge', 'id', m.id, 'actorId', m.actor_id, 'intoId', m.into_id,
                   'slug', m.slug, 'reason', m.reason, 'moved', m.moved, 'mergedBy', m.merged_by,
                   'mergedAt', m.merged_at)::text AS line
            FROM actor_merges m ORDER BY m.merged_at, m.id`,
  },
  {
    type: 'event',
    table: 'events',
    sql: `SELECT json_build_object('type', 'event', 'id', e.id, 'slug', e.slug, 'name', e.name, 'kind', e.kind,
                   ${worldDate('e', 'starts_on', 'startsOn')}, ${worldDate('e', 'ends_on', 'endsOn')},
                   'location', e.location, 'description', e.description,
                   'organizerIds', ${ids('event_organizers', 'actor_id', 'event_id', 'e.id')},
                   'createdAt', e.created_at, 'updatedAt', e.updated_at, 'version', e.version)::text AS line
            FROM events e ORDER BY e.created_at, e.id`,
  },
  {
    type: 'source',
    table: 'sources',
    sql: `SELECT json_build_object('type', 'source', 'id', s.id, 'url', s.url, 'publisher', s.publisher,
                   'title', s.title, ${worldDate('s', 'published_on', 'publishedOn')}, 'note', s.note,
                   'createdAt', s.created_at, 'updatedAt', s.updated_at, 'version', s.version)::text AS line
            FROM sources s ORDER BY s.created_at, s.id`,
  },
  {
    type: 'proposal',
    table: 'proposals',
    sql: `SELECT json_build_object('type', 'proposal', 'id', p.id, 'slug', p.slug, 'title', p.title,
                   'summary', p.summary, ${worldDate('p', 'proposed_on', 'proposedOn')}, 'tags', p.tags,
                   'status', p.status, ${worldDate('p', 'status_since', 'statusSince')},
                   'furthestStatus', p.furthest_status, 'lastFromStatus', p.last_from_status,
                   'lastDirection', p.last_direction, 'lastActivityOn', p.last_activity_on,
                   ${worldDate('p', 'last_statement_on', 'lastStatementOn')},
                   'parentId', p.parent_id, 'supersededById', p.superseded_by_id,
                   'duplicateOfId', p.duplicate_of_id, 'duplicateMarkedBy', p.duplicate_marked_by,
                   'duplicateMarkedAt', p.duplicate_marked_at, 'duplicateReason', p.duplicate_reason,
                   'proposers', COALESCE((SELECT json_agg(json_build_object('actorId', pa.actor_id, 'role', pa.role)
                                                          ORDER BY pa.actor_id)
                                            FROM proposal_actors pa WHERE pa.proposal_id = p.id), '[]'),
                   'forumIds', ${ids('proposal_forums', 'actor_id', 'proposal_id', 'p.id')},
                   'related', COALESCE((SELECT json_agg(json_build_object('id', r.related_id, 'relation', r.relation)
                                                        ORDER BY r.related_id)
                                          FROM proposal_relations r WHERE r.proposal_id = p.id), '[]'),
                   'createdAt', p.created_at, 'updatedAt', p.updated_at, 'version', p.version)::text AS line
            FROM proposals p ORDER BY p.created_at, p.id`,
  },
  {
    type: 'transition',
    table: 'transitions',
    sql: `SELECT json_build_object('type', 'transition', 'id', t.id, 'proposalId', t.proposal_id, 'seq', t.seq,
                   'from', t.from_status, 'to', t.to_status, 'direction', t.direction,
                   ${worldDate('t', 'occurred_on', 'occurredOn')}, 'note', t.note,
                   'supersededById', t.superseded_by_id,
                   'sourceIds', ${ids('transition_sources', 'source_id', 'transition_id', 't.id')},
                   'statementIds', ${ids('transition_statements', 'statement_id', 'transition_id', 't.id')},
                   'recordedAt', t.recorded_at, 'recordedBy', t.recorded_by,
                   'retractedAt', t.retracted_at, 'retractedBy', t.retracted_by,
                   'retractionReason', t.retraction_reason)::text AS line
            FROM transitions t ORDER BY t.proposal_id, t.seq`,
  },
  {
    type: 'statement',
    table: 'statements',
    sql: `SELECT json_build_object('type', 'statement', 'id', s.id, 'speakerId', s.speaker_id,
                   'speakerRole', s.speaker_role, 'onBehalfOf', s.on_behalf_of,
                   ${worldDate('s', 'said_on', 'saidOn')}, 'eventId', s.event_id, 'quote', s.quote,
                   'summary', s.summary, 'language', s.language, 'note', s.note, 'sourceId', s.source_id,
                   'proposals', COALESCE((SELECT json_agg(json_build_object('proposalId', sp.proposal_id, 'stance', sp.stance)
                                                          ORDER BY sp.proposal_id)
                                            FROM statement_proposals sp WHERE sp.statement_id = s.id), '[]'),
                   'recordedAt', s.created_at, 'recordedBy', s.recorded_by, 'updatedAt', s.updated_at,
                   'version', s.version, 'retractedAt', s.retracted_at, 'retractedBy', s.retracted_by,
                   'retractionReason', s.retraction_reason)::text AS line
            FROM statements s ORDER BY s.created_at, s.id`,
  },
  {
    type: 'participation',
    table: 'participation',
    sql: `SELECT json_build_object('type', 'participation', 'id', x.id, 'proposalId', x.proposal_id,
                   'actorId', x.actor_id, 'action', x.action, ${worldDate('x', 'occurred_on', 'occurredOn')},
                   'note', x.note, 'sourceIds', ${ids('participation_sources', 'source_id', 'participation_id', 'x.id')},
                   'recordedAt', x.recorded_at, 'recordedBy', x.recorded_by, 'retractedAt', x.retracted_at,
                   'retractedBy', x.retracted_by, 'retractionReason', x.retraction_reason)::text AS line
            FROM participation x ORDER BY x.recorded_at, x.id`,
  },
  {
    type: 'assessment',
    table: 'assessments',
    sql: `SELECT json_build_object('type', 'assessment', 'id', x.id, 'proposalId', x.proposal_id,
                   'momentum', x.momentum, 'reason', x.reason,
                   'sourceIds', ${ids('assessment_sources', 'source_id', 'assessment_id', 'x.id')},
                   'recordedAt', x.recorded_at, 'recordedBy', x.recorded_by, 'withdrawnAt', x.withdrawn_at,
                   'withdrawnBy', x.withdrawn_by, 'withdrawalReason', x.withdrawal_reason)::text AS line
            FROM assessments x ORDER BY x.recorded_at, x.id`,
  },
];

/** The manifest line: the format, when, and how many rows each part holds, read in the export's snapshot. */
export const MANIFEST_SQL = `SELECT json_build_object('type', 'manifest', 'version', ${DUMP_VERSION},
    'exportedAt', now(), 'counts', json_build_object(${DUMP_PARTS.map(
      (part) => `'${part.type}', (SELECT count(*) FROM ${part.table})`,
    ).join(', ')}))::text AS line`;
