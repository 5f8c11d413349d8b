import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { SlugPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { IncludeRetractedQueryDto, ListStatementsQueryDto, StatementListDto } from './dto/statements.dto.js';
import { TimelineDto } from './dto/timeline.dto.js';
import { StatementsService } from './statements.service.js';
import { TimelineService } from './timeline.service.js';

/** What was said about one proposal, and its whole story. */
@ApiTags('proposals')
@ApiAuthenticated()
@Controller('proposals/:slug')
export class ProposalStatementsController {
  constructor(
    private readonly statements: StatementsService,
    private readonly timelines: TimelineService,
  ) {}

  @Get('statements')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listProposalStatements',
    summary: 'Statements about the proposal, most recent first; the filters of GET /statements apply',
    description: 'The `proposal` filter is the path’s; stance filters the stance toward this proposal.',
  })
  @ApiOkResponse({ type: StatementListDto })
  @ApiProblems(400, 404)
  list(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Query() query: ListStatementsQueryDto,
  ): Promise<StatementListDto> {
    return this.statements.list(query, slug);
  }

  @Get('timeline')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getProposalTimeline',
    summary: 'Transitions and statements merged, oldest first by world date, each item with its type',
    description:
      'Transitions and standing statements in one list, oldest first by world date, each with its `type`; retracted items are left out. For reading an initiative’s story in order.',
  })
  @ApiOkResponse({ type: TimelineDto })
  @ApiProblems(400, 404)
  async timeline(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Query() query: IncludeRetractedQueryDto,
  ): Promise<TimelineDto> {
    const data = await this.timelines.timeline(slug, query.includeRetracted ?? false);
    return { data, page: { limit: data.length, nextCursor: null } };
  }
}
