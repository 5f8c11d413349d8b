import { withArticle } from '../../common/i18n/wording.js';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { hasRole } from '../../common/auth/roles.js';
import { firstDay, today } from '../../common/dates/partial-date.js';
import { toWorldDate } from '../../common/dates/world-date.js';
import { DomainError, invalid, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { SourcesService } from '../sources/sources.service.js';
import type {
  RedateProposalDto,
  RedateResultDto,
  RetractTransitionDto,
  StatusAsOfDto,
  TransitionDto,
  TransitionProposalDto,
} from './dto/transitions.dto.js';
import { type ProposalState, ProposalsRepository } from './proposals.repository.js';
import { TransitionsRepository } from './transitions.repository.js';
import { deriveState, isOutOfOrder } from './workflow/derive-state.js';
import { furthestOf } from './workflow/statuses.js';
import { decideTransition } from './workflow/workflow.js';
import type { RequestContext } from '../../common/context/request-context.js';

/**
 * Moves proposals through the workflow. Every change runs in one transaction that first locks
 * the proposal row, so the checks (rule, expected `from`, date order) and the append see the
 * same state however many requests and service instances race.
 */
@Injectable()
export class WorkflowService {
  constructor(
    private readonly proposals: ProposalsRepository,
    private readonly audit: AuditService,
    private readonly transitions: TransitionsRepository,
    private readonly sources: SourcesService,
    private readonly db: Db,
  ) {}

  async history(slug: string): Promise<TransitionDto[]> {
    const id = await this.proposals.idBySlug(slug);
    if (id === null) throw notFound('proposal', slug);
    return this.transitions.history(id);
  }

  /** The history of the proposal with this id (another module found it), oldest first. */
  historyOf(proposalId: string): Promise<TransitionDto[]> {
    return this.transitions.history(proposalId);
  }

  async transition(
    slug: string,
    input: TransitionProposalDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<TransitionDto> {
    if (input.supersededBy !== undefined && input.to !== 'superseded') {
      throw invalid('supersededBy', 'is only for a transition to superseded');
    }
    return this.db.transaction(async (manager) => {
      const proposal = await this.lock(slug, manager);
      if (input.from !== undefined && input.from !== proposal.status) {
        throw new DomainError(
          'status_mismatch',
          `you expected the proposal to be ${input.from}, but it is ${proposal.status}; read it again`,
          undefined,
          { currentStatus: proposal.status },
        );
      }
      const decision = decideTransition(proposal.status, input.to);
      if (!decision.allowed) {
        throw new DomainError(
          'transition_refused',
          `cannot move from ${proposal.status} to ${input.to}: ${decision.reason}`,
          undefined,
          {
            currentStatus: proposal.status,
          },
        );
      }
      if (!hasRole(user.role, decision.role)) {
        throw new DomainError(
          'forbidden',
          `${withArticle(decision.direction)} needs the ${decision.role} role; you are ${user.role}`,
        );
      }
      const occurredOn = toWorldDate(input.occurredOn);
      if (isOutOfOrder(occurredOn.value, proposal.statusSince)) {
        throw new DomainError(
          'out_of_order',
          `occurredOn ${occurredOn.value} is earlier than the latest standing transition (${proposal.statusSince}); the history is kept in world-date order`,
          [{ field: 'occurredOn', message: `must not be earlier than ${proposal.statusSince}` }],
        );
      }
      const superseding = await this.resolveSuperseding(proposal, input, manager);
      const statementIds = await this.resolveStatements(input.statementIds ?? [], manager);
      const sources = await this.sources.findOrCreate(input.sources ?? [], manager);
      if (sources.length === 0 && statementIds.length === 0) {
        throw new DomainError(
          'source_required',
          'a transition after the first must cite at least one source or standing statement: what says it happened?',
          [{ field: 'sources', message: 'cite a source (or a statement in statementIds)' }],
        );
      }
      const appended = await this.transitions.append(
        {
          proposalId: proposal.id,
          from: proposal.status,
          to: input.to,
          direction: decision.direction,
          occurredOn,
          note: input.note ?? null,
          supersededById: superseding?.id ?? null,
          recordedBy: user.id,
          sourceIds: sources.map((source) => source.id),
          statementIds,
        },
        manager,
        { furthestStatus: furthestOf(proposal.furthestStatus, input.to) },
      );
      const cited = await this.transitions.citations(appended.id, manager);
      const recorded: TransitionDto = {
        id: appended.id,
        seq: appended.seq,
        from: proposal.status,
        to: input.to,
        direction: decision.direction,
        occurredOn: occurredOn.value,
        occurredOnCertainty: occurredOn.certainty,
        occurredOnBasis: occurredOn.basis,
        note: input.note ?? null,
        ...cited,
        supersededBy: superseding === null ? null : { slug: superseding.slug, title: superseding.title },
        recordedAt: appended.recordedAt.toISOString(),
        recordedBy: { id: user.id, name: user.name },
        retracted: false,
        retractedAt: null,
        retractedBy: null,
        retractionReason: null,
      };
      await this.audit.record(context, {
        action: 'transition',
        entityType: 'proposal',
        entityId: proposal.slug,
        before: { status: proposal.status, statusSince: proposal.statusSince },
        after: { status: input.to, statusSince: occurredOn.value, transition: recorded },
        change: {
          type: 'transition.recorded',
          summary: `${proposal.title}: ${proposal.status} → ${input.to} on ${occurredOn.value}`,
          data: recorded,
          subject: { type: 'transition', id: recorded.id },
          proposalIds: [proposal.id],
        },
      });
      return recorded;
    });
  }

  /**
   * Retracts the latest standing transition (never the creation): the row stays in the history,
   * flagged with who, when and why, and the proposal returns to the status before it.
   */
  async retract(
    slug: string,
    transitionId: string,
    input: RetractTransitionDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<TransitionDto> {
    return this.db.transaction(async (manager) => {
      const proposal = await this.lock(slug, manager);
      const target = await this.transitions.findById(proposal.id, transitionId, manager);
      if (!target) throw notFound('transition', transitionId);
      if (target.retracted) throw new DomainError('retraction_refused', 'this transition is already retracted');
      const standing = await this.transitions.standing(proposal.id, manager);
      const latest = standing[standing.length - 1];
      if (latest.id !== target.id) {
        throw new DomainError(
          'retraction_refused',
          'only the latest standing transition can be retracted; retract the later ones first',
        );
      }
      if (standing.length === 1) {
        throw new DomainError('retraction_refused', 'the creation of a proposal cannot be retracted');
      }
      await this.transitions.retract(target.id, user.id, input.reason, manager);
      await this.refreshStatus(proposal.id, null, manager);
      const previous = standing[standing.length - 2];
      const retracted = (await this.transitions.findById(proposal.id, target.id, manager)) as TransitionDto;
      await this.audit.record(context, {
        action: 'retract',
        entityType: 'proposal',
        entityId: proposal.slug,
        before: {
          status: proposal.status,
          statusSince: proposal.statusSince,
          transitionId: target.id,
          retracted: false,
        },
        after: {
          status: previous.to,
          statusSince: previous.occurredOn,
          transitionId: target.id,
          retracted: true,
          reason: input.reason,
        },
        change: {
          type: 'transition.retracted',
          summary: `${proposal.title}: ${target.from ?? 'none'} → ${target.to} on ${target.occurredOn} retracted (${input.reason}); ${previous.to} again`,
          data: retracted,
          subject: { type: 'transition', id: target.id },
          proposalIds: [proposal.id],
        },
      });
      return retracted;
    });
  }

  /**
   * Corrects a wrong creation date or first status: the first standing transition is retracted
   * and a corrected one takes its place, before the rest of the history, in one transaction; both
   * stay in the history. Refused when the correction would put the first transition after the
   * second, or change the first status under a history that followed from it.
   */
  async redate(
    slug: string,
    input: RedateProposalDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<RedateResultDto> {
    return this.db.transaction(async (manager) => {
      const proposal = await this.lock(slug, manager);
      const standing = await this.transitions.standing(proposal.id, manager);
      const [first, second] = standing;
      const proposedOn = toWorldDate(input.proposedOn);
      const status = input.initialStatus ?? (first.to as 'floated' | 'proposed');
      if (second !== undefined && firstDay(proposedOn.value) > firstDay(second.occurredOn)) {
        throw new DomainError(
          'out_of_order',
          `proposedOn ${proposedOn.value} would put the first transition after the second (${second.occurredOn})`,
          [{ field: 'proposedOn', message: `must not be after ${second.occurredOn}` }],
        );
      }
      if (status !== first.to && second !== undefined) {
        throw new DomainError(
          'retraction_refused',
          `the history after the first transition starts from ${first.to}: retract the later transitions before correcting the first status`,
        );
      }
      if (
        status === first.to &&
        proposedOn.value === first.occurredOn &&
        proposedOn.certainty === first.occurredOnCertainty &&
        proposedOn.basis === first.occurredOnBasis
      ) {
        throw new DomainError('conflict', 'the correction changes nothing: the first transition already says this');
      }
      const sourceIds =
        input.sources === undefined
          ? await this.transitions.sourceIdsOf(first.id, manager)
          : (await this.sources.findOrCreate(input.sources, manager)).map((source) => source.id);
      const original = (await this.transitions.findById(proposal.id, first.id, manager)) as TransitionDto;
      await this.transitions.retract(first.id, user.id, input.reason, manager);
      const corrected = await this.transitions.append(
        {
          proposalId: proposal.id,
          from: null,
          to: status,
          direction: 'advance',
          occurredOn: proposedOn,
          note: original.note,
          supersededById: null,
          recordedBy: user.id,
          sourceIds,
        },
        manager,
        undefined,
        'first',
      );
      await this.refreshStatus(proposal.id, proposal.supersededById, manager);
      const result: RedateResultDto = {
        retracted: (await this.transitions.findById(proposal.id, first.id, manager)) as TransitionDto,
        corrected: (await this.transitions.findById(proposal.id, corrected.id, manager)) as TransitionDto,
      };
      await this.audit.record(context, {
        action: 'redate',
        entityType: 'proposal',
        entityId: proposal.slug,
        before: {
          proposedOn: first.occurredOn,
          proposedOnCertainty: first.occurredOnCertainty,
          initialStatus: first.to,
        },
        after: {
          proposedOn: proposedOn.value,
          proposedOnCertainty: proposedOn.certainty,
          proposedOnBasis: proposedOn.basis,
          initialStatus: status,
          reason: input.reason,
          retracted: result.retracted.id,
          corrected: result.corrected.id,
        },
        change: {
          type: 'proposal.redated',
          summary: `${proposal.title}: first ${status} on ${proposedOn.value}, not ${first.to} on ${first.occurredOn} (${input.reason})`,
          data: result,
          subject: { type: 'proposal', id: proposal.id, slug: proposal.slug },
          proposalIds: [proposal.id],
        },
      });
      return result;
    });
  }

  async statusAsOf(slug: string, asOf: string = today()): Promise<StatusAsOfDto> {
    const id = await this.proposals.idBySlug(slug);
    if (id === null) throw notFound('proposal', slug);
    const inForce = await this.transitions.inForceOn(id, asOf);
    return {
      slug,
      asOf,
      status: inForce?.to ?? null,
      statusSince: inForce?.occurredOn ?? null,
      statusSinceCertainty: inForce?.occurredOnCertainty ?? null,
      statusSinceBasis: inForce?.occurredOnBasis ?? null,
    };
  }

  private async lock(slug: string, manager: EntityManager): Promise<ProposalState> {
    const proposal = await this.proposals.lockBySlug(slug, manager);
    if (!proposal) throw notFound('proposal', slug);
    return proposal;
  }

  private async resolveSuperseding(
    proposal: ProposalState,
    input: TransitionProposalDto,
    manager: EntityManager,
  ): Promise<{ id: string; slug: string; title: string } | null> {
    if (input.to !== 'superseded') return null;
    if (input.supersededBy === undefined) {
      throw new DomainError('unprocessable', 'a transition to superseded must name the proposal that replaces it', [
        { field: 'supersededBy', message: 'is required for superseded' },
      ]);
    }
    const superseding = await this.proposals.refBySlug(input.supersededBy, manager);
    if (superseding === null) throw unknownReference('supersededBy', 'proposal', input.supersededBy);
    if (superseding.id === proposal.id) {
      throw new DomainError('unprocessable', 'a proposal cannot supersede itself', [
        { field: 'supersededBy', message: 'names the proposal itself' },
      ]);
    }
    return superseding;
  }

  private async resolveStatements(ids: string[], manager: EntityManager): Promise<string[]> {
    const lowered = [...new Set(ids.map((id) => id.toLowerCase()))];
    const found = await this.transitions.citableStatements(lowered, manager);
    ids.forEach((id, index) => {
      const statement = found.get(id.toLowerCase());
      if (!statement) throw unknownReference(`statementIds[${index}]`, 'statement', id);
      if (statement.retracted) {
        throw new DomainError('unprocessable', `statementIds[${index}] names a retracted statement`, [
          { field: `statementIds[${index}]`, message: 'is retracted and cannot be cited' },
        ]);
      }
    });
    return lowered;
  }

  /** Rewrites the proposal's status fields from its standing history (the row is locked). */
  private async refreshStatus(
    proposalId: string,
    supersededById: string | null,
    manager: EntityManager,
  ): Promise<void> {
    const standing = await this.transitions.standing(proposalId, manager);
    await this.proposals.setStatus(proposalId, { ...deriveState(standing), supersededById }, manager);
  }
}
