import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import { firstDay, isPartialDate, lastDay } from '../../common/dates/partial-date.js';
import { toWorldDate, worldDateOf } from '../../common/dates/world-date.js';
import { invalid, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { isUuid } from '../../common/http/uuid.pipe.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { insertWithSlug } from '../../common/slugs/slug-allocation.js';
import { ActorsService } from '../actors/actors.service.js';
import type { EntityManager } from 'typeorm';
import type { CreateEventDto, EventDto, EventRefDto, ListEventsQueryDto } from './dto/events.dto.js';
import { type EventRow, EventsRepository, toEventDto } from './events.repository.js';
import type { RequestContext } from '../../common/context/request-context.js';

@Injectable()
export class EventsService implements OnModuleInit {
  constructor(
    private readonly events: EventsRepository,
    private readonly audit: AuditService,
    private readonly actors: ActorsService,
    private readonly db: Db,
  ) {}

  /** Organizers move with an actor merged into another. */
  onModuleInit(): void {
    this.actors.registerReferenceHolder({
      moveActorReferences: async (from, into, manager) => ({
        organizers: await this.events.moveOrganizer(from, into, manager),
      }),
    });
  }

  async get(slug: string): Promise<EventRow> {
    const event = await this.events.findBySlug(slug);
    if (!event) throw notFound('event', slug);
    return event;
  }

  /** The event with this slug as another record refers to it, with its id; null when there is none. */
  refBySlug(slug: string, manager?: EntityManager): Promise<(EventRefDto & { id: string }) | null> {
    return this.events.refBySlug(slug, manager);
  }

  async list(query: ListEventsQueryDto): Promise<Page<EventDto>> {
    const bound = {
      resource: 'events',
      kind: query.kind,
      from: query.from,
      to: query.to,
      q: query.q,
      organizer: query.organizer,
    };
    let after: [string, string] | undefined;
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, bound);
      if (key.length !== 2 || !isPartialDate(key[0]) || typeof key[1] !== 'string' || !isUuid(key[1])) {
        throw invalid('cursor', 'is not a cursor this API issued');
      }
      after = [key[0], key[1]];
    }
    const rows = await this.events.list(
      {
        kind: query.kind,
        fromDay: query.from === undefined ? undefined : firstDay(query.from),
        toDay: query.to === undefined ? undefined : lastDay(query.to),
        q: query.q,
        organizer: query.organizer,
      },
      query.limit,
      after,
    );
    return toPage(rows, query.limit, bound, (row) => [row.startsOn, row.id], toEventDto);
  }

  async create(input: CreateEventDto, context: RequestContext): Promise<EventRow> {
    const startsOn = toWorldDate(input.startsOn);
    const endsOn = worldDateOf(input.endsOn) ?? null;
    if (endsOn !== null && firstDay(endsOn.value) < firstDay(startsOn.value)) {
      throw invalid('endsOn', `must not be before startsOn (${startsOn.value})`);
    }
    return this.db.transaction(async (manager) => {
      const organizers = input.organizers ?? [];
      const found = await this.actors.resolve(organizers, manager);
      const organizerIds = organizers.map((slug, index) => {
        const actor = found.get(slug);
        if (!actor) throw unknownReference(`organizers[${index}]`, 'actor', slug);
        return actor.id;
      });
      const { slug, row: id } = await insertWithSlug(manager, 'events', 'event', input.slug, input.name, (candidate) =>
        this.events.insert(
          {
            slug: candidate,
            name: input.name,
            kind: input.kind,
            startsOn,
            endsOn,
            location: input.location ?? null,
            description: input.description ?? null,
          },
          manager,
        ),
      );
      await this.events.addOrganizers(id, organizerIds, manager);
      const created = (await this.events.findBySlug(slug, manager)) as EventRow;
      await this.audit.record(context, {
        action: 'create',
        entityType: 'event',
        entityId: slug,
        before: null,
        after: toEventDto(created),
        change: {
          type: 'event.created',
          summary: `New ${created.kind}: ${created.name} (${created.startsOn}${created.location ? `, ${created.location}` : ''})`,
          data: toEventDto(created),
          subject: { type: 'event', id: created.id, slug },
          actorSlugs: created.organizers.map((organizer) => organizer.slug),
        },
      });
      return created;
    });
  }
}
