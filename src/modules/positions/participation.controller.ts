import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { SlugPipe, UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import {
  CreateParticipationDto,
  ParticipationDto,
  ParticipationListDto,
  RetractParticipationDto,
} from './dto/participation.dto.js';
import { RECORD_PARTICIPATION, RETRACT_PARTICIPATION } from './openapi-examples.js';
import { ParticipationService } from './participation.service.js';

@ApiTags('positions')
@ApiAuthenticated()
@Controller('proposals/:slug/participation')
export class ParticipationController {
  constructor(private readonly participation: ParticipationService) {}

  @Post()
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'recordParticipation',
    summary: 'Record an actor’s formal act toward the proposal (endorsed, signed, ratified, joined, …)',
    description:
      'Staff and above. One row per act, like a row of the UN Treaty Collection’s status tables; at least one source ' +
      '(400 without). Append-only: a wrong act is retracted by an editor, never edited. 422 names an unknown actor.',
  })
  @ApiCreatedResponse({ type: ParticipationDto })
  @ApiProblems(400, 404, 422)
  @ApiRequestBody(CreateParticipationDto, RECORD_PARTICIPATION)
  record(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Body() body: CreateParticipationDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<ParticipationDto> {
    return this.participation.record(slug, body, user, context);
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listParticipation',
    summary: 'Every participation act toward the proposal, oldest first, retracted ones included and flagged',
    description:
      'Oldest first by world date, then by when it was logged. Retracted acts stay, flagged with who and why.',
  })
  @ApiOkResponse({ type: ParticipationListDto })
  @ApiProblems(404)
  async list(@Param('slug', new SlugPipe('proposal')) slug: string): Promise<ParticipationListDto> {
    const data = await this.participation.history(slug);
    return { data, page: { limit: data.length, nextCursor: null } };
  }

  @Post(':id/retract')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retractParticipation',
    summary: 'Retract a participation act: it stays in the list, flagged, and no longer counts',
    description: 'Editors and admins; 409 if it is already retracted.',
  })
  @ApiOkResponse({ type: ParticipationDto })
  @ApiProblems(400, 404, 409)
  @ApiRequestBody(RetractParticipationDto, RETRACT_PARTICIPATION)
  retract(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Param('id', new UuidPipe('participation act')) id: string,
    @Body() body: RetractParticipationDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<ParticipationDto> {
    return this.participation.retract(slug, id, body, user, context);
  }
}
