import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { SlugPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { toActorDto } from './actors.repository.js';
import { ActorsService } from './actors.service.js';
import { ActorDto, ActorListDto, CreateActorDto, ListActorsQueryDto, UpdateActorDto } from './dto/actors.dto.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';

@ApiTags('actors')
@ApiAuthenticated()
@Controller('actors')
export class ActorsController {
  constructor(private readonly actors: ActorsService) {}

  @Post()
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({ summary: 'Create an actor: a state, an organization or a person' })
  @ApiCreatedResponse({ type: ActorDto, description: 'With an ETag header' })
  @ApiProblems(400, 409, 422)
  async create(
    @Body() body: CreateActorDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActorDto | undefined> {
    const actor = await this.actors.create(body, context);
    return withEtag(reply, actor.version, toActorDto(actor));
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({ summary: 'List actors by slug, filtered by kind and a case-insensitive name search' })
  @ApiOkResponse({ type: ActorListDto })
  @ApiProblems(400)
  list(@Query() query: ListActorsQueryDto): Promise<ActorListDto> {
    return this.actors.list(query);
  }

  @Get(':slug')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({ summary: 'One actor' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag you hold: 304 if unchanged' })
  @ApiOkResponse({ type: ActorDto, description: 'With an ETag header' })
  @ApiProblems(404)
  async get(
    @Param('slug', new SlugPipe('actor')) slug: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActorDto | undefined> {
    const actor = await this.actors.get(slug);
    return withEtag(reply, actor.version, toActorDto(actor), ifNoneMatch);
  }

  @Patch(':slug')
  @RequireRole('staff')
  @ApiOperation({ summary: 'Edit an actor; null clears shortName, description, title or country' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; or send `version` in the body' })
  @ApiOkResponse({ type: ActorDto, description: 'With the new ETag' })
  @ApiProblems(400, 404, 412, 422, 428)
  async update(
    @Param('slug', new SlugPipe('actor')) slug: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateActorDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActorDto | undefined> {
    const actor = await this.actors.update(slug, expectedVersion(ifMatch, body.version), body, context);
    return withEtag(reply, actor.version, toActorDto(actor));
  }
}
