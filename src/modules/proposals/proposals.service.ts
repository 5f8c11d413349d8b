import { listOf, withArticle } from '../../common/i18n/wording.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { DomainError, invalid, likelyDuplicate, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { insertWithSlug } from '../../common/slugs/slug-allocation.js';
import { ActorsService } from '../actors/actors.service.js';
import { SourcesService } from '../sources/sources.service.js';
import type {
  CreateProposalDto,
  ListProposalsQueryDto,
  ProposalDto,
  ProposerInputDto,
  RelatedInputDto,
  UpdateProposalDto,
} from './dto/proposals.dto.js';
import { today } from '../../common/dates/partial-date.js';
import { toWorldDate } from '../../common/dates/world-date.js';
import { MomentumRepository } from './momentum.repository.js';
import { DEFAULT_WINDOW_DAYS } from './workflow/momentum.js';
import { isSortKey, type ProposalSort, SORTS } from './proposal-sorts.js';
import {
  type ProposalFilters,
  type ProposalRef,
  type ProposalRow,
  ProposalsRepository,
} from './proposals.repository.js';
import { TransitionsRepository } from './transitions.repository.js';
import { parseInstant } from '../../common/http/query-values.js';
import type { RequestContext } from '../../common/context/request-context.js';

@Injectable()
export class ProposalsService implements OnModuleInit {
  constructor(
    private readonly proposals: ProposalsRepository,
    private readonly audit: AuditService,
    private readonly transitions: TransitionsRepository,
    private readonly actors: ActorsService,
    private readonly sources: SourcesService,
    private readonly momentum: MomentumRepository,
    private readonly db: Db,
  ) {}

  /** Proposers and forums move with an actor merged into another. */
  onModuleInit(): void {
    this.actors.registerReferenceHolder({
      moveActorReferences: (from, into, manager) => this.proposals.moveActor(from, into, manager),
    });
  }

  /**
   * The proposal as the API shows it: its status, momentum and assessment as they stood on `asOf`
   * (default today). Asked for a day before it was recorded, a 404: it did not exist yet.
   */
  async view(slug: string, manager?: EntityManager, asOf?: string): Promise<ProposalDto> {
    const found = await this.proposals.view(slug, asOf ?? today(), DEFAULT_WINDOW_DAYS, manager);
    if (!found) throw notFound('proposal', slug);
    if (asOf !== undefined && !found.existed) {
      throw new DomainError('not_found', `proposal "${slug}" was not yet recorded on ${asOf}`);
    }
    return found.proposal;
  }

  /** Whether any proposal is recorded. */
  any(): Promise<boolean> {
    return this.proposals.any();
  }

  /** The id of the proposal with this slug, for another module; null when there is none. */
  idBySlug(slug: string): Promise<string | null> {
    return this.proposals.idBySlug(slug);
  }

  /** Proposals by slug (id, slug, title), for another module's reads or writes; missing slugs are absent. */
  refsBySlugs(slugs: string[], manager?: EntityManager): Promise<Map<string, ProposalRef>> {
    return this.proposals.refsBySlugs(slugs, manager);
  }

  /**
   * Locks the proposals with these slugs for the rest of the caller's transaction, in id order
   * (the order every writer takes, so none deadlock), before something recorded about them changes
   * what they show; missing slugs are absent from the map.
   */
  lockBySlugs(slugs: string[], manager: EntityManager): Promise<Map<string, ProposalRef>> {
    return this.proposals.lockBySlugs(slugs, manager);
  }

  /** Locks proposals by id, in id order (see {@link lockBySlugs}). */
  lockByIds(ids: string[], manager: EntityManager): Promise<void> {
    return this.proposals.lockByIds(ids, manager);
  }

  /**
   * After a statement about these (locked) proposals was recorded, edited or retracted: a new
   * version for each, and what they derive from their standing statements worked out again.
   */
  touch(ids: string[], manager: EntityManager): Promise<void> {
    return this.proposals.touch(ids, manager);
  }

  /** After a new standing statement about these (locked) proposals: what it adds to what they show. */
  noteNewStatement(ids: string[], statementId: string, manager: EntityManager): Promise<void> {
    return this.proposals.noteNewStatement(ids, statementId, manager);
  }

  /** The proposal's parts by slug, as `GET /proposals?parent=` lists them (without their momentum). */
  children(slug: string): Promise<{ slug: string; title: string }[]> {
    return this.proposals.children(slug);
  }

  async list(query: ListProposalsQueryDto): Promise<Page<ProposalDto>> {
    if (query.sort === 'relevance' && query.q === undefined) throw invalid('sort', 'relevance needs q');
    const sort: ProposalSort = query.sort ?? (query.q === undefined ? '-lastActivityOn' : 'relevance');
    const updatedSince = parseInstant('updatedSince', query.updatedSince);
    const asOf = query.asOf ?? today();
    const windowDays = query.windowDays ?? DEFAULT_WINDOW_DAYS;
    const filters: ProposalFilters = {
      status: query.status,
      proposer: query.proposer,
      forum: query.forum,
      tag: query.tag,
      q: query.q,
      updatedSince,
      momentum: query.momentum === undefined ? undefined : { values: query.momentum, asOf, windowDays },
      asOf: query.asOf,
      parent: query.parent,
      descendantsOf: query.descendantsOf,
      proposerRole: query.proposerRole,
      related: query.related,
      includeDuplicates: query.includeDuplicates,
    };
    const bound = {
      resource: 'proposals',
      ...filters,
      status: query.status?.slice().sort(),
      updatedSince: query.updatedSince,
      momentum: query.momentum?.slice().sort(),
      asOf: query.asOf,
      windowDays,
      sort,
    };
    let after: unknown[] | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, bound);
      if (!isSortKey(sort, after)) throw invalid('cursor', 'is not a cursor this API issued');
    }
    const rows = await this.proposals.list(filters, sort, query.limit, after);
    const momenta = await this.momentum.shownFor(
      rows.slice(0, query.limit).map((row) => row.id),
      asOf,
      windowDays,
    );
    return toPage(rows, query.limit, bound, SORTS[sort].key, ({ id, proposal }) => {
      const shown = momenta.get(id);
      proposal.momentum = shown?.momentum ?? null;
      proposal.momentumReasons = shown?.reasons ?? [];
      proposal.momentumAsOf = asOf;
      proposal.assessment = shown?.assessment ?? null;
      if (query.asOf !== undefined && shown !== undefined) {
        // As it stood on asOf (the list leaves out what was not yet recorded then).
        proposal.status = shown.status;
        proposal.statusSince = shown.statusSince;
        proposal.statusSinceCertainty = shown.statusSinceCertainty;
        proposal.statusSinceBasis = shown.statusSinceBasis;
      }
      return proposal;
    });
  }

  /** Records a proposal and its first transition, dated `proposedOn`, in one transaction. */
  async create(input: CreateProposalDto, user: AuthenticatedUser, context: RequestContext): Promise<ProposalDto> {
    return this.db.transaction(async (manager) => {
      if (input.confirmNew !== true) {
        const existing = await this.proposals.likelyDuplicates(input.title, manager);
        if (existing.length > 0) throw likelyDuplicate('proposal', 'title', existing);
      }
      const proposers = await this.resolveProposers(input.proposers, manager);
      const forumIds = await this.resolveForums(input.forums ?? [], manager);
      const parentId = await this.resolveParent(input.parent, manager);
      const status = input.initialStatus ?? 'proposed';
      const proposedOn = toWorldDate(input.proposedOn);
      const { slug, row: id } = await insertWithSlug(
        manager,
        'proposals',
        'proposal',
        input.slug,
        input.title,
        (candidate) =>
          this.proposals.insert(
            {
              slug: candidate,
              title: input.title,
              summary: input.summary,
              proposedOn,
              status,
              tags: dedupe(input.tags ?? []),
              parentId,
            },
            manager,
          ),
      );
      await this.proposals.replaceProposers(id, proposers, manager);
      await this.proposals.replaceForums(id, forumIds, manager);
      await this.proposals.replaceRelated(id, await this.resolveRelated(input.related ?? [], id, manager), manager);
      const sources = await this.sources.findOrCreate(input.sources ?? [], manager);
      await this.transitions.append(
        {
          proposalId: id,
          from: null,
          to: status,
          direction: 'advance',
          occurredOn: proposedOn,
          note: input.note ?? null,
          supersededById: null,
          recordedBy: user.id,
          sourceIds: sources.map((source) => source.id),
        },
        manager,
      );
      const created = await this.view(slug, manager);
      await this.audit.record(context, {
        action: 'create',
        entityType: 'proposal',
        entityId: slug,
        before: null,
        after: snapshot(created),
        change: {
          type: 'proposal.created',
          summary: `${listOf(created.proposers.filter((p) => p.role === 'proposer').map((p) => p.name))} ${status} ${created.title} (${created.proposedOn})`,
          data: created,
          subject: { type: 'proposal', id, slug },
          proposalIds: [id],
        },
      });
      return created;
    });
  }

  /**
   * An editor marks a proposal as a duplicate of another (`of`), or (`of` null) no longer one:
   * lists and reports leave a duplicate out unless asked for it. Kept on the proposal
   * (`duplicateOf`: who, when, why) and in the audit log.
   */
  async markDuplicate(
    slug: string,
    mark: { of: string; reason: string } | { of: null; reason: string },
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<ProposalDto> {
    return this.db.transaction(async (manager) => {
      const proposal = await this.proposals.lockBySlug(slug, manager);
      if (!proposal) throw notFound('proposal', slug);
      const before = await this.view(slug, manager);
      if (mark.of === null) {
        if (before.duplicateOf === null) {
          throw new DomainError('conflict', `proposal "${slug}" is not marked as a duplicate`);
        }
        await this.proposals.markDuplicate(proposal.id, null, manager);
      } else {
        if (before.duplicateOf !== null) {
          throw new DomainError(
            'conflict',
            `proposal "${slug}" is already marked as a duplicate of "${before.duplicateOf.slug}"; unmark it first`,
          );
        }
        if (mark.of === slug) throw invalid('of', 'must name another proposal');
        const target = await this.proposals.lockBySlug(mark.of, manager);
        if (!target) throw unknownReference('of', 'proposal', mark.of);
        const targetView = await this.view(mark.of, manager);
        if (targetView.duplicateOf !== null) {
          throw new DomainError(
            'conflict',
            `"${mark.of}" is itself a duplicate of "${targetView.duplicateOf.slug}": mark this one a duplicate of that`,
          );
        }
        if ((await this.proposals.duplicatesOf(proposal.id, manager)) > 0) {
          throw new DomainError(
            'conflict',
            `other proposals are marked as duplicates of "${slug}": mark them duplicates of "${mark.of}" first`,
          );
        }
        await this.proposals.markDuplicate(proposal.id, { of: target.id, by: user.id, reason: mark.reason }, manager);
      }
      const after = await this.view(slug, manager);
      await this.audit.record(context, {
        action: mark.of === null ? 'unmark-duplicate' : 'mark-duplicate',
        entityType: 'proposal',
        entityId: slug,
        before: { duplicateOf: before.duplicateOf?.slug ?? null },
        after: { duplicateOf: after.duplicateOf?.slug ?? null, reason: mark.reason },
        change: {
          type: mark.of === null ? 'proposal.duplicate-unmarked' : 'proposal.duplicate-marked',
          summary:
            mark.of === null
              ? `${after.title} is no longer marked as a duplicate of ${before.duplicateOf?.title ?? ''} (${mark.reason})`
              : `${after.title} marked as a duplicate of ${after.duplicateOf?.title ?? ''} (${mark.reason})`,
          data: after,
          subject: { type: 'proposal', id: proposal.id, slug },
          proposalIds: [proposal.id],
        },
      });
      return after;
    });
  }

  /** Edits descriptive fields; the status only ever changes through transitions. */
  async update(slug: string, version: number, input: UpdateProposalDto, context: RequestContext): Promise<ProposalDto> {
    return this.db.transaction(async (manager) => {
      const current = await this.proposals.findBySlug(slug, manager);
      if (!current) throw notFound('proposal', slug);
      const proposers =
        input.proposers === undefined ? undefined : await this.resolveProposers(input.proposers, manager);
      const forumIds = input.forums === undefined ? undefined : await this.resolveForums(input.forums, manager);
      const related =
        input.related === undefined ? undefined : await this.resolveRelated(input.related, current.id, manager);
      let parentId: string | null | undefined;
      if (input.parent !== undefined) {
        parentId = await this.resolveParent(input.parent ?? undefined, manager);
        if (parentId !== null && (await this.proposals.wouldCycle(current.id, parentId, manager))) {
          throw new DomainError(
            'unprocessable',
            `"${input.parent}" cannot be the parent: it is this proposal or one of its descendants`,
            [{ field: 'parent', message: 'would make the proposal its own ancestor' }],
          );
        }
      }
      const id = await this.proposals.updateFields(
        slug,
        version,
        { title: input.title, summary: input.summary, tags: input.tags && dedupe(input.tags), parentId },
        manager,
      );
      if (id === null) throw staleVersion('the proposal', current.version);
      if (proposers !== undefined) await this.proposals.replaceProposers(id, proposers, manager);
      if (forumIds !== undefined) await this.proposals.replaceForums(id, forumIds, manager);
      if (related !== undefined) await this.proposals.replaceRelated(id, related, manager);
      const updated = await this.view(slug, manager);
      await this.audit.recordEdit(context, 'proposal', slug, snapshot(current), snapshot(updated), (changed) => ({
        type: 'proposal.updated',
        summary: `${updated.title}: ${changed.join(', ')} edited`,
        data: updated,
        subject: { type: 'proposal', id: current.id, slug },
        proposalIds: [current.id],
      }));
      return updated;
    });
  }

  private async resolveProposers(
    proposers: ProposerInputDto[],
    manager: EntityManager,
  ): Promise<{ actorId: string; role: NonNullable<ProposerInputDto['role']> }[]> {
    const found = await this.actors.resolve(
      proposers.map((p) => p.actor),
      manager,
    );
    return proposers.map((proposer, index) => {
      const actor = found.get(proposer.actor);
      if (!actor) throw unknownReference(`proposers[${index}].actor`, 'actor', proposer.actor);
      return { actorId: actor.id, role: proposer.role ?? 'proposer' };
    });
  }

  private async resolveForums(slugs: string[], manager: EntityManager): Promise<string[]> {
    const found = await this.actors.resolve(slugs, manager);
    return slugs.map((slug, index) => {
      const actor = found.get(slug);
      if (!actor) throw unknownReference(`forums[${index}]`, 'actor', slug);
      if (actor.kind !== 'organization') {
        throw new DomainError(
          'unprocessable',
          `forums[${index}] must name an organization; "${slug}" is ${withArticle(actor.kind)}`,
          [{ field: `forums[${index}]`, message: `"${slug}" is not an organization` }],
        );
      }
      return actor.id;
    });
  }

  private async resolveRelated(
    related: RelatedInputDto[],
    proposalId: string,
    manager: EntityManager,
  ): Promise<{ relatedId: string; relation: string | null }[]> {
    const found = await this.proposals.idsBySlugs(
      related.map((r) => r.proposal),
      manager,
    );
    return related.map((r, index) => {
      const relatedId = found.get(r.proposal);
      if (relatedId === undefined) throw unknownReference(`related[${index}].proposal`, 'proposal', r.proposal);
      if (relatedId === proposalId) {
        throw new DomainError('unprocessable', 'a proposal cannot be related to itself', [
          { field: `related[${index}].proposal`, message: 'names the proposal itself' },
        ]);
      }
      return { relatedId, relation: r.relation ?? null };
    });
  }

  private async resolveParent(slug: string | undefined, manager: EntityManager): Promise<string | null> {
    if (slug === undefined) return null;
    const id = await this.proposals.idBySlug(slug, manager);
    if (id === null) throw unknownReference('parent', 'proposal', slug);
    return id;
  }
}

/**
 * What the audit log keeps of a proposal, from its row or as the API shows it: its descriptive and
 * status fields (not its momentum or assessment, which are computed or recorded apart).
 */
function snapshot(proposal: ProposalRow | ProposalDto): Record<string, unknown> {
  return {
    slug: proposal.slug,
    title: proposal.title,
    summary: proposal.summary,
    proposedOn: proposal.proposedOn,
    proposedOnCertainty: proposal.proposedOnCertainty,
    proposedOnBasis: proposal.proposedOnBasis,
    tags: proposal.tags,
    status: proposal.status,
    statusSince: proposal.statusSince,
    statusSinceCertainty: proposal.statusSinceCertainty,
    statusSinceBasis: proposal.statusSinceBasis,
    furthestStatus: proposal.furthestStatus,
    lastActivityOn: proposal.lastActivityOn,
    version: proposal.version,
    proposers: proposal.proposers,
    forums: proposal.forums,
    parent: proposal.parent,
    related: proposal.related,
    supersededBy: proposal.supersededBy,
    duplicateOf: proposal.duplicateOf,
    sources: proposal.sources,
  };
}

function dedupe(values: string[]): string[] {
  return [...new Set(values.map((value) => value.trim()))];
}
