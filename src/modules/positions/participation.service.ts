import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import type { RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { toWorldDate } from '../../common/dates/world-date.js';
import { DomainError, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { ActorsService } from '../actors/actors.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { SourcesService } from '../sources/sources.service.js';
import type { CreateParticipationDto, ParticipationDto, RetractParticipationDto } from './dto/participation.dto.js';
import { ParticipationRepository } from './participation.repository.js';

/** "Russia endorsed Eurasian Charter… (2024-10-31)". */
function summaryOf(act: ParticipationDto, title: string): string {
  return `${act.actor.name} ${act.action === 'observer' || act.action === 'partner' ? `became ${act.action} of` : act.action} ${title} (${act.occurredOn})`;
}

/**
 * Records actors' formal acts toward proposals: append-only, each citing at least one source;
 * an editor's retraction keeps the act, flagged.
 */
@Injectable()
export class ParticipationService implements OnModuleInit {
  constructor(
    private readonly participation: ParticipationRepository,
    private readonly proposals: ProposalsService,
    private readonly actors: ActorsService,
    private readonly sources: SourcesService,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  /** Acts move with an actor merged into another. */
  onModuleInit(): void {
    this.actors.registerReferenceHolder({
      moveActorReferences: async (from, into, manager) => ({
        participation: (await this.participation.moveActor(from, into, manager)).moved,
      }),
    });
  }

  async history(slug: string): Promise<ParticipationDto[]> {
    const id = await this.proposals.idBySlug(slug);
    if (id === null) throw notFound('proposal', slug);
    return this.participation.history(id);
  }

  async record(
    slug: string,
    input: CreateParticipationDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<ParticipationDto> {
    return this.db.transaction(async (manager) => {
      const proposal = (await this.proposals.refsBySlugs([slug], manager)).get(slug);
      if (proposal === undefined) throw notFound('proposal', slug);
      const actor = (await this.actors.resolve([input.actor], manager)).get(input.actor);
      if (actor === undefined) throw unknownReference('actor', 'actor', input.actor);
      const sources = await this.sources.findOrCreate(input.sources, manager);
      const id = await this.participation.insert(
        {
          proposalId: proposal.id,
          actorId: actor.id,
          action: input.action,
          occurredOn: toWorldDate(input.occurredOn),
          note: input.note ?? null,
          recordedBy: user.id,
          sourceIds: sources.map((source) => source.id),
        },
        manager,
      );
      const recorded = (await this.participation.findById(proposal.id, id, manager)) as ParticipationDto;
      await this.audit.record(context, {
        action: 'create',
        entityType: 'participation',
        entityId: id,
        before: null,
        after: recorded,
        change: {
          type: 'participation.recorded',
          summary: summaryOf(recorded, proposal.title),
          data: recorded,
          subject: { type: 'participation', id },
          proposalIds: [proposal.id],
          actorSlugs: [recorded.actor.slug],
        },
      });
      return recorded;
    });
  }

  async retract(
    slug: string,
    id: string,
    input: RetractParticipationDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<ParticipationDto> {
    return this.db.transaction(async (manager) => {
      const proposal = (await this.proposals.refsBySlugs([slug], manager)).get(slug);
      if (proposal === undefined) throw notFound('proposal', slug);
      const current = await this.participation.lock(proposal.id, id, manager);
      if (current === null) throw notFound('participation act', id);
      if (current.retracted) throw new DomainError('retraction_refused', 'this participation act is already retracted');
      await this.participation.retract(id, user.id, input.reason, manager);
      const retracted = (await this.participation.findById(proposal.id, id, manager)) as ParticipationDto;
      await this.audit.record(context, {
        action: 'retract',
        entityType: 'participation',
        entityId: id,
        before: { retracted: false },
        after: { retracted: true, reason: input.reason },
        change: {
          type: 'participation.retracted',
          summary: `Retracted (${input.reason}): ${summaryOf(retracted, proposal.title)}`,
          data: retracted,
          subject: { type: 'participation', id },
          proposalIds: [proposal.id],
          actorSlugs: [retracted.actor.slug],
        },
      });
      return retracted;
    });
  }
}
