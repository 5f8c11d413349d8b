import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { DomainError, invalid, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { insertWithSlug } from '../../common/slugs/slug-allocation.js';
import { type ActorRow, ActorsRepository, toActorDto } from './actors.repository.js';
import type { ActorDto, CreateActorDto, ListActorsQueryDto, ResolvedActor, UpdateActorDto } from './dto/actors.dto.js';
import type { ActorKind } from './entities/actor.entity.js';
import type { RequestContext } from '../../common/context/request-context.js';

@Injectable()
export class ActorsService {
  constructor(
    private readonly actors: ActorsRepository,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  async get(slug: string): Promise<ActorRow> {
    const actor = await this.actors.findBySlug(slug);
    if (!actor) throw notFound('actor', slug);
    return actor;
  }

  /**
   * The actors these slugs name, as another module's write refers to them (id, slug, name, kind),
   * in the caller's transaction; a slug no actor has is absent from the map.
   */
  resolve(slugs: string[], manager?: EntityManager): Promise<Map<string, ResolvedActor>> {
    return this.actors.refsBySlugs(slugs, manager);
  }

  async list(query: ListActorsQueryDto): Promise<Page<ActorDto>> {
    const filters = { resource: 'actors', kind: query.kind, q: query.q };
    const after = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, filters)[0]);
    const rows = await this.actors.list({ kind: query.kind, q: query.q }, query.limit, after);
    return toPage(rows, query.limit, filters, (row) => [row.slug], toActorDto);
  }

  async create(input: CreateActorDto, context: RequestContext): Promise<ActorRow> {
    if (input.kind !== 'organization' && input.members !== undefined && input.members.length > 0) {
      throw invalid('members', 'is only for organizations');
    }
    return this.db.transaction(async (manager) => {
      const countryId = await this.resolveCountry(input.country, manager);
      const memberIds = await this.resolveMembers(input.members ?? [], manager);
      const fields = {
        kind: input.kind,
        name: input.name,
        shortName: input.shortName,
        aliases: input.aliases,
        description: input.description,
        title: input.title,
        countryId,
      };
      const { slug, row: id } = await insertWithSlug(manager, 'actors', 'actor', input.slug, input.name, (candidate) =>
        this.actors.insert({ ...fields, slug: candidate }, manager),
      );
      if (memberIds.length > 0) await this.actors.replaceMembers(id, memberIds, manager);
      const created = (await this.actors.findBySlug(slug, manager)) as ActorRow;
      await this.audit.record(context, {
        action: 'create',
        entityType: 'actor',
        entityId: slug,
        before: null,
        after: toActorDto(created),
      });
      return created;
    });
  }

  async update(slug: string, version: number, input: UpdateActorDto, context: RequestContext): Promise<ActorRow> {
    return this.db.transaction(async (manager) => {
      const current = await this.actors.findBySlug(slug, manager);
      if (!current) throw notFound('actor', slug);
      if (current.kind !== 'organization' && input.members !== undefined && input.members.length > 0) {
        throw invalid('members', 'is only for organizations');
      }
      const countryId =
        input.country === undefined ? undefined : await this.resolveCountry(input.country ?? undefined, manager);
      const memberIds = input.members === undefined ? undefined : await this.resolveMembers(input.members, manager);
      const id = await this.actors.update(
        slug,
        version,
        {
          name: input.name,
          shortName: input.shortName,
          aliases: input.aliases,
          description: input.description,
          title: input.title,
          countryId,
        },
        manager,
      );
      if (id === null) throw staleVersion('the actor', current.version);
      if (memberIds !== undefined) await this.actors.replaceMembers(id, memberIds, manager);
      const updated = (await this.actors.findBySlug(slug, manager)) as ActorRow;
      await this.audit.recordEdit(context, 'actor', slug, { ...toActorDto(current) }, { ...toActorDto(updated) });
      return updated;
    });
  }

  private async resolveCountry(slug: string | undefined | null, manager: EntityManager): Promise<string | null> {
    if (slug === undefined || slug === null) return null;
    const found = (await this.actors.refsBySlugs([slug], manager)).get(slug);
    if (!found) throw unknownReference('country', 'actor', slug);
    if (found.kind !== ('state' satisfies ActorKind)) {
      throw new DomainError(
        'unprocessable',
        `country must name a state actor; "${slug}" is ${found.kind === 'organization' ? 'an' : 'a'} ${found.kind}`,
        [{ field: 'country', message: `"${slug}" is not a state` }],
      );
    }
    return found.id;
  }

  private async resolveMembers(slugs: string[], manager: EntityManager): Promise<string[]> {
    const found = await this.actors.refsBySlugs(slugs, manager);
    return slugs.map((slug, index) => {
      const member = found.get(slug);
      if (!member) throw unknownReference(`members[${index}]`, 'actor', slug);
      return member.id;
    });
  }
}
