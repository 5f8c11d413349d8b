import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import {
  CreateStatementDto,
  ListStatementsQueryDto,
  RetractStatementDto,
  StatementDto,
  StatementListDto,
  UpdateStatementDto,
} from './dto/statements.dto.js';
import { toStatementDto } from './statements.repository.js';
import { StatementsService } from './statements.service.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { CREATE_STATEMENT, UPDATE_STATEMENT, RETRACT_STATEMENT } from './openapi-examples.js';

const statementId = new UuidPipe('statement');

@ApiTags('statements')
@ApiAuthenticated()
@Controller('statements')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Post()
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'createStatement',
    summary: 'Log what an actor said, where and when, in which source, and its stance toward each proposal',
    description:
      'The source is deduplicated: the same URL (scheme and host lower-cased, fragment and trailing slash ignored), ' +
      'or without a URL the same publisher, title and date, is one source row however often it is cited.',
  })
  @ApiCreatedResponse({ type: StatementDto, description: 'With an ETag header' })
  @ApiProblems(400, 409, 422)
  @ApiRequestBody(CreateStatementDto, CREATE_STATEMENT)
  async create(
    @Body() body: CreateStatementDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementDto | undefined> {
    const statement = await this.statements.create(body, user, context);
    return withEtag(reply, statement.version, statement);
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listStatements',
    summary: 'List statements, most recent saidOn first, or best match first with q; retracted ones hidden',
    description:
      'Paginated by cursor. Filters combine: speaker, proposal, stance, event, dates and a full-text `q`. Retracted statements appear only with `includeRetracted=true`.',
  })
  @ApiOkResponse({ type: StatementListDto })
  @ApiProblems(400)
  list(@Query() query: ListStatementsQueryDto): Promise<StatementListDto> {
    return this.statements.list(query);
  }

  @Get(':id')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getStatement',
    summary: 'One statement, retracted or not',
    description:
      'By id, with its speaker, source, event and stance toward each proposal. With `If-None-Match`, 304 when unchanged.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag you hold: 304 if unchanged' })
  @ApiOkResponse({ type: StatementDto, description: 'With an ETag header' })
  @ApiProblems(404)
  async get(
    @Param('id', statementId) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementDto | undefined> {
    const statement = await this.statements.get(id);
    return withEtag(reply, statement.version, toStatementDto(statement), ifNoneMatch);
  }

  @Patch(':id')
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'updateStatement',
    summary: 'Edit a standing statement; null clears speakerRole, event, quote, summary or note',
    description:
      'Staff and above. Needs If-Match with the ETag you read, or `version` in the body: 428 without, 412 when someone changed it since. A retracted statement cannot be edited.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; or send `version` in the body' })
  @ApiOkResponse({ type: StatementDto, description: 'With the new ETag' })
  @ApiProblems(400, 404, 409, 412, 422, 428)
  @ApiRequestBody(UpdateStatementDto, UPDATE_STATEMENT)
  async update(
    @Param('id', statementId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateStatementDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementDto | undefined> {
    const statement = await this.statements.update(id, expectedVersion(ifMatch, body.version), body, context);
    return withEtag(reply, statement.version, toStatementDto(statement));
  }

  @Post(':id/retract')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retractStatement',
    summary: 'Retract a statement: kept and flagged, excluded from counts, momentum and default lists',
    description:
      'Editors and admins; a reason is required. The statement stays, flagged with who retracted it, when and why; it no longer counts toward momentum, last activity or reports. Retracting it again is a 409.',
  })
  @ApiOkResponse({ type: StatementDto, description: 'The statement, flagged' })
  @ApiProblems(400, 404, 409)
  @ApiRequestBody(RetractStatementDto, RETRACT_STATEMENT)
  async retract(
    @Param('id', statementId) id: string,
    @Body() body: RetractStatementDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementDto | undefined> {
    const statement = await this.statements.retract(id, body, user, context);
    return withEtag(reply, statement.version, toStatementDto(statement));
  }
}
