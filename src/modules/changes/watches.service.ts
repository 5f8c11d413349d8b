import { Injectable } from '@nestjs/common';
import { DomainError, invalid, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { ActorsService } from '../actors/actors.service.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import type { CreateWatchDto, WatchDto } from './dto/watches.dto.js';
import type { WatchTarget } from './entities/watch.entity.js';
import { WatchesRepository } from './watches.repository.js';

/** What a user watches, as the change feed's filter takes it. */
export interface Watched {
  proposals: string[];
  actors: string[];
  tags: string[];
  forums: string[];
}

@Injectable()
export class WatchesService {
  constructor(
    private readonly watches: WatchesRepository,
    private readonly proposals: ProposalsService,
    private readonly actors: ActorsService,
  ) {}

  /** Watches one target; watching it again answers the same watch. */
  async create(userId: string, input: CreateWatchDto): Promise<{ watch: WatchDto; created: boolean }> {
    const given = (['proposal', 'actor', 'tag', 'forum'] as const).filter((key) => input[key] !== undefined);
    if (given.length !== 1) {
      throw invalid(given[1] ?? 'proposal', 'a watch names one target: a proposal, an actor, a tag or a forum');
    }
    const type: WatchTarget = given[0];
    let target = input[type] as string;
    if (type === 'proposal' && (await this.proposals.idBySlug(target)) === null) {
      throw unknownReference('proposal', 'proposal', target);
    }
    if (type === 'actor' || type === 'forum') {
      const actor = (await this.actors.resolve([target])).get(target);
      if (actor === undefined) throw unknownReference(type, 'actor', target);
      if (type === 'forum' && actor.kind !== 'organization') {
        throw new DomainError('unprocessable', `forum must name an organization; "${target}" is not one`, [
          { field: 'forum', message: `"${target}" is not an organization` },
        ]);
      }
      // A slug merged away watches the actor it resolves to.
      target = actor.slug;
    }
    if (type === 'tag') target = target.trim();
    return this.watches.insert(userId, type, target);
  }

  list(userId: string): Promise<WatchDto[]> {
    return this.watches.list(userId);
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.watches.delete(userId, id))) throw notFound('watch', id);
  }

  async watched(userId: string): Promise<Watched> {
    const watches = await this.watches.list(userId);
    const of = (type: WatchTarget) => watches.filter((watch) => watch.targetType === type).map((watch) => watch.target);
    return { proposals: of('proposal'), actors: of('actor'), tags: of('tag'), forums: of('forum') };
  }
}
