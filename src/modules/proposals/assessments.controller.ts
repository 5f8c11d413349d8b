import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { SlugPipe, UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { AssessmentsService } from './assessments.service.js';
import { AssessmentDto, AssessmentListDto, CreateAssessmentDto, WithdrawAssessmentDto } from './dto/assessments.dto.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { RECORD_ASSESSMENT, WITHDRAW_ASSESSMENT } from './openapi-examples.js';

@ApiTags('proposals')
@ApiAuthenticated()
@Controller('proposals/:slug/assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Post()
  @Idempotent()
  @RequireRole('editor')
  @ApiOperation({
    operationId: 'recordAssessment',
    summary: 'Record an editorial assessment of the proposal’s momentum',
    description:
      'Shown as `assessment` beside the computed momentum, which it never changes, until the next standing transition or statement about the proposal, or until an editor withdraws it.',
  })
  @ApiCreatedResponse({ type: AssessmentDto })
  @ApiProblems(400, 404)
  @ApiRequestBody(CreateAssessmentDto, RECORD_ASSESSMENT)
  record(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Body() body: CreateAssessmentDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<AssessmentDto> {
    return this.assessments.record(slug, body, user, context);
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listAssessments',
    summary: 'Every assessment of the proposal, oldest first, withdrawn ones included and flagged',
    description:
      'Oldest first; the one standing is the latest not withdrawn. Withdrawn ones stay, flagged with who withdrew them and why.',
  })
  @ApiOkResponse({ type: AssessmentListDto })
  @ApiProblems(404)
  async list(@Param('slug', new SlugPipe('proposal')) slug: string): Promise<AssessmentListDto> {
    const data = await this.assessments.history(slug);
    return { data, page: { limit: data.length, nextCursor: null } };
  }

  @Post(':id/withdraw')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'withdrawAssessment',
    summary: 'Withdraw an assessment: it stays in the list, flagged, with who and why',
    description:
      'Editors and admins. The assessment stays in the list, flagged; the one before it, if any, stands again.',
  })
  @ApiOkResponse({ type: AssessmentDto })
  @ApiProblems(400, 404, 409)
  @ApiRequestBody(WithdrawAssessmentDto, WITHDRAW_ASSESSMENT)
  withdraw(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Param('id', new UuidPipe('assessment')) id: string,
    @Body() body: WithdrawAssessmentDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<AssessmentDto> {
    return this.assessments.withdraw(slug, id, body, user, context);
  }
}
