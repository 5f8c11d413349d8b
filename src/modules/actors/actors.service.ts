import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import { DomainError, invalid, likelyDuplicate, notFound, unknownReference } from '../../common/errors/domain-error.js';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { withArticle } from '../../common/i18n/wording.js';
import { staleVersion } from '../../common/http/conditional.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { insertWithSlug } from '../../common/slugs/slug-allocation.js';
import { type ActorRow, ActorsRepository, toActorDto } from './actors.repository.js';
import type {
  ActorDto,
  CreateActorDto,
  ListActorsQueryDto,
  MergeActorDto,
  ResolvedActor,
  UpdateActorDto,
} from './dto/actors.dto.js';
import type { ActorKind } from './entities/actor.entity.js';
import type { RequestContext } from '../../common/context/request-context.js';

/**
 * A module that keeps references to actors (proposals' proposers and forums, events' organizers,
 * statements' speakers) and moves them when an actor is merged into another. Each registers
 * itself, so that the actors module need not know, or reach into, any of them.
 */
export interface ActorReferenceHolder {
  /** Moves every reference to actor `from` onto `into`, in the caller's transaction; how many of each moved. */
  moveActorReferences(from: string, into: string, manager: EntityManager): Promise<Record<string, number>>;
}

@Injectable()
export class ActorsService {
  private readonly holders: ActorReferenceHolder[] = [];

  constructor(
    private readonly actors: ActorsRepository,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  /** Called by each module that refers to actors, as it starts (see {@link ActorReferenceHolder}). */
  registerReferenceHolder(holder: ActorReferenceHolder): void {
    this.holders.push(holder);
  }

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
      if (input.confirmNew !== true) {
        const names = [input.name, input.shortName, ...(input.aliases ?? [])].filter(
          (name): name is string => typeof name === 'string',
        );
        const existing = await this.actors.likelyDuplicates(names, manager);
        if (existing.length > 0) throw likelyDuplicate('actor', 'name', existing);
      }
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
        change: {
          type: 'actor.created',
          summary: `New ${created.kind}: ${created.name}`,
          data: toActorDto(created),
          subject: { type: 'actor', id: created.id, slug },
          actorSlugs: [slug],
        },
      });
      return created;
    });
  }

  async update(slug: string, version: number, input: UpdateActorDto, context: RequestContext): Promise<ActorRow> {
    return this.db.transaction(async (manager) => {
      const current = await this.actors.findBySlug(slug, manager);
      if (!current) throw notFound('actor', slug);
      // A slug merged away edits the actor it resolves to.
      slug = current.slug;
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
      await this.audit.recordEdit(
        context,
        'actor',
        slug,
        { ...toActorDto(current) },
        { ...toActorDto(updated) },
        (changed) => ({
          type: 'actor.updated',
          summary: `${updated.name}: ${changed.join(', ')} edited`,
          data: toActorDto(updated),
          subject: { type: 'actor', id: updated.id, slug },
          actorSlugs: [slug],
        }),
      );
      return updated;
    });
  }

  /**
   * Merges a duplicate actor into the one it repeats: every reference to it (proposers, forums,
   * organizers, speakers, members, countries) moves to `into`, its names join `into`'s aliases,
   * and its slug goes on resolving to `into`. Kept in `mergedFrom` and the audit log.
   */
  async merge(slug: string, input: MergeActorDto, user: AuthenticatedUser, context: RequestContext): Promise<ActorRow> {
    return this.db.transaction(async (manager) => {
      const from = await this.actors.findBySlug(slug, manager, true);
      if (!from) throw notFound('actor', slug);
      if (from.slug !== slug) {
        throw new DomainError('conflict', `actor "${slug}" was already merged into "${from.slug}"`);
      }
      const into = await this.actors.findBySlug(input.into, manager, true);
      if (!into) throw unknownReference('into', 'actor', input.into);
      if (into.id === from.id) throw invalid('into', 'must name another actor');
      if (into.kind !== from.kind) {
        throw new DomainError(
          'conflict',
          `"${from.slug}" is ${withArticle(from.kind)} and "${into.slug}" ${withArticle(into.kind)}: only actors of one kind are merged`,
        );
      }
      const moved: Record<string, number> = await this.actors.moveOwnReferences(from.id, into.id, manager);
      for (const holder of this.holders)
        Object.assign(moved, await holder.moveActorReferences(from.id, into.id, manager));
      await this.actors.recordMerge(
        { from: from.id, into: into.id, slug: from.slug, reason: input.reason, moved, by: user.id },
        manager,
      );
      const merged = (await this.actors.findBySlug(into.slug, manager)) as ActorRow;
      await this.audit.record(context, {
        action: 'merge',
        entityType: 'actor',
        entityId: from.slug,
        before: toActorDto(from),
        after: { mergedInto: into.slug, reason: input.reason, moved, aliases: merged.aliases },
        change: {
          type: 'actor.merged',
          summary: `${from.name} merged into ${into.name} (${input.reason})`,
          data: toActorDto(merged),
          subject: { type: 'actor', id: into.id, slug: into.slug },
          actorSlugs: [from.slug, into.slug],
        },
      });
      return merged;
    });
  }

  private async resolveCountry(slug: string | undefined | null, manager: EntityManager): Promise<string | null> {
    if (slug === undefined || slug === null) return null;
    const found = (await this.actors.refsBySlugs([slug], manager)).get(slug);
    if (!found) throw unknownReference('country', 'actor', slug);
    if (found.kind !== ('state' satisfies ActorKind)) {
      throw new DomainError(
        'unprocessable',
        `country must name a state actor; "${slug}" is ${withArticle(found.kind)}`,
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
