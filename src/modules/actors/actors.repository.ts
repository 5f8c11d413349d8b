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
  mergedFrom: MergedActor[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** An actor merged into this one: its slug resolves here. */
export interface MergedActor {
  slug: string;
  name: string;
  reason: string;
  mergedAt: string;
  mergedBy: { id: string; name: string };
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
           WHERE am.organization_id = a.id), '[]') AS members,
         COALESCE((SELECT json_agg(json_build_object('slug', g.slug, 'name', m.name, 'reason', g.reason,
                                                     'mergedAt', to_char(g.merged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'mergedBy', json_build_object('id', u.id, 'name', u.name))
                                   ORDER BY g.merged_at)
            FROM actor_merges g JOIN actors m ON m.id = g.actor_id JOIN users u ON u.id = g.merged_by
           WHERE g.into_id = a.id), '[]') AS "mergedFrom"
    FROM actors a`;

/** The id an actor's slug resolves to: its own, or that of the actor it was merged into. */
const RESOLVED = `(SELECT COALESCE(s.merged_into_id, s.id) FROM actors s WHERE s.slug = $1)`;

@Injectable()
export class ActorsRepository {
  constructor(private readonly db: Db) {}

  /** The actor a slug names, or the one it was merged into; `lock` takes its row for update. */
  async findBySlug(slug: string, manager: EntityManager = this.db.manager, lock = false): Promise<ActorRow | null> {
    if (lock) await manager.query(`SELECT 1 FROM actors WHERE id = ${RESOLVED} FOR UPDATE`, [slug]);
    const rows: ActorRow[] = await manager.query(`${SELECT} WHERE a.id = ${RESOLVED}`, [slug]);
    return rows[0] ?? null;
  }

  /**
   * The actors these slugs name, as references show them, with their ids, by the slug asked for:
   * a slug merged away resolves to the actor it was merged into; missing slugs are absent.
   */
  async refsBySlugs(slugs: string[], manager: EntityManager = this.db.manager): Promise<Map<string, ResolvedActor>> {
    if (slugs.length === 0) return new Map();
    const rows: (ResolvedActor & { asked: string })[] = await this.db.prepared(
      `SELECT s.slug AS asked, a.id, a.slug, a.name, a.kind
         FROM actors s JOIN actors a ON a.id = COALESCE(s.merged_into_id, s.id)
        WHERE s.slug = ANY($1)`,
      [slugs],
      manager,
    );
    return new Map(rows.map(({ asked, ...actor }) => [asked, actor]));
  }

  /**
   * Actors, not merged away, whose name, short name or an alias is one of `names` once case,
   * accents and punctuation are set aside (`ppt_match_key`): the likely duplicates of a new one.
   */
  async likelyDuplicates(names: string[], manager: EntityManager): Promise<ActorRefDto[]> {
    return manager.query(
      `SELECT slug, name, kind FROM actors
        WHERE merged_into_id IS NULL AND match_keys && ppt_match_keys($1::text[])
        ORDER BY slug COLLATE "C" LIMIT 5`,
      [names],
    );
  }

  /**
   * Merges actor `from` into `into` where the actors module keeps references: organizations'
   * members (each pair once, never an organization its own member), persons' countries, and
   * actors merged into `from` before. How many of each moved.
   */
  async moveOwnReferences(from: string, into: string, manager: EntityManager): Promise<Record<string, number>> {
    const count = async (sql: string): Promise<number> => {
      const rows: unknown[] = await returning(manager, sql, [from, into]);
      return rows.length;
    };
    await manager.query(
      `DELETE FROM actor_members o USING actor_members t
        WHERE (o.organization_id = $1 AND t.organization_id = $2 AND t.member_id = o.member_id)
           OR (o.member_id = $1 AND t.member_id = $2 AND t.organization_id = o.organization_id)
           OR (o.organization_id = $1 AND o.member_id = $2) OR (o.member_id = $1 AND o.organization_id = $2)`,
      [from, into],
    );
    const members =
      (await count(`UPDATE actor_members SET organization_id = $2 WHERE organization_id = $1 RETURNING 1`)) +
      (await count(`UPDATE actor_members SET member_id = $2 WHERE member_id = $1 RETURNING 1`));
    const countries = await count(`UPDATE actors SET country_id = $2 WHERE country_id = $1 RETURNING 1`);
    const merged = await count(`UPDATE actors SET merged_into_id = $2 WHERE merged_into_id = $1 RETURNING 1`);
    await manager.query(`UPDATE actor_merges SET into_id = $2 WHERE into_id = $1`, [from, into]);
    return { members, countries, merged };
  }

  /** Marks `from` as merged into `into`, adds its names to `into`'s aliases, and records the merge. */
  async recordMerge(
    merge: { from: string; into: string; slug: string; reason: string; moved: Record<string, number>; by: string },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE actors t
          SET aliases = ARRAY(SELECT DISTINCT ON (ppt_match_key(n)) n
                                FROM unnest(t.aliases || ARRAY[f.name, f.short_name] || f.aliases) WITH ORDINALITY AS x(n, i)
                               WHERE n IS NOT NULL AND ppt_match_key(n) IS NOT NULL
                                 AND ppt_match_key(n) IS DISTINCT FROM ppt_match_key(t.name)
                                 AND ppt_match_key(n) IS DISTINCT FROM ppt_match_key(t.short_name)
                               ORDER BY ppt_match_key(n), i),
              version = t.version + 1
         FROM actors f WHERE f.id = $1 AND t.id = $2`,
      [merge.from, merge.into],
    );
    await manager.query(`UPDATE actors SET merged_into_id = $2, version = version + 1 WHERE id = $1`, [
      merge.from,
      merge.into,
    ]);
    await manager.query(
      `INSERT INTO actor_merges (actor_id, into_id, slug, reason, moved, merged_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [merge.from, merge.into, merge.slug, merge.reason, JSON.stringify(merge.moved), merge.by],
    );
  }

  async list(
    filters: { kind?: ActorKind; q?: string },
    limit: number,
    afterSlug: string | undefined,
  ): Promise<ActorRow[]> {
    const where: string[] = ['a.merged_into_id IS NULL'];
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
    const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY a.slug COLLATE "C" LIMIT $${params.length}`;
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
    mergedFrom: row.mergedFrom,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
