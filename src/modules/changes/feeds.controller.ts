import { Controller, Get, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthenticatedUser, CurrentUser, Public, RequireRole } from '../../common/auth/auth.decorators.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { Idempotent, SecretResponse } from '../idempotency/idempotency.interceptor.js';
import { UsersService } from '../users/users.service.js';
import { ChangesFeedQueryDto, FeedKeyDto, FeedQueryDto } from './dto/watches.dto.js';
import { type AtomFeed, FEED_ENTRIES, FeedsService } from './feeds.service.js';

const ATOM = 'application/atom+xml';

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Answers a feed, or 304 when the reader holds it already. */
function send(reply: FastifyReply, feed: AtomFeed, ifNoneMatch: string | undefined): string | undefined {
  void reply.header('etag', feed.etag).header('cache-control', 'private, max-age=0');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === feed.etag)) {
    void reply.status(304);
    return undefined;
  }
  void reply.header('content-type', `${ATOM}; charset=utf-8`);
  return feed.xml;
}

@ApiTags('changes')
@Controller()
export class FeedsController {
  constructor(
    private readonly feeds: FeedsService,
    private readonly users: UsersService,
  ) {}

  @Get('feeds/changes.atom')
  @Public()
  @ApiSecurity('feedKey')
  @ApiOperation({
    operationId: 'getChangesFeed',
    summary: `The latest ${FEED_ENTRIES} changes as an Atom feed (RFC 4287), newest first`,
    description:
      'For feed readers, which send no headers: `?key=` carries your feed key (POST /me/feed-key). With ' +
      'PUBLIC_READ=true no key is needed. Each entry: a stable id, the change’s summary as its title, a link to ' +
      'the proposal’s page. ETag and If-None-Match → 304.',
  })
  @ApiProduces(ATOM)
  @ApiOkResponse({ description: 'The feed', content: { [ATOM]: { schema: { type: 'string' } } } })
  @ApiProblems(400, 401)
  async changes(
    @Query() query: ChangesFeedQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const feed = await this.feeds.changes(
      { proposal: query.proposal, actor: query.actor, tag: query.tag },
      query.key,
      origin(request),
      `${origin(request)}${request.url}`,
    );
    return send(reply, feed, ifNoneMatch);
  }

  @Get('feeds/watches.atom')
  @Public()
  @ApiSecurity('feedKey')
  @ApiOperation({
    operationId: 'getWatchesFeed',
    summary: `The latest ${FEED_ENTRIES} changes to what the key’s owner watches, as an Atom feed`,
    description:
      'Needs `?key=`, a feed key; it opens its owner’s feeds and nothing else. ETag and If-None-Match → 304.',
  })
  @ApiProduces(ATOM)
  @ApiOkResponse({ description: 'The feed', content: { [ATOM]: { schema: { type: 'string' } } } })
  @ApiProblems(400, 401)
  async watches(
    @Query() query: FeedQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const feed = await this.feeds.watched(query.key, origin(request), `${origin(request)}${request.url}`);
    return send(reply, feed, ifNoneMatch);
  }

  @Post('me/feed-key')
  @Idempotent()
  @RequireRole('analyst')
  @SecretResponse('key', 'watchesFeed')
  @ApiAuthenticated()
  @ApiOperation({
    operationId: 'issueFeedKey',
    summary: 'A new read-only feed key for the caller, shown once; the old one stops working',
    description: 'Needs no body. The key opens the caller’s Atom feeds and nothing else; only its hash is kept.',
  })
  @ApiCreatedResponse({ type: FeedKeyDto })
  async feedKey(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
    @Req() request: FastifyRequest,
  ): Promise<FeedKeyDto> {
    const key = await this.users.issueFeedKey(user.id, context);
    return { key, watchesFeed: `${origin(request)}/api/v1/feeds/watches.atom?key=${key}` };
  }
}
