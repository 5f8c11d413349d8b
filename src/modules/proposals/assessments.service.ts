import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import type { RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { DomainError, notFound } from '../../common/errors/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import { SourcesService } from '../sources/sources.service.js';
import { AssessmentsRepository } from './assessments.repository.js';
import type { AssessmentDto, CreateAssessmentDto, WithdrawAssessmentDto } from './dto/assessments.dto.js';
import { ProposalsRepository } from './proposals.repository.js';

/**
 * Editorial assessments: an editor's word on a proposal's momentum where the computed one reads
 * wrong ("nothing recorded" is not "nothing happened"). Shown beside the computed momentum, never
 * in its place; it stands until the next standing transition or statement about the proposal, or
 * until an editor withdraws it.
 */
@Injectable()
export class AssessmentsService {
  constructor(
    private readonly assessments: AssessmentsRepository,
    private readonly proposals: ProposalsRepository,
    private readonly sources: SourcesService,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  async history(slug: string): Promise<AssessmentDto[]> {
    const id = await this.proposals.idBySlug(slug);
    if (id === null) throw notFound('proposal', slug);
    return this.assessments.history(id);
  }

  async record(
    slug: string,
    input: CreateAssessmentDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<AssessmentDto> {
    return this.db.transaction(async (manager) => {
      const proposal = await this.proposals.lockBySlug(slug, manager);
      if (proposal === null) throw notFound('proposal', slug);
      const sources = await this.sources.findOrCreate(input.sources ?? [], manager);
      const id = await this.assessments.insert(
        {
          proposalId: proposal.id,
          momentum: input.momentum,
          reason: input.reason,
          recordedBy: user.id,
          sourceIds: sources.map((source) => source.id),
        },
        manager,
      );
      // What the proposal shows has changed: a new version (and kept reports know it).
      await this.proposals.touch([proposal.id], manager);
      const recorded = (await this.assessments.findById(proposal.id, id, manager)) as AssessmentDto;
      await this.audit.record(context, {
        action: 'assess',
        entityType: 'proposal',
        entityId: slug,
        before: null,
        after: { assessment: recorded },
        change: {
          type: 'assessment.recorded',
          summary: `${proposal.title} assessed ${recorded.momentum} by ${user.name}: ${recorded.reason}`,
          data: recorded,
          subject: { type: 'assessment', id },
          proposalIds: [proposal.id],
        },
      });
      return recorded;
    });
  }

  async withdraw(
    slug: string,
    id: string,
    input: WithdrawAssessmentDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<AssessmentDto> {
    return this.db.transaction(async (manager) => {
      const proposal = await this.proposals.lockBySlug(slug, manager);
      if (proposal === null) throw notFound('proposal', slug);
      const current = await this.assessments.findById(proposal.id, id, manager);
      if (current === null) throw notFound('assessment', id);
      if (!(await this.assessments.withdraw(id, user.id, input.reason, manager))) {
        throw new DomainError('retraction_refused', 'this assessment is already withdrawn');
      }
      await this.proposals.touch([proposal.id], manager);
      const withdrawn = (await this.assessments.findById(proposal.id, id, manager)) as AssessmentDto;
      await this.audit.record(context, {
        action: 'withdraw',
        entityType: 'assessment',
        entityId: id,
        before: { withdrawn: false },
        after: { withdrawn: true, reason: input.reason, proposal: slug },
        change: {
          type: 'assessment.withdrawn',
          summary: `${proposal.title}: the assessment ${withdrawn.momentum} withdrawn (${input.reason})`,
          data: withdrawn,
          subject: { type: 'assessment', id },
          proposalIds: [proposal.id],
        },
      });
      return withdrawn;
    });
  }
}
