import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { SlugPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { toActorDto } from './actors.repository.js';
import { ActorsService } from './actors.service.js';
import {
  ActorDto,
  ActorListDto,
  CreateActorDto,
  ListActorsQueryDto,
  MergeActorDto,
  UpdateActorDto,
} from './dto/actors.dto.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { CREATE_ACTOR, MERGE_ACTOR, UPDATE_ACTOR } from './openapi-examples.js';

@ApiTags('actors')
@ApiAuthenticated()
@Controller('actors')
export class ActorsController {
  constructor(private readonly actors: ActorsService) {}

  @Post()
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'createActor',
    summary: 'Create an actor: a state, an organization or a person',
    description:
      'Staff and above. The slug is made from the name unless given. An actor whose name, short name or alias matches an existing one is refused as a likely duplicate unless `confirmNew` is true.',
  })
  @ApiCreatedResponse({ type: ActorDto, description: 'With an ETag header' })
  @ApiProblems(400, 409, 422)
  @ApiRequestBody(CreateActorDto, CREATE_ACTOR)
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
  @ApiOperation({
    operationId: 'listActors',
    summary: 'List actors by slug, filtered by kind and a case-insensitive name search',
    description: 'Paginated by cursor. `q` matches names, short names and aliases, ignoring case.',
  })
  @ApiOkResponse({ type: ActorListDto })
  @ApiProblems(400)
  list(@Query() query: ListActorsQueryDto): Promise<ActorListDto> {
    return this.actors.list(query);
  }

  @Get(':slug')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getActor',
    summary: 'One actor',
    description:
      'By slug; a slug an actor was merged away from still resolves, to the actor it was merged into. With `If-None-Match`, 304 when unchanged.',
  })
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
  @ApiOperation({
    operationId: 'updateActor',
    summary: 'Edit an actor; null clears shortName, description, title or country',
    description:
      'Staff and above. Needs If-Match with the ETag you read, or `version` in the body: 428 without, 412 when someone changed it since.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; or send `version` in the body' })
  @ApiOkResponse({ type: ActorDto, description: 'With the new ETag' })
  @ApiProblems(400, 404, 412, 422, 428)
  @ApiRequestBody(UpdateActorDto, UPDATE_ACTOR)
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

  @Post(':slug/merge')
  @Idempotent()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'mergeActor',
    summary: 'Merge a duplicate actor into the one it repeats',
    description:
      'Editors and admins. Every reference to the duplicate — as proposer, forum, organizer, speaker, member or ' +
      'country — moves to `into`; the duplicate’s names join its aliases; the duplicate’s slug goes on resolving ' +
      'to it (GET, and in any body that names an actor). The merge is shown in `mergedFrom` and the audit log. ' +
      'Only actors of one kind merge; an actor already merged is a 409.',
  })
  @ApiOkResponse({ type: ActorDto, description: 'The actor merged into, with its new ETag' })
  @ApiProblems(400, 404, 409, 422)
  @ApiRequestBody(MergeActorDto, MERGE_ACTOR)
  async merge(
    @Param('slug', new SlugPipe('actor')) slug: string,
    @Body() body: MergeActorDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActorDto | undefined> {
    const actor = await this.actors.merge(slug, body, user, context);
    return withEtag(reply, actor.version, toActorDto(actor));
  }
}
