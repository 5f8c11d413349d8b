import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { withEtag } from '../../common/http/conditional.js';
import { SlugPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { CreateEventDto, EventDto, EventListDto, ListEventsQueryDto } from './dto/events.dto.js';
import { EventsService } from './events.service.js';
import { toEventDto } from './events.repository.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { CREATE_EVENT } from './openapi-examples.js';

@ApiTags('events')
@ApiAuthenticated()
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'createEvent',
    summary: 'Record a summit, conference, roundtable, meeting, interview or publication',
    description:
      'Staff and above. Dates are world dates: not after today, with their certainty. The organizers must be known actors.',
  })
  @ApiCreatedResponse({ type: EventDto, description: 'With an ETag header' })
  @ApiProblems(400, 409, 422)
  @ApiRequestBody(CreateEventDto, CREATE_EVENT)
  async create(
    @Body() body: CreateEventDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EventDto | undefined> {
    const event = await this.events.create(body, context);
    return withEtag(reply, event.version, toEventDto(event));
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'List events, most recent startsOn first',
    description: 'Paginated by cursor; filtered by kind, organizer, dates and a name search `q`.',
  })
  @ApiOkResponse({ type: EventListDto })
  @ApiProblems(400)
  list(@Query() query: ListEventsQueryDto): Promise<EventListDto> {
    return this.events.list(query);
  }

  @Get(':slug')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getEvent',
    summary: 'One event with its organizers',
    description:
      'By slug, with its organizers and the source that records it. With `If-None-Match`, 304 when unchanged.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag you hold: 304 if unchanged' })
  @ApiOkResponse({ type: EventDto, description: 'With an ETag header' })
  @ApiProblems(404)
  async get(
    @Param('slug', new SlugPipe('event')) slug: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EventDto | undefined> {
    const event = await this.events.get(slug);
    return withEtag(reply, event.version, toEventDto(event), ifNoneMatch);
  }
}
