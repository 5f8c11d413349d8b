import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireRole } from '../../common/auth/auth.decorators.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import {
  CreatedUserDto,
  CreateUserDto,
  IssuedTokenDto,
  ListUsersQueryDto,
  MeDto,
  UpdateUserDto,
  UserDto,
  UserListDto,
} from './dto/users.dto.js';
import { Idempotent, SecretResponse } from '../idempotency/idempotency.interceptor.js';
import { toUserDto, UsersService } from './users.service.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';

const uuid = new UuidPipe('user');

@ApiTags('users')
@ApiAuthenticated()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('users')
  @Idempotent()
  @RequireRole('admin')
  @SecretResponse()
  @ApiOperation({ summary: 'Create a user; the response carries their first token, shown once' })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiProblems(400, 409)
  async create(
    @Body() body: CreateUserDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedUserDto | undefined> {
    const created = await this.users.create(body, context);
    return withEtag(reply, created.user.version, created);
  }

  @Get('users')
  @RequireRole('admin')
  @ApiOperation({ summary: 'List users by name' })
  @ApiOkResponse({ type: UserListDto })
  @ApiProblems(400)
  list(@Query() query: ListUsersQueryDto): Promise<UserListDto> {
    return this.users.list(query.limit, query.cursor);
  }

  @Patch('users/:id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Change a user’s role, or deactivate them (`active: false`)' })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version you read, as its ETag; or send `version` in the body',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 412, 428)
  async update(
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateUserDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserDto | undefined> {
    const user = await this.users.update(id, expectedVersion(ifMatch, body.version), body, context);
    return withEtag(reply, user.version, user);
  }

  @Delete('users/:id/tokens/:tokenId')
  @RequireRole('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of a user’s tokens: it stops working at once' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(404, 409)
  revokeToken(
    @Param('id', uuid) id: string,
    @Param('tokenId', new UuidPipe('token')) tokenId: string,
    @CurrentContext() context: RequestContext,
  ): Promise<void> {
    return this.users.revokeToken(id, tokenId, context);
  }

  @Post('users/:id/tokens')
  @Idempotent()
  @RequireRole('admin')
  @SecretResponse()
  @ApiOperation({ summary: 'Issue another token for a user, shown once' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiProblems(404)
  issueToken(@Param('id', uuid) id: string, @CurrentContext() context: RequestContext): Promise<IssuedTokenDto> {
    return this.users.issueToken(id, context);
  }

  @Get('me')
  @RequireRole('analyst')
  @HttpCode(200)
  @ApiOperation({ summary: 'The caller’s user and role' })
  @ApiOkResponse({ type: MeDto })
  async me(
    @CurrentUser() caller: AuthenticatedUser,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MeDto | undefined> {
    const user = await this.users.get(caller.id);
    return withEtag(reply, user.version, { user: toUserDto(user), role: user.role }, ifNoneMatch);
  }
}
