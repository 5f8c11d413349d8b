import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { AuditService } from '../audit/audit.service.js';
import { ChangeListDto, ListChangesQueryDto } from '../audit/dto/change.dto.js';
import { CreateWatchDto, WatchDto, WatchListDto } from './dto/watches.dto.js';
import { CREATE_WATCH } from './openapi-examples.js';
import { WatchesService } from './watches.service.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';

const CURSOR =
  'Oldest first. Following `page.nextCursor` (as `after`) visits every change exactly once, even while writers ' +
  'commit concurrently and out of order: a change is shown only once every transaction that began before it has ' +
  'ended. At the end of the feed `hasMore` is false and `nextCursor` is the place to poll from next time.';

@ApiTags('changes')
@ApiAuthenticated()
@Controller()
export class ChangesController {
  constructor(
    private readonly audit: AuditService,
    private readonly watches: WatchesService,
  ) {}

  @Get('changes')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'listChanges',
    summary: 'Every change a reader can see, one per write, in commit order',
    description: `${CURSOR} Filters combine; a cursor is bound to the filters it was issued for.`,
  })
  @ApiOkResponse({ type: ChangeListDto })
  @ApiProblems(400)
  list(@Query() query: ListChangesQueryDto): Promise<ChangeListDto> {
    return this.audit.changes(query);
  }

  @Get('me/changes')
  @RequireRole('analyst')
  @ApiOperation({
    operationId: 'listMyChanges',
    summary: 'The change feed, restricted to what the caller watches',
    description: `${CURSOR} A watched actor matches changes about proposals it proposes and statements it makes.`,
  })
  @ApiOkResponse({ type: ChangeListDto })
  @ApiProblems(400)
  async mine(@Query() query: ListChangesQueryDto, @CurrentUser() user: AuthenticatedUser): Promise<ChangeListDto> {
    return this.audit.changes(query, await this.watches.watched(user.id));
  }

  @Post('watches')
  @Idempotent()
  @RequireRole('analyst')
  @ApiOperation({
    operationId: 'createWatch',
    summary: 'Watch a proposal, an actor, a tag or a forum',
    description:
      'Any role; one target per watch. Watching a target again answers the watch already there (200, not 201).',
  })
  @ApiCreatedResponse({ type: WatchDto })
  @ApiOkResponse({ type: WatchDto, description: 'Already watched' })
  @ApiProblems(400, 422)
  @ApiRequestBody(CreateWatchDto, CREATE_WATCH)
  async watch(
    @Body() body: CreateWatchDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WatchDto> {
    const { watch, created } = await this.watches.create(user.id, body);
    void reply.status(created ? 201 : 200);
    return watch;
  }

  @Get('watches')
  @RequireRole('analyst')
  @ApiOperation({
    operationId: 'listWatches',
    summary: 'The caller’s watches',
    description: 'Oldest first; only the caller’s own.',
  })
  @ApiOkResponse({ type: WatchListDto })
  async listWatches(@CurrentUser() user: AuthenticatedUser): Promise<WatchListDto> {
    return { data: await this.watches.list(user.id) };
  }

  @Delete('watches/:id')
  @RequireRole('analyst')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteWatch',
    summary: 'Stop watching',
    description: 'The caller’s own watches only: another user’s is a 404, as one that does not exist.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  unwatch(@Param('id', new UuidPipe('watch')) id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.watches.delete(user.id, id);
  }
}
