import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { SlugPipe, UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { AssessmentsService } from './assessments.service.js';
import { AssessmentDto, AssessmentListDto, CreateAssessmentDto, WithdrawAssessmentDto } from './dto/assessments.dto.js';

@ApiTags('proposals')
@ApiAuthenticated()
@Controller('proposals/:slug/assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Post()
  @Idempotent()
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Record an editorial assessment of the proposal’s momentum',
    description:
      'Shown as `assessment` beside the computed momentum, which it never changes, until the next standing transition or statement about the proposal, or until an editor withdraws it.',
  })
  @ApiCreatedResponse({ type: AssessmentDto })
  @ApiProblems(400, 404)
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
  @ApiOperation({ summary: 'Every assessment of the proposal, oldest first, withdrawn ones included and flagged' })
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
  @ApiOperation({ summary: 'Withdraw an assessment: it stays in the list, flagged, with who and why' })
  @ApiOkResponse({ type: AssessmentDto })
  @ApiProblems(400, 404, 409)
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
