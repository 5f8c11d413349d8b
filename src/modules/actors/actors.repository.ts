import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { returning } from '../../common/database/returning.js';
import type { ActorKind } from './entities/actor.entity.js';
import type { ActorDto, ActorRefDto, ResolvedActor } from './dto/actors.dto.js';
import { editSets, sqlParams } from '../../common/database/sql-params.js';
import { likePattern } from '../../common/database/like-pattern.js';

export interface ActorRow {
  id: string;
  slug: string;
  kind: ActorKind;
  name: string;
  shortName: string | null;
  aliases: string[];
  description: string | null;
  title: string | null;
  country: ActorRefDto | null;
  members: ActorRefDto[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface ActorWrite {
  slug?: string;
  kind?: ActorKind;
  name?: string;
  shortName?: string | null;
  aliases?: string[];
  description?: string | null;
  title?: string | null;
  countryId?: string | null;
}

const SELECT = `
  SELECT a.id, a.slug, a.kind, a.name, a.short_name AS "shortName", a.aliases, a.description, a.title,
         a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version,
         (SELECT json_build_object('slug', c.slug, 'name', c.name, 'kind', c.kind)
            FROM actors c WHERE c.id = a.country_id) AS country,
         COALESCE((SELECT json_agg(json_build_object('slug', m.slug, 'name', m.name, 'kind', m.kind) ORDER BY m.slug)
            FROM actor_members am JOIN actors m ON m.id = am.member_id
           WHERE am.organization_id = a.id), '[]') AS members
    FROM actors a`;

@Injectable()
export class ActorsRepository {
  constructor(private readonly db: Db) {}

  async findBySlug(slug: string, manager: EntityManager = this.db.manager): Promise<ActorRow | null> {
    const rows: ActorRow[] = await manager.query(`${SELECT} WHERE a.slug = $1`, [slug]);
    return rows[0] ?? null;
  }

  /** The actors with these slugs, as references show them, with their ids; missing slugs are absent from the map. */
  async refsBySlugs(slugs: string[], manager: EntityManager = this.db.manager): Promise<Map<string, ResolvedActor>> {
    if (slugs.length === 0) return new Map();
    const rows: ResolvedActor[] = await this.db.prepared(
      'SELECT id, slug, name, kind FROM actors WHERE slug = ANY($1)',
      [slugs],
      manager,
    );
    return new Map(rows.map((row) => [row.slug, row]));
  }

  async list(
    filters: { kind?: ActorKind; q?: string },
    limit: number,
    afterSlug: string | undefined,
  ): Promise<ActorRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filters.kind !== undefined) {
      params.push(filters.kind);
      where.push(`a.kind = $${params.length}`);
    }
    if (filters.q !== undefined) {
      params.push(likePattern(filters.q));
      const p = `$${params.length}`;
      where.push(
        `(a.name ILIKE ${p} OR a.short_name ILIKE ${p} OR EXISTS (SELECT 1 FROM unnest(a.aliases) alias WHERE alias ILIKE ${p}))`,
      );
    }
    if (afterSlug !== undefined) {
      params.push(afterSlug);
      where.push(`a.slug COLLATE "C" > $${params.length}`);
    }
    params.push(limit + 1);
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY a.slug COLLATE "C" LIMIT $${params.length}`;
    return this.db.manager.query(sql, params);
  }

  /** Inserts an actor; null when the slug is taken. */
  async insert(
    actor: Required<Pick<ActorWrite, 'slug' | 'kind' | 'name'>> & ActorWrite,
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO actors (slug, kind, name, short_name, aliases, description, title, country_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT uq_actors_slug DO NOTHING RETURNING id`,
      [
        actor.slug,
        actor.kind,
        actor.name,
        actor.shortName ?? null,
        actor.aliases ?? [],
        actor.description ?? null,
        actor.title ?? null,
        actor.countryId ?? null,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Applies the changes if `version` is still current. Fields left undefined keep their value;
   * returns the actor id, or null when the version is stale.
   */
  async update(slug: string, version: number, changes: ActorWrite, manager: EntityManager): Promise<string | null> {
    const columns: Record<string, unknown> = {
      name: changes.name,
      short_name: changes.shortName,
      aliases: changes.aliases,
      description: changes.description,
      title: changes.title,
      country_id: changes.countryId,
    };
    const { params, param } = sqlParams([slug, version]);
    const sets = editSets(columns, param);
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE actors SET ${sets} WHERE slug = $1 AND version = $2 RETURNING id`,
      params,
    );
    return rows[0]?.id ?? null;
  }

  async replaceMembers(organizationId: string, memberIds: string[], manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM actor_members WHERE organization_id = $1', [organizationId]);
    if (memberIds.length === 0) return;
    await manager.query(
      `INSERT INTO actor_members (organization_id, member_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [organizationId, memberIds],
    );
  }
}

export function toActorDto(row: ActorRow): ActorDto {
  return {
    slug: row.slug,
    kind: row.kind,
    name: row.name,
    shortName: row.shortName,
    aliases: row.aliases,
    description: row.description,
    title: row.title,
    country: row.country,
    members: row.members,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
