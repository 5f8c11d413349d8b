import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors/domain-error.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { WorkflowService } from '../proposals/workflow.service.js';
import type { TimelineItem } from './dto/timeline.dto.js';
import { StatementsRepository, toStatementDto } from './statements.repository.js';

/** Orders partial dates by first day, then precision; then by when each record was logged. */
function compareItems(a: TimelineItem, b: TimelineItem): number {
  if (a.occurredOn !== b.occurredOn) return a.occurredOn < b.occurredOn ? -1 : 1;
  return a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0;
}

/** A proposal's story: its transitions and the statements about it, merged in world-date order. */
@Injectable()
export class TimelineService {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly workflow: WorkflowService,
    private readonly statements: StatementsRepository,
  ) {}

  async timeline(slug: string, includeRetracted: boolean): Promise<TimelineItem[]> {
    const id = await this.proposals.idBySlug(slug);
    if (id === null) throw notFound('proposal', slug);
    const [history, statements] = await Promise.all([
      this.workflow.historyOf(id),
      this.statements.aboutProposal(id, includeRetracted),
    ]);
    const items: TimelineItem[] = [
      ...history
        .filter((transition) => includeRetracted || !transition.retracted)
        .map((transition) => ({ type: 'transition' as const, ...transition })),
      ...statements.map((row) => ({
        type: 'statement' as const,
        occurredOn: row.saidOn,
        occurredOnCertainty: row.saidOnCertainty,
        occurredOnBasis: row.saidOnBasis,
        stance: row.stance,
        ...toStatementDto(row),
      })),
    ];
    return items.sort(compareItems);
  }
}
