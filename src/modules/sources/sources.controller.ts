import { Body, Controller, Get, Headers, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import {
  ListSourcesQueryDto,
  SourceListDto,
  SourceRecordDto,
  SourceWithCitationsDto,
  UpdateSourceDto,
} from './dto/source.dto.js';
import { SourcesService } from './sources.service.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { UPDATE_SOURCE } from './openapi-examples.js';

@ApiTags('sources')
@ApiAuthenticated()
@Controller('sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listSources',
    summary: 'List sources, newest publication first',
    description: 'Filtered by a text search over title, publisher and URL, by publisher, and by publication date.',
  })
  @ApiOkResponse({ type: SourceListDto })
  @ApiProblems(400)
  list(@Query() query: ListSourcesQueryDto): Promise<SourceListDto> {
    return this.sources.list(query);
  }

  @Get(':id')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getSource',
    summary: 'One source, with every record that rests on it',
    description:
      'The citations are the transitions, statements, assessments and participation acts that cite it, retracted ones flagged.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag you hold: 304 if unchanged' })
  @ApiOkResponse({ type: SourceWithCitationsDto, description: 'With an ETag header' })
  @ApiProblems(404)
  async get(
    @Param('id', new UuidPipe('source')) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SourceWithCitationsDto | undefined> {
    const source = await this.sources.get(id);
    return withEtag(reply, source.version, source, ifNoneMatch);
  }

  @Patch(':id')
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'updateSource',
    summary: 'Edit a source: its citation fields and a note',
    description:
      'Needs If-Match with the ETag you read, or `version` in the body. Every record citing it keeps citing it; an edit that gives it the identity of another source (its URL, or publisher, title and date) is a 409.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; or send `version` in the body' })
  @ApiOkResponse({ type: SourceRecordDto, description: 'With the new ETag' })
  @ApiProblems(400, 404, 409, 412, 428)
  @ApiRequestBody(UpdateSourceDto, UPDATE_SOURCE)
  async update(
    @Param('id', new UuidPipe('source')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateSourceDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SourceRecordDto | undefined> {
    const source = await this.sources.update(id, expectedVersion(ifMatch, body.version), body, context);
    return withEtag(reply, source.version, source);
  }
}
