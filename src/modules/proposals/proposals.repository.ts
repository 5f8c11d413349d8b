import { Injectable } from '@nestjs/common';
import { webSearchText } from '../../common/database/web-search.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { returning } from '../../common/database/returning.js';
import type { ActorRefDto } from '../actors/dto/actors.dto.js';
import type { SourceDto } from '../sources/dto/source.dto.js';
import type { DuplicateOfDto, ProposalDto, ProposalRefDto, ProposerDto } from './dto/proposals.dto.js';
import type { ProposerRole } from './entities/proposal-actor.entity.js';
import { momentumShownSql, momentumSql, momentumValues } from './momentum.repository.js';
import { stanceCountsSql } from './stance-counts-sql.js';
import { type ProposalSort, RANK, SORTS, type SortableRow } from './proposal-sorts.js';
import type { DerivedState } from './workflow/derive-state.js';
import type { Momentum } from './workflow/momentum.js';
import type { Status } from './workflow/statuses.js';
import { editSets, isoTimestampSql, sqlParams } from '../../common/database/sql-params.js';
import { dateColumnsSql, dateJsonSql } from '../../common/dates/world-date-sql.js';
import type { DateCertainty, WorldDate } from '../../common/dates/world-date.js';
import { sourceJsonSql } from '../sources/source-sql.js';
import { likePattern } from '../../common/database/like-pattern.js';

export interface RelatedProposalDtoShape {
  slug: string;
  title: string;
  relation: string | null;
  direction: 'outgoing' | 'incoming';
}

export interface StatementCounts {
  supports: number;
  opposes: number;
  neutral: number;
  total: number;
}

export interface ProposalRow {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  proposedOn: string;
  proposedOnCertainty: DateCertainty;
  proposedOnBasis: string | null;
  proposers: ProposerDto[];
  forums: ActorRefDto[];
  tags: string[];
  parent: ProposalRefDto | null;
  related: RelatedProposalDtoShape[];
  supersededBy: ProposalRefDto | null;
  duplicateOf: DuplicateOfDto | null;
  status: Status;
  statusSince: string;
  statusSinceCertainty: DateCertainty;
  statusSinceBasis: string | null;
  furthestStatus: Status;
  lastActivityOn: string;
  statementCounts: StatementCounts;
  sources: SourceDto[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A proposal as another record refers to it. */
export interface ProposalRef {
  id: string;
  slug: string;
  title: string;
}

/** The columns the workflow needs, read under a row lock. */
export interface ProposalState {
  id: string;
  slug: string;
  title: string;
  status: Status;
  statusSince: string;
  furthestStatus: Status;
  version: number;
  supersededById: string | null;
}

export interface ProposalFilters {
  status?: Status[];
  proposer?: string;
  forum?: string;
  tag?: string;
  /** Full text over title, summary and the quotes and summaries of standing statements. */
  q?: string;
  /** Proposals with any change recorded after this instant. */
  updatedSince?: Date;
  /** Proposals whose momentum on `asOf` is one of `values`. */
  momentum?: { values: Momentum[]; asOf: string; windowDays: number };
  /** As the proposals stood on this day: those recorded by then, `status` their status then. */
  asOf?: string;
  /** With `proposer`: only where it has this role. */
  proposerRole?: ProposerRole;
  /** The direct children of the proposal with this slug. */
  parent?: string;
  /** Every proposal below the one with this slug. */
  descendantsOf?: string;
  /** The proposals related to the one with this slug, whichever named the link. */
  related?: string;
  /** Also those an editor marked as duplicates of another (left out otherwise). */
  includeDuplicates?: boolean;
}

/** Standing statements' share of a match is weighted below the proposal's own text. */
const STATEMENT_MATCH_WEIGHT = 0.5;

/** What a proposal row `p` shows beyond its own columns: each an SQL expression giving JSON. */
const NESTED = {
  proposers: `COALESCE((SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind, 'role', pa.role)
                                   ORDER BY array_position(ARRAY['proposer','co-proposer','backer'], pa.role), a.slug)
                     FROM proposal_actors pa JOIN actors a ON a.id = pa.actor_id
                    WHERE pa.proposal_id = p.id), '[]')`,
  forums: `COALESCE((SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind) ORDER BY a.slug)
                     FROM proposal_forums pf JOIN actors a ON a.id = pf.actor_id
                    WHERE pf.proposal_id = p.id), '[]')`,
  parent: `(SELECT json_build_object('slug', pp.slug, 'title', pp.title) FROM proposals pp WHERE pp.id = p.parent_id)`,
  // A link shows on both proposals: named by this one (outgoing) or by the other (incoming).
  related: `COALESCE((SELECT json_agg(json_build_object('slug', r.slug, 'title', r.title, 'relation', r.relation, 'direction', r.direction)
                                   ORDER BY r.slug, r.direction DESC)
                     FROM (SELECT rp.slug, rp.title, pr.relation, 'outgoing' AS direction
                             FROM proposal_relations pr JOIN proposals rp ON rp.id = pr.related_id WHERE pr.proposal_id = p.id
                           UNION ALL
                           SELECT rp.slug, rp.title, pr.relation, 'incoming'
                             FROM proposal_relations pr JOIN proposals rp ON rp.id = pr.proposal_id WHERE pr.related_id = p.id) r), '[]')`,
  supersededBy: `(SELECT json_build_object('slug', sp.slug, 'title', sp.title) FROM proposals sp WHERE sp.id = p.superseded_by_id)`,
  // Looked up only for the few marked (a CASE evaluates its branch only when taken).
  duplicateOf: `CASE WHEN p.duplicate_of_id IS NOT NULL THEN
                  (SELECT json_build_object('slug', d.slug, 'title', d.title, 'reason', p.duplicate_reason,
                                            'markedAt', ${isoTimestampSql('p.duplicate_marked_at')},
                                            'markedBy', json_build_object('id', u.id, 'name', u.name))
                     FROM proposals d JOIN users u ON u.id = p.duplicate_marked_by WHERE d.id = p.duplicate_of_id) END`,
  // Counted from the links' own copy of whether their statement stands (kept by triggers): an
  // index-only scan of the partial index by proposal, not a visit to every statement.
  statementCounts: `(SELECT json_build_object('supports', count(*) FILTER (WHERE sp.stance = 'supports'),
                                   'opposes', count(*) FILTER (WHERE sp.stance = 'opposes'),
                                   'neutral', count(*) FILTER (WHERE sp.stance = 'neutral'),
                                   'total', count(*))
            FROM statement_proposals sp
           WHERE sp.proposal_id = p.id AND sp.standing)`,
  // Those of its first standing transition (a redate's correction, once there is one).
  sources: `COALESCE((SELECT json_agg(${sourceJsonSql('s')} ORDER BY s.created_at, s.id)
                     FROM transitions t JOIN transition_sources ts ON ts.transition_id = t.id JOIN sources s ON s.id = ts.source_id
                    WHERE t.proposal_id = p.id
                      AND t.seq = (SELECT min(f.seq) FROM transitions f WHERE f.proposal_id = p.id AND f.retracted_at IS NULL)), '[]')`,
};

const COLUMNS = `
         p.id, p.slug, p.title, p.summary, ${dateColumnsSql('p.proposed_on', 'proposedOn')}, p.tags,
         p.status, ${dateColumnsSql('p.status_since', 'statusSince')}, p.furthest_status AS "furthestStatus",
         p.last_activity_on AS "lastActivityOn", p.created_at AS "createdAt",
         p.updated_at AS "updatedAt", p.version,
         ${Object.entries(NESTED)
           .map(([name, sql]) => `${sql} AS "${name}"`)
           .join(',\n         ')}`;

/**
 * A proposal row `p` as the API shows it (`ProposalDto`), written by PostgreSQL as one JSON value:
 * the driver hands it over with one `JSON.parse`, with no row to map or dates to convert. The keys
 * come in the order responses have always had them; `momentum` gives the SQL of the three
 * momentum fields.
 */
function proposalJsonSql(
  momentum: { momentum: string; reasons: string; asOf: string; assessment: string },
  status: { status: string; statusSince: string } = {
    status: 'p.status',
    statusSince: dateJsonSql('p.status_since', 'statusSince'),
  },
  positions?: string,
): string {
  return `json_build_object(
           'slug', p.slug, 'title', p.title, 'summary', p.summary, ${dateJsonSql('p.proposed_on', 'proposedOn')}, 'tags', p.tags,
           'status', ${status.status}, ${status.statusSince}, 'furthestStatus', p.furthest_status,
           'lastActivityOn', p.last_activity_on, 'version', p.version,
           ${Object.entries(NESTED)
             .map(([name, sql]) => `'${name}', ${sql}`)
             .join(',\n           ')},
           'momentum', ${momentum.momentum}, 'momentumReasons', ${momentum.reasons}, 'momentumAsOf', ${momentum.asOf},
           'assessment', ${momentum.assessment},${positions === undefined ? '' : `\n           'positions', ${positions},`}
           'createdAt', ${isoTimestampSql('p.created_at')}, 'updatedAt', ${isoTimestampSql('p.updated_at')})`;
}

/**
 * A proposal (`$1`, a slug) as shown, with its momentum on `$2` over `$4` days (`$3` the window's
 * eve, `$5` the day again, as text): built once, the same text for every request.
 */
const VIEW_SQL = `SELECT ${proposalJsonSql(
  { momentum: 'm.momentum', reasons: `COALESCE(m.reasons, '[]'::json)`, asOf: '$5::text', assessment: 'm.assessment' },
  {
    // As it stood on the day (the same as the row's own fields for today, unless dated after it).
    status: 'COALESCE(m.status, p.status)',
    statusSince: `'statusSince', COALESCE(m."statusSince", p.status_since),
                  'statusSinceCertainty', COALESCE(m."statusSinceCertainty", p.status_since_certainty),
                  'statusSinceBasis', CASE WHEN m."proposalId" IS NULL THEN p.status_since_basis ELSE m."statusSinceBasis" END`,
  },
  `(SELECT json_build_object('supports', c.supporting, 'opposes', c.opposing, 'neutral', c.neutral)
      FROM (${stanceCountsSql('p.id', '$5::date')}) c)`,
)} AS proposal, m."proposalId" IS NOT NULL AS existed
  FROM proposals p
  LEFT JOIN (${momentumShownSql(
    { day: '$2', windowStart: '$3', ids: 'ARRAY(SELECT t.id FROM proposals t WHERE t.slug = $1)' },
    '$4',
  )}) m ON m."proposalId" = p.id
 WHERE p.slug = $1`;

/** A listed proposal as shown, its momentum fields left for the caller (they depend on the list's asOf). */
const LISTED_JSON = proposalJsonSql({
  momentum: 'NULL::text',
  reasons: `'[]'::json`,
  asOf: 'NULL::text',
  assessment: 'NULL::json',
});

/** A listed proposal: its sort values, for the next page's cursor, and the proposal as shown, its momentum still to fill in. */
export interface ListedProposal extends SortableRow {
  proposal: ProposalDto;
}

const SELECT = `SELECT ${COLUMNS} FROM proposals p`;

/**
 * A proposal's last activity: the latest world date among its standing transitions and its
 * latest standing statement (`lastStatementOn`, an SQL expression); partial dates compare as text.
 */
const lastActivity = (lastStatementOn: string): string =>
  `GREATEST(${lastStatementOn}, (SELECT max(t.occurred_on) FROM transitions t WHERE t.proposal_id = p.id AND t.retracted_at IS NULL))`;

/** Whether statement `s` is now a proposal `p`'s latest (of several that day, a stated one wins). */
const LATEST = `(p.last_statement_on IS NULL OR s.said_on > p.last_statement_on
                 OR (s.said_on = p.last_statement_on AND s.said_on_certainty = 'stated'))`;

@Injectable()
export class ProposalsRepository {
  constructor(private readonly db: Db) {}

  async findBySlug(slug: string, manager: EntityManager = this.db.manager): Promise<ProposalRow | null> {
    const rows: ProposalRow[] = await this.db.prepared(`${SELECT} WHERE p.slug = $1`, [slug], manager);
    return rows[0] ?? null;
  }

  /**
   * The proposal as the API shows it, with its momentum on `asOf`, in one query: the row, its
   * relations and the momentum rules of spec section 2, all written by PostgreSQL.
   */
  async view(
    slug: string,
    asOf: string,
    windowDays: number,
    manager: EntityManager = this.db.manager,
  ): Promise<{ proposal: ProposalDto; existed: boolean } | null> {
    const rows: { proposal: ProposalDto; existed: boolean }[] = await this.db.prepared(
      VIEW_SQL,
      [slug, ...momentumValues(asOf, windowDays), asOf],
      manager,
    );
    return rows[0] ?? null;
  }

  /** Whether the database holds any proposal (an empty one gets the seeds on first start). */
  async any(): Promise<boolean> {
    const rows: unknown[] = await this.db.manager.query('SELECT 1 FROM proposals LIMIT 1');
    return rows.length > 0;
  }

  async idBySlug(slug: string, manager: EntityManager = this.db.manager): Promise<string | null> {
    const rows: { id: string }[] = await this.db.prepared('SELECT id FROM proposals WHERE slug = $1', [slug], manager);
    return rows[0]?.id ?? null;
  }

  /** The proposal's id, slug and title, as a reference to it shows them. */
  async refBySlug(slug: string, manager: EntityManager): Promise<{ id: string; slug: string; title: string } | null> {
    const rows: { id: string; slug: string; title: string }[] = await this.db.prepared(
      'SELECT id, slug, title FROM proposals WHERE slug = $1',
      [slug],
      manager,
    );
    return rows[0] ?? null;
  }

  /**
   * Locks the proposal row for the rest of the transaction: every change to its status goes
   * through here, so concurrent transitions and retractions of one proposal run one at a time.
   */
  async lockBySlug(slug: string, manager: EntityManager): Promise<ProposalState | null> {
    const rows: ProposalState[] = await this.db.prepared(
      `SELECT id, slug, title, status, status_since AS "statusSince", furthest_status AS "furthestStatus", version,
              superseded_by_id AS "supersededById"
         FROM proposals WHERE slug = $1 FOR UPDATE`,
      [slug],
      manager,
    );
    return rows[0] ?? null;
  }

  /**
   * One page of proposals in `sort` order, after the keyset `after` when given; one row more
   * than `limit` tells whether another page follows. With `q`, only matches, each with its rank.
   * Each proposal comes as shown (see {@link proposalJsonSql}), momentum left null for the caller.
   */
  async list(
    filters: ProposalFilters,
    sort: ProposalSort,
    limit: number,
    after: unknown[] | undefined,
  ): Promise<ListedProposal[]> {
    const where: string[] = filters.includeDuplicates === true ? [] : ['p.duplicate_of_id IS NULL'];
    const { params, param } = sqlParams();
    let matches = '';
    let rank = '';
    if (filters.q !== undefined) {
      // The proposal's own words rank above any match in what was said about it.
      matches = `CROSS JOIN websearch_to_tsquery('english', ${param(webSearchText(filters.q))}) query`;
      // The names, short names and aliases of its proposers and forums match too ("ICCA" finds
      // CICA's proposals), ranked like a match in its own words.
      const name = param(likePattern(filters.q));
      const byActor = `EXISTS (SELECT 1 FROM (SELECT pa.actor_id FROM proposal_actors pa WHERE pa.proposal_id = p.id
                                               UNION ALL SELECT pf.actor_id FROM proposal_forums pf WHERE pf.proposal_id = p.id) x
                                 JOIN actors a ON a.id = x.actor_id
                                WHERE a.name ILIKE ${name} OR a.short_name ILIKE ${name}
                                   OR EXISTS (SELECT 1 FROM unnest(a.aliases) alias WHERE alias ILIKE ${name}))`;
      where.push(`(p.search @@ query OR p.statements_search @@ query OR ${byActor})`);
      rank = `(CASE WHEN p.search @@ query OR ${byActor} THEN 1 ELSE 0 END + ts_rank(p.search, query)
               + ${STATEMENT_MATCH_WEIGHT} * ts_rank(coalesce(p.statements_search, ''), query))::real`;
    }
    if (filters.asOf !== undefined) {
      // The standing transition in force on the day: none means not yet recorded then.
      matches += ` CROSS JOIN LATERAL (SELECT t.to_status FROM transitions t
                     WHERE t.proposal_id = p.id AND t.retracted_at IS NULL AND t.occurred_on <= ${param(filters.asOf)}
                     ORDER BY t.seq DESC LIMIT 1) in_force`;
      if (filters.status !== undefined) where.push(`in_force.to_status = ANY(${param(filters.status)})`);
    } else if (filters.status !== undefined) {
      where.push(`p.status = ANY(${param(filters.status)})`);
    }
    if (filters.proposer !== undefined) {
      const role = filters.proposerRole === undefined ? '' : ` AND pa.role = ${param(filters.proposerRole)}`;
      where.push(`EXISTS (SELECT 1 FROM proposal_actors pa JOIN actors a ON a.id = pa.actor_id
                           WHERE pa.proposal_id = p.id AND a.slug = ${param(filters.proposer)}${role})`);
    }
    if (filters.parent !== undefined) {
      where.push(`p.parent_id = (SELECT id FROM proposals WHERE slug = ${param(filters.parent)})`);
    }
    if (filters.descendantsOf !== undefined) {
      where.push(`p.id IN (WITH RECURSIVE below(id) AS (
                             SELECT c.id FROM proposals c JOIN proposals r ON c.parent_id = r.id
                              WHERE r.slug = ${param(filters.descendantsOf)}
                             UNION SELECT c.id FROM proposals c JOIN below b ON c.parent_id = b.id)
                           SELECT id FROM below)`);
    }
    if (filters.related !== undefined) {
      const other = `(SELECT id FROM proposals WHERE slug = ${param(filters.related)})`;
      where.push(`EXISTS (SELECT 1 FROM proposal_relations pr
                           WHERE (pr.proposal_id = p.id AND pr.related_id = ${other})
                              OR (pr.related_id = p.id AND pr.proposal_id = ${other}))`);
    }
    if (filters.forum !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM proposal_forums pf JOIN actors a ON a.id = pf.actor_id
                           WHERE pf.proposal_id = p.id AND a.slug = ${param(filters.forum)})`);
    }
    if (filters.tag !== undefined) where.push(`p.tags @> ARRAY[${param(filters.tag)}]::text[]`);
    if (filters.updatedSince !== undefined) where.push(`p.updated_at > ${param(filters.updatedSince)}`);
    if (filters.momentum !== undefined) {
      const { values, asOf, windowDays } = filters.momentum;
      const classes = momentumSql(param, asOf, windowDays);
      where.push(`p.id IN (SELECT m."proposalId" FROM (${classes}) m WHERE m.momentum = ANY(${param(values)}))`);
    }
    const spec = SORTS[sort];
    if (after !== undefined) {
      const values = after.map((value, index) => `${param(value)}::${spec.casts[index]}`);
      const columns = spec.columns.map((column) => column.replace(RANK, rank));
      where.push(`(${columns.join(', ')}) ${spec.descending ? '<' : '>'} (${values.join(', ')})`);
    }
    const direction = spec.descending ? 'DESC' : 'ASC';
    const sql = `SELECT p.id, p.title, p.proposed_on AS "proposedOn", p.status_since AS "statusSince",
                        p.last_activity_on AS "lastActivityOn"${rank ? `, ${rank} AS rank` : ''}, ${LISTED_JSON} AS proposal
                   FROM proposals p ${matches}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${spec.columns.map((column) => `${column.replace(RANK, rank)} ${direction}`).join(', ')}
      LIMIT ${param(limit + 1)}`;
    return this.db.manager.query(sql, params);
  }

  /**
   * Proposals, not marked as duplicates, whose title is `title` once case, accents and
   * punctuation are set aside (`ppt_match_key`): the likely duplicates of a new one.
   */
  async likelyDuplicates(title: string, manager: EntityManager): Promise<{ slug: string; name: string }[]> {
    return manager.query(
      `SELECT slug, title AS name FROM proposals
        WHERE duplicate_of_id IS NULL AND match_keys && ppt_match_keys(ARRAY[$1::text])
        ORDER BY slug COLLATE "C" LIMIT 5`,
      [title],
    );
  }

  /** Marks a (locked) proposal as a duplicate of another, or (`of` null) no longer one; a new version. */
  async markDuplicate(
    id: string,
    mark: { of: string; by: string; reason: string } | null,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE proposals SET duplicate_of_id = $2, duplicate_marked_by = $3, duplicate_reason = $4,
                            duplicate_marked_at = CASE WHEN $2::uuid IS NULL THEN NULL ELSE now() END,
                            updated_at = now(), version = version + 1
        WHERE id = $1`,
      [id, mark?.of ?? null, mark?.by ?? null, mark?.reason ?? null],
    );
  }

  /** How many proposals are marked as duplicates of this one. */
  async duplicatesOf(id: string, manager: EntityManager): Promise<number> {
    const [{ count }]: { count: number }[] = await manager.query(
      'SELECT count(*)::int AS count FROM proposals WHERE duplicate_of_id = $1',
      [id],
    );
    return count;
  }

  /**
   * Moves every proposer and forum link of actor `from` onto `into` (an actor merged into another):
   * a proposal that had both keeps one link, with the stronger role. The proposals affected get a
   * new version and a change mark. How many links moved.
   */
  async moveActor(from: string, into: string, manager: EntityManager): Promise<Record<string, number>> {
    const affected: { id: string }[] = await manager.query(
      `SELECT proposal_id AS id FROM proposal_actors WHERE actor_id = $1
       UNION SELECT proposal_id FROM proposal_forums WHERE actor_id = $1`,
      [from],
    );
    await manager.query(
      `UPDATE proposal_actors t SET role = o.role FROM proposal_actors o
        WHERE o.actor_id = $1 AND t.actor_id = $2 AND t.proposal_id = o.proposal_id
          AND array_position(ARRAY['proposer','co-proposer','backer'], o.role)
            < array_position(ARRAY['proposer','co-proposer','backer'], t.role)`,
      [from, into],
    );
    await manager.query(
      `DELETE FROM proposal_actors o USING proposal_actors t
        WHERE o.actor_id = $1 AND t.actor_id = $2 AND t.proposal_id = o.proposal_id`,
      [from, into],
    );
    await manager.query(
      `DELETE FROM proposal_forums o USING proposal_forums t
        WHERE o.actor_id = $1 AND t.actor_id = $2 AND t.proposal_id = o.proposal_id`,
      [from, into],
    );
    const proposers = await returning(
      manager,
      'UPDATE proposal_actors SET actor_id = $2 WHERE actor_id = $1 RETURNING 1',
      [from, into],
    );
    const forums = await returning(
      manager,
      'UPDATE proposal_forums SET actor_id = $2 WHERE actor_id = $1 RETURNING 1',
      [from, into],
    );
    await this.touch(
      affected.map((row) => row.id),
      manager,
    );
    return { proposers: proposers.length, forums: forums.length };
  }

  async insert(
    proposal: {
      slug: string;
      title: string;
      summary?: string;
      proposedOn: WorldDate;
      status: Status;
      tags: string[];
      parentId: string | null;
    },
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO proposals (slug, title, summary, proposed_on, proposed_on_certainty, proposed_on_basis, status,
                              status_since, status_since_certainty, status_since_basis, furthest_status,
                              last_activity_on, tags, parent_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $4, $5, $6, $7, $4, $8, $9)
       ON CONFLICT ON CONSTRAINT uq_proposals_slug DO NOTHING RETURNING id`,
      [
        proposal.slug,
        proposal.title,
        proposal.summary ?? null,
        proposal.proposedOn.value,
        proposal.proposedOn.certainty,
        proposal.proposedOn.basis,
        proposal.status,
        proposal.tags,
        proposal.parentId,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async replaceProposers(
    proposalId: string,
    proposers: { actorId: string; role: ProposerRole }[],
    manager: EntityManager,
  ): Promise<void> {
    await manager.query('DELETE FROM proposal_actors WHERE proposal_id = $1', [proposalId]);
    await manager.query(
      `INSERT INTO proposal_actors (proposal_id, actor_id, role)
       SELECT $1, actor_id, role FROM unnest($2::uuid[], $3::text[]) AS x(actor_id, role)`,
      [proposalId, proposers.map((p) => p.actorId), proposers.map((p) => p.role)],
    );
  }

  async replaceForums(proposalId: string, actorIds: string[], manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM proposal_forums WHERE proposal_id = $1', [proposalId]);
    await manager.query(
      `INSERT INTO proposal_forums (proposal_id, actor_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [proposalId, actorIds],
    );
  }

  /** True when `proposalId` is `candidateParentId` or one of its ancestors: that parent would close a cycle. */
  async wouldCycle(proposalId: string, candidateParentId: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH RECURSIVE ancestors(id) AS (
         SELECT $2::uuid
         UNION
         SELECT p.parent_id FROM proposals p JOIN ancestors a ON p.id = a.id WHERE p.parent_id IS NOT NULL
       )
       SELECT 1 FROM ancestors WHERE id = $1 LIMIT 1`,
      [proposalId, candidateParentId],
    );
    return rows.length > 0;
  }

  /** Edits descriptive fields if `version` is current; the proposal id, or null when stale. */
  async updateFields(
    slug: string,
    version: number,
    changes: { title?: string; summary?: string | null; tags?: string[]; parentId?: string | null },
    manager: EntityManager,
  ): Promise<string | null> {
    const columns: Record<string, unknown> = {
      title: changes.title,
      summary: changes.summary,
      tags: changes.tags,
      parent_id: changes.parentId,
    };
    const { params, param } = sqlParams([slug, version]);
    const sets = editSets(columns, param);
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE proposals SET ${sets} WHERE slug = $1 AND version = $2 RETURNING id`,
      params,
    );
    return rows[0]?.id ?? null;
  }

  /** Writes the status fields derived from the standing history (the row is locked). */
  async setStatus(
    id: string,
    state: DerivedState & { supersededById: string | null },
    manager: EntityManager,
  ): Promise<void> {
    await this.db.prepared(
      // A transition leaves the statements as they were: only its side of the last activity moves.
      `UPDATE proposals p SET status = $2, status_since = $3, furthest_status = $4, last_from_status = $5,
              last_direction = $6, superseded_by_id = $7, status_since_certainty = $8, status_since_basis = $9,
              proposed_on = $10, proposed_on_certainty = $11, proposed_on_basis = $12,
              updated_at = now(), version = version + 1,
              last_activity_on = ${lastActivity('p.last_statement_on')}
        WHERE id = $1`,
      [
        id,
        state.status,
        state.statusSince,
        state.furthestStatus,
        state.lastFrom,
        state.lastDirection,
        state.supersededById,
        state.statusSinceCertainty,
        state.statusSinceBasis,
        state.proposedOn,
        state.proposedOnCertainty,
        state.proposedOnBasis,
      ],
      manager,
    );
  }

  /**
   * Rederives what the standing statements and transitions give each proposal: `last_activity_on`
   * (the latest world date among both), `last_statement_on`, and the statements' search vector.
   */
  async refreshActivity(ids: string[], manager: EntityManager): Promise<void> {
    await this.db.prepared(
      `UPDATE proposals p SET
         last_activity_on = ${lastActivity('s.last_statement_on')},
         last_statement_on = s.last_statement_on,
         last_statement_on_certainty = s.certainty,
         last_statement_on_basis = s.basis,
         statements_search = s.search
         FROM (SELECT ids.id, latest.said_on AS last_statement_on, latest.said_on_certainty AS certainty,
                      latest.said_on_basis AS basis,
                      (SELECT strip(tsvector_agg(st.search)) FROM statement_proposals sp JOIN statements st ON st.id = sp.statement_id
                        WHERE sp.proposal_id = ids.id AND st.retracted_at IS NULL) AS search
                 FROM unnest($1::uuid[]) AS ids(id)
                 LEFT JOIN LATERAL (
                   -- The latest standing statement; of several that day, a stated one.
                   SELECT st.said_on, st.said_on_certainty, st.said_on_basis
                     FROM statement_proposals sp JOIN statements st ON st.id = sp.statement_id
                    WHERE sp.proposal_id = ids.id AND st.retracted_at IS NULL
                    ORDER BY st.said_on DESC, (st.said_on_certainty = 'stated') DESC LIMIT 1) latest ON true) s
        WHERE p.id = s.id`,
      [ids],
      manager,
    );
  }

  /** Locks proposals for the rest of the transaction, in id order so that writers never deadlock. */
  async lockByIds(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(`SELECT 1 FROM proposals WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  }

  /**
   * Marks proposals changed by a write about them (a statement): a new version and `updated_at`,
   * and their last activity rederived. Lock them first with {@link lockByIds}.
   */
  async touch(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await this.db.prepared(
      `UPDATE proposals SET updated_at = now(), version = version + 1 WHERE id = ANY($1::uuid[])`,
      [ids],
      manager,
    );
    await this.refreshActivity(ids, manager);
  }

  /**
   * What a new standing statement (`statementId`) adds to the (locked) proposals it concerns: a new
   * version, and its date and words folded into their latest statement date, last activity and
   * statements' search vector — what `refreshActivity` would derive from scratch.
   */
  async noteNewStatement(ids: string[], statementId: string, manager: EntityManager): Promise<void> {
    await this.db.prepared(
      `UPDATE proposals p SET updated_at = now(), version = p.version + 1,
              last_statement_on_certainty = CASE WHEN ${LATEST} THEN s.said_on_certainty ELSE p.last_statement_on_certainty END,
              last_statement_on_basis = CASE WHEN ${LATEST} THEN s.said_on_basis ELSE p.last_statement_on_basis END,
              last_statement_on = GREATEST(p.last_statement_on, s.said_on),
              last_activity_on = GREATEST(p.last_activity_on, s.said_on),
              statements_search = strip(COALESCE(p.statements_search, ''::tsvector) || COALESCE(s.search, ''::tsvector))
         FROM statements s
        WHERE s.id = $2 AND p.id = ANY($1::uuid[])`,
      [ids, statementId],
      manager,
    );
  }

  /** The proposal's parts (its children, duplicates left out), by slug: through the parent index alone. */
  children(slug: string): Promise<{ slug: string; title: string }[]> {
    return this.db.prepared(
      `SELECT c.slug, c.title FROM proposals c
        WHERE c.parent_id = (SELECT id FROM proposals WHERE slug = $1) AND c.duplicate_of_id IS NULL
        ORDER BY c.slug COLLATE "C"`,
      [slug],
    );
  }

  async refsBySlugs(slugs: string[], manager: EntityManager = this.db.manager): Promise<Map<string, ProposalRef>> {
    if (slugs.length === 0) return new Map();
    const rows: ProposalRef[] = await manager.query('SELECT id, slug, title FROM proposals WHERE slug = ANY($1)', [
      slugs,
    ]);
    return new Map(rows.map((row) => [row.slug, row]));
  }

  /** Locks the proposals with these slugs in id order (see `lockByIds`); their references by slug. */
  async lockBySlugs(slugs: string[], manager: EntityManager): Promise<Map<string, ProposalRef>> {
    if (slugs.length === 0) return new Map();
    const rows: ProposalRef[] = await this.db.prepared(
      'SELECT id, slug, title FROM proposals WHERE slug = ANY($1) ORDER BY id FOR UPDATE',
      [slugs],
      manager,
    );
    return new Map(rows.map((row) => [row.slug, row]));
  }

  async idsBySlugs(slugs: string[], manager: EntityManager = this.db.manager): Promise<Map<string, string>> {
    if (slugs.length === 0) return new Map();
    const rows: { id: string; slug: string }[] = await manager.query(
      'SELECT id, slug FROM proposals WHERE slug = ANY($1)',
      [slugs],
    );
    return new Map(rows.map((row) => [row.slug, row.id]));
  }

  async replaceRelated(
    proposalId: string,
    related: { relatedId: string; relation: string | null }[],
    manager: EntityManager,
  ): Promise<void> {
    await manager.query('DELETE FROM proposal_relations WHERE proposal_id = $1', [proposalId]);
    if (related.length === 0) return;
    await manager.query(
      `INSERT INTO proposal_relations (proposal_id, related_id, relation)
       SELECT $1, related_id, relation FROM unnest($2::uuid[], $3::text[]) AS x(related_id, relation)`,
      [proposalId, related.map((r) => r.relatedId), related.map((r) => r.relation)],
    );
  }
}
