import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { likePattern } from '../../common/database/like-pattern.js';
import type { ActorRefDto } from '../actors/dto/actors.dto.js';
import type { EventDto, EventRefDto } from './dto/events.dto.js';
import type { EventKind } from './entities/event.entity.js';
import { sqlParams } from '../../common/database/sql-params.js';

export interface EventRow extends Omit<EventDto, 'createdAt' | 'updatedAt'> {
  id: string;
  organizers: ActorRefDto[];
  createdAt: Date;
  updatedAt: Date;
}

export interface EventFilters {
  kind?: EventKind;
  /** Events starting on or after this full date. */
  fromDay?: string;
  /** Events starting on or before this full date. */
  toDay?: string;
  q?: string;
  organizer?: string;
}

const SELECT = `
  SELECT e.id, e.slug, e.name, e.kind, e.starts_on AS "startsOn", e.ends_on AS "endsOn", e.location, e.description,
         e.created_at AS "createdAt", e.updated_at AS "updatedAt", e.version,
         COALESCE((SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind) ORDER BY a.slug)
                     FROM event_organizers eo JOIN actors a ON a.id = eo.actor_id
                    WHERE eo.event_id = e.id), '[]') AS organizers
    FROM events e`;

@Injectable()
export class EventsRepository {
  constructor(private readonly db: Db) {}

  async findBySlug(slug: string, manager: EntityManager = this.db.manager): Promise<EventRow | null> {
    const rows: EventRow[] = await manager.query(`${SELECT} WHERE e.slug = $1`, [slug]);
    return rows[0] ?? null;
  }

  async idBySlug(slug: string, manager: EntityManager = this.db.manager): Promise<string | null> {
    return (await this.refBySlug(slug, manager))?.id ?? null;
  }

  /** The event as another record refers to it (`EventRefDto`), with its id; null when there is none. */
  async refBySlug(
    slug: string,
    manager: EntityManager = this.db.manager,
  ): Promise<(EventRefDto & { id: string }) | null> {
    const rows: (EventRefDto & { id: string })[] = await this.db.prepared(
      'SELECT id, slug, name, kind, starts_on AS "startsOn" FROM events WHERE slug = $1',
      [slug],
      manager,
    );
    return rows[0] ?? null;
  }

  /** Most recent first: by first day of `startsOn`, then precision, then id. */
  async list(filters: EventFilters, limit: number, after: [string, string] | undefined): Promise<EventRow[]> {
    const where: string[] = [];
    const { params, param } = sqlParams();
    if (filters.kind !== undefined) where.push(`e.kind = ${param(filters.kind)}`);
    if (filters.fromDay !== undefined) where.push(`partial_date_start(e.starts_on) >= ${param(filters.fromDay)}::date`);
    if (filters.toDay !== undefined) where.push(`partial_date_start(e.starts_on) <= ${param(filters.toDay)}::date`);
    if (filters.q !== undefined) {
      const pattern = param(likePattern(filters.q));
      where.push(`(e.name ILIKE ${pattern} OR e.location ILIKE ${pattern})`);
    }
    if (filters.organizer !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM event_organizers eo JOIN actors a ON a.id = eo.actor_id
                           WHERE eo.event_id = e.id AND a.slug = ${param(filters.organizer)})`);
    }
    if (after !== undefined) {
      where.push(`(e.starts_on, e.id) < (${param(after[0])}::partial_date, ${param(after[1])}::uuid)`);
    }
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.starts_on DESC, e.id DESC LIMIT ${param(limit + 1)}`;
    return this.db.manager.query(sql, params);
  }

  /** Inserts an event; null when the slug is taken. */
  async insert(
    event: {
      slug: string;
      name: string;
      kind: EventKind;
      startsOn: string;
      endsOn: string | null;
      location: string | null;
      description: string | null;
    },
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO events (slug, name, kind, starts_on, ends_on, location, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ON CONSTRAINT uq_events_slug DO NOTHING RETURNING id`,
      [event.slug, event.name, event.kind, event.startsOn, event.endsOn, event.location, event.description],
    );
    return rows[0]?.id ?? null;
  }

  async addOrganizers(eventId: string, actorIds: string[], manager: EntityManager): Promise<void> {
    if (actorIds.length === 0) return;
    await manager.query(
      `INSERT INTO event_organizers (event_id, actor_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [eventId, actorIds],
    );
  }
}

export function toEventDto(row: EventRow): EventDto {
  const { id: _id, createdAt, updatedAt, ...rest } = row;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}
