import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { returning } from '../../common/database/returning.js';
import type { ActorRefDto } from '../actors/dto/actors.dto.js';
import type { SourceDto } from '../sources/dto/source.dto.js';
import type { ProposalDto, ProposalRefDto, ProposerDto } from './dto/proposals.dto.js';
import type { ProposerRole } from './entities/proposal-actor.entity.js';
import type { Status } from './workflow/statuses.js';

export interface ProposalRow {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  proposedOn: string;
  proposers: ProposerDto[];
  forums: ActorRefDto[];
  tags: string[];
  parent: ProposalRefDto | null;
  supersededBy: ProposalRefDto | null;
  status: Status;
  statusSince: string;
  furthestStatus: Status;
  lastActivityOn: string;
  sources: SourceDto[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The columns the workflow needs, read under a row lock. */
export interface ProposalState {
  id: string;
  slug: string;
  status: Status;
  statusSince: string;
  furthestStatus: Status;
  lastActivityOn: string;
  version: number;
}

export interface ProposalFilters {
  status?: Status[];
  proposer?: string;
  forum?: string;
  tag?: string;
}

const SELECT = `
  SELECT p.id, p.slug, p.title, p.summary, p.proposed_on AS "proposedOn", p.tags,
         p.status, p.status_since AS "statusSince", p.furthest_status AS "furthestStatus",
         p.last_activity_on AS "lastActivityOn", p.created_at AS "createdAt",
         p.updated_at AS "updatedAt", p.version,
         COALESCE((SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind, 'role', pa.role)
                                   ORDER BY array_position(ARRAY['proposer','co-proposer','backer'], pa.role), a.slug)
                     FROM proposal_actors pa JOIN actors a ON a.id = pa.actor_id
                    WHERE pa.proposal_id = p.id), '[]') AS proposers,
         COALESCE((SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind) ORDER BY a.slug)
                     FROM proposal_forums pf JOIN actors a ON a.id = pf.actor_id
                    WHERE pf.proposal_id = p.id), '[]') AS forums,
         (SELECT json_build_object('slug', pp.slug, 'title', pp.title) FROM proposals pp WHERE pp.id = p.parent_id) AS parent,
         (SELECT json_build_object('slug', sp.slug, 'title', sp.title) FROM proposals sp WHERE sp.id = p.superseded_by_id) AS "supersededBy",
         COALESCE((SELECT json_agg(json_build_object('id', s.id, 'url', s.url, 'publisher', s.publisher,
                                                     'title', s.title, 'publishedOn', s.published_on) ORDER BY s.created_at, s.id)
                     FROM transitions t JOIN transition_sources ts ON ts.transition_id = t.id JOIN sources s ON s.id = ts.source_id
                    WHERE t.proposal_id = p.id AND t.seq = 1), '[]') AS sources
    FROM proposals p`;

@Injectable()
export class ProposalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findBySlug(slug: string, manager: EntityManager = this.dataSource.manager): Promise<ProposalRow | null> {
    const rows: ProposalRow[] = await manager.query(`${SELECT} WHERE p.slug = $1`, [slug]);
    return rows[0] ?? null;
  }

  async idBySlug(slug: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const rows: { id: string }[] = await manager.query('SELECT id FROM proposals WHERE slug = $1', [slug]);
    return rows[0]?.id ?? null;
  }

  /**
   * Locks the proposal row for the rest of the transaction: every change to its status goes
   * through here, so concurrent transitions and retractions of one proposal run one at a time.
   */
  async lockBySlug(slug: string, manager: EntityManager): Promise<ProposalState | null> {
    const rows: ProposalState[] = await manager.query(
      `SELECT id, slug, status, status_since AS "statusSince", furthest_status AS "furthestStatus",
              last_activity_on AS "lastActivityOn", version
         FROM proposals WHERE slug = $1 FOR UPDATE`,
      [slug],
    );
    return rows[0] ?? null;
  }

  async list(filters: ProposalFilters, limit: number, after: [string, string] | undefined): Promise<ProposalRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filters.status !== undefined) where.push(`p.status = ANY(${param(filters.status)})`);
    if (filters.proposer !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM proposal_actors pa JOIN actors a ON a.id = pa.actor_id
                           WHERE pa.proposal_id = p.id AND a.slug = ${param(filters.proposer)})`);
    }
    if (filters.forum !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM proposal_forums pf JOIN actors a ON a.id = pf.actor_id
                           WHERE pf.proposal_id = p.id AND a.slug = ${param(filters.forum)})`);
    }
    if (filters.tag !== undefined) where.push(`p.tags @> ARRAY[${param(filters.tag)}]::text[]`);
    if (after !== undefined) {
      where.push(`(p.last_activity_on, p.id) < (${param(after[0])}::partial_date, ${param(after[1])}::uuid)`);
    }
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY p.last_activity_on DESC, p.id DESC LIMIT ${param(limit + 1)}`;
    return this.dataSource.query(sql, params);
  }

  async insert(
    proposal: {
      slug: string;
      title: string;
      summary?: string;
      proposedOn: string;
      status: Status;
      tags: string[];
      parentId: string | null;
    },
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO proposals (slug, title, summary, proposed_on, status, status_since, furthest_status,
                              last_activity_on, tags, parent_id)
       VALUES ($1, $2, $3, $4, $5, $4, $5, $4, $6, $7)
       ON CONFLICT ON CONSTRAINT uq_proposals_slug DO NOTHING RETURNING id`,
      [
        proposal.slug,
        proposal.title,
        proposal.summary ?? null,
        proposal.proposedOn,
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
    const params: unknown[] = [slug, version];
    const sets = ['updated_at = now()', 'version = version + 1'];
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE proposals SET ${sets.join(', ')} WHERE slug = $1 AND version = $2 RETURNING id`,
      params,
    );
    return rows[0]?.id ?? null;
  }

  /** Writes the status fields derived from the standing history (the row is locked). */
  async setStatus(
    id: string,
    state: {
      status: Status;
      statusSince: string;
      furthestStatus: Status;
      lastActivityOn: string;
      supersededById: string | null;
    },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE proposals SET status = $2, status_since = $3, furthest_status = $4, last_activity_on = $5,
              superseded_by_id = $6, updated_at = now(), version = version + 1
        WHERE id = $1`,
      [id, state.status, state.statusSince, state.furthestStatus, state.lastActivityOn, state.supersededById],
    );
  }
}

export function toProposalDto(row: ProposalRow): ProposalDto {
  const { id: _id, createdAt, updatedAt, ...rest } = row;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}
