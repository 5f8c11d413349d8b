import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { SlugPipe, UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import {
  CreateProposalDto,
  ListProposalsQueryDto,
  MarkDuplicateDto,
  UnmarkDuplicateDto,
  ProposalAsOfQueryDto,
  ProposalDto,
  ProposalListDto,
  UpdateProposalDto,
} from './dto/proposals.dto.js';
import {
  RedateProposalDto,
  RedateResultDto,
  RetractTransitionDto,
  StatusAsOfDto,
  StatusAsOfQueryDto,
  TransitionDto,
  TransitionListDto,
  TransitionProposalDto,
} from './dto/transitions.dto.js';
import { ProposalsService } from './proposals.service.js';
import { WorkflowService } from './workflow.service.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import {
  CREATE_PROPOSAL,
  MARK_DUPLICATE,
  RECORD_TRANSITION,
  REDATE_PROPOSAL,
  RETRACT_TRANSITION,
  UNMARK_DUPLICATE,
  UPDATE_PROPOSAL,
} from './openapi-examples.js';

@ApiTags('proposals')
@ApiAuthenticated()
@Controller('proposals')
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly workflow: WorkflowService,
  ) {}

  @Post()
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'createProposal',
    summary: 'Record a proposal and its first transition (floated or proposed), dated proposedOn',
    description:
      'Staff and above. The first transition (`floated` or `proposed`, dated `proposedOn`) is recorded with it, so the history is never empty. A title, short title or alias matching an existing proposal is refused as a likely duplicate unless `confirmNew` is true.',
  })
  @ApiCreatedResponse({ type: ProposalDto, description: 'With an ETag header' })
  @ApiProblems(400, 409, 422)
  @ApiRequestBody(CreateProposalDto, CREATE_PROPOSAL)
  async create(
    @Body() body: CreateProposalDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProposalDto | undefined> {
    const proposal = await this.proposals.create(body, user, context);
    return withEtag(reply, proposal.version, proposal, undefined, proposal.momentumAsOf);
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listProposals',
    summary: 'List proposals, most recent lastActivityOn first',
    description:
      'Paginated by cursor (see the `Link` header). With `asOf`, statuses and momentum as they stood on that date; proposals marked as duplicates are left out unless `includeDuplicates=true`.',
  })
  @ApiOkResponse({ type: ProposalListDto })
  @ApiProblems(400)
  list(@Query() query: ListProposalsQueryDto): Promise<ProposalListDto> {
    return this.proposals.list(query);
  }

  @Get(':slug')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getProposal',
    summary: 'One proposal, with its status, momentum and assessment now or as they stood on asOf',
    description: 'With asOf, a proposal not yet recorded on that date is a 404.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag you hold: 304 if unchanged' })
  @ApiOkResponse({ type: ProposalDto, description: 'With an ETag header' })
  @ApiProblems(404)
  async get(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Query() query: ProposalAsOfQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProposalDto | undefined> {
    const proposal = await this.proposals.view(slug, undefined, query.asOf);
    return withEtag(reply, proposal.version, proposal, ifNoneMatch, proposal.momentumAsOf);
  }

  @Patch(':slug')
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'updateProposal',
    summary: 'Edit descriptive fields (never the status: that moves by transitions)',
    description:
      'Staff and above. Needs If-Match with the ETag you read, or `version` in the body: 428 without, 412 when someone changed it since. The status is not editable here: it moves by transitions, which keep the history.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; or send `version` in the body' })
  @ApiOkResponse({ type: ProposalDto, description: 'With the new ETag' })
  @ApiProblems(400, 404, 412, 422, 428)
  @ApiRequestBody(UpdateProposalDto, UPDATE_PROPOSAL)
  async update(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateProposalDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProposalDto | undefined> {
    const proposal = await this.proposals.update(slug, expectedVersion(ifMatch, body.version), body, context);
    return withEtag(reply, proposal.version, proposal, undefined, proposal.momentumAsOf);
  }

  @Get(':slug/status')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getProposalStatusAsOf',
    summary: 'The status as it stood on a date, rebuilt from the standing history',
    description:
      'Rebuilt from the transitions standing today whose world date is on or before `asOf`; a retracted transition never counts. 404 when the proposal had not yet been recorded on that date.',
  })
  @ApiOkResponse({ type: StatusAsOfDto })
  @ApiProblems(400, 404)
  statusAsOf(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Query() query: StatusAsOfQueryDto,
  ): Promise<StatusAsOfDto> {
    return this.workflow.statusAsOf(slug, query.asOf);
  }

  @Post(':slug/transitions')
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'recordTransition',
    summary: 'Move the proposal to another status',
    description:
      'Checked against the transition table; `from`, if sent, must be the current status. Reviving a rejected or withdrawn proposal needs the editor role.',
  })
  @ApiCreatedResponse({ type: TransitionDto })
  @ApiProblems(400, 404, 409, 422)
  @ApiRequestBody(TransitionProposalDto, RECORD_TRANSITION)
  transition(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Body() body: TransitionProposalDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<TransitionDto> {
    return this.workflow.transition(slug, body, user, context);
  }

  @Post(':slug/redate')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'redateProposal',
    summary: 'Correct a wrong creation date or first status',
    description:
      'The first standing transition is retracted and a corrected one takes its place before the rest of the history, in one transaction; both stay in the history and the audit log. 409 if the correction would put the first transition after the second, or change the first status while later transitions stand.',
  })
  @ApiOkResponse({ type: RedateResultDto })
  @ApiProblems(400, 404, 409)
  @ApiRequestBody(RedateProposalDto, REDATE_PROPOSAL)
  redate(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Body() body: RedateProposalDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<RedateResultDto> {
    return this.workflow.redate(slug, body, user, context);
  }

  @Get(':slug/transitions')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listTransitions',
    summary: 'The whole status history, oldest first, retracted rows included and flagged',
    description:
      'Every transition ever recorded, oldest first by world date; retracted ones are kept, flagged with who retracted them, when and why.',
  })
  @ApiOkResponse({ type: TransitionListDto })
  @ApiProblems(404)
  async history(@Param('slug', new SlugPipe('proposal')) slug: string): Promise<TransitionListDto> {
    const data = await this.workflow.history(slug);
    return { data, page: { limit: data.length, nextCursor: null } };
  }

  @Post(':slug/transitions/:id/retract')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retractTransition',
    summary: 'Retract the latest standing transition (never the first); the status before it returns',
    description:
      'Editors and admins. The transition stays in the history, flagged; the status returns to the one before it. The first transition cannot be retracted: correct it with the redate route.',
  })
  @ApiOkResponse({ type: TransitionDto, description: 'The retracted transition, flagged' })
  @ApiProblems(400, 404, 409)
  @ApiRequestBody(RetractTransitionDto, RETRACT_TRANSITION)
  retract(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Param('id', new UuidPipe('transition')) id: string,
    @Body() body: RetractTransitionDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<TransitionDto> {
    return this.workflow.retract(slug, id, body, user, context);
  }

  @Post(':slug/mark-duplicate')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'markProposalDuplicate',
    summary: 'Mark a proposal as a duplicate of another',
    description:
      'Editors and admins. The proposal keeps its records and its history; lists and the progress report leave ' +
      'it out unless asked with `includeDuplicates=true`; it shows `duplicateOf` (which, who, when, why), and ' +
      'the audit log has the act. A proposal already marked, or one others are marked duplicates of, is a 409.',
  })
  @ApiOkResponse({ type: ProposalDto, description: 'The proposal, with `duplicateOf` and its new ETag' })
  @ApiProblems(400, 404, 409, 422)
  @ApiRequestBody(MarkDuplicateDto, MARK_DUPLICATE)
  async markDuplicate(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Body() body: MarkDuplicateDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProposalDto | undefined> {
    const proposal = await this.proposals.markDuplicate(slug, body, user, context);
    return withEtag(reply, proposal.version, proposal, undefined, proposal.momentumAsOf);
  }

  @Post(':slug/unmark-duplicate')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'unmarkProposalDuplicate',
    summary: 'Undo a duplicate mark: the proposal is listed and reported again',
    description:
      'Editors and admins, with a reason; the audit log keeps both the mark and its undoing. A proposal not marked is a 409.',
  })
  @ApiOkResponse({ type: ProposalDto, description: 'The proposal, `duplicateOf` null, with its new ETag' })
  @ApiProblems(400, 404, 409)
  @ApiRequestBody(UnmarkDuplicateDto, UNMARK_DUPLICATE)
  async unmarkDuplicate(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Body() body: UnmarkDuplicateDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProposalDto | undefined> {
    const proposal = await this.proposals.markDuplicate(slug, { of: null, reason: body.reason }, user, context);
    return withEtag(reply, proposal.version, proposal, undefined, proposal.momentumAsOf);
  }
}
