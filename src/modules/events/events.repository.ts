import { returning } from '../../common/database/returning.js';
import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { likePattern } from '../../common/database/like-pattern.js';
import type { ActorRefDto } from '../actors/dto/actors.dto.js';
import type { EventDto, EventRefDto } from './dto/events.dto.js';
import type { EventKind } from './entities/event.entity.js';
import { sqlParams } from '../../common/database/sql-params.js';
import { dateColumnsSql } from '../../common/dates/world-date-sql.js';
import type { WorldDate } from '../../common/dates/world-date.js';

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
  SELECT e.id, e.slug, e.name, e.kind, ${dateColumnsSql('e.starts_on', 'startsOn')},
         e.ends_on AS "endsOn", CASE WHEN e.ends_on IS NULL THEN NULL ELSE e.ends_on_certainty END AS "endsOnCertainty",
         e.ends_on_basis AS "endsOnBasis", e.location, e.description,
         e.created_at AS "createdAt", e.updated_at AS "updatedAt", e.version,
         COALESCE((SELECT json_agg(json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind) ORDER BY a.slug)
                     FROM event_organizers eo JOIN actors a ON a.id = eo.actor_id
                    WHERE eo.event_id = e.id), '[]') AS organizers
    FROM events e`;

@Injectable()
export class EventsRepository {
  constructor(private readonly db: Db) {}

  /** Moves actor `from`'s organizer links onto `into` (each event once); how many moved. */
  async moveOrganizer(from: string, into: string, manager: EntityManager): Promise<number> {
    await manager.query(
      `DELETE FROM event_organizers o USING event_organizers t
        WHERE o.actor_id = $1 AND t.actor_id = $2 AND t.event_id = o.event_id`,
      [from, into],
    );
    const moved = await returning(
      manager,
      'UPDATE event_organizers SET actor_id = $2 WHERE actor_id = $1 RETURNING 1',
      [from, into],
    );
    return moved.length;
  }

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
      `SELECT id, slug, name, kind, ${dateColumnsSql('starts_on', 'startsOn')} FROM events WHERE slug = $1`,
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
      startsOn: WorldDate;
      endsOn: WorldDate | null;
      location: string | null;
      description: string | null;
    },
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO events (slug, name, kind, starts_on, starts_on_certainty, starts_on_basis,
                          ends_on, ends_on_certainty, ends_on_basis, location, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT ON CONSTRAINT uq_events_slug DO NOTHING RETURNING id`,
      [
        event.slug,
        event.name,
        event.kind,
        event.startsOn.value,
        event.startsOn.certainty,
        event.startsOn.basis,
        event.endsOn?.value ?? null,
        event.endsOn?.certainty ?? 'stated',
        event.endsOn?.basis ?? null,
        event.location,
        event.description,
      ],
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
