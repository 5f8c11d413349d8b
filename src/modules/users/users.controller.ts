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
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { CREATE_USER, UPDATE_USER } from './openapi-examples.js';

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
  @ApiOperation({
    operationId: 'createUser',
    summary: 'Create a user; the response carries their first token, shown once',
    description:
      'Admin only. The token in the response is shown this once: the service keeps only its hash. A replay of the same Idempotency-Key answers the user again with `token: null`.',
  })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiProblems(400, 409)
  @ApiRequestBody(CreateUserDto, CREATE_USER)
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
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'List users by name',
    description: 'Admin only. Paginated by cursor, by name; tokens are never listed.',
  })
  @ApiOkResponse({ type: UserListDto })
  @ApiProblems(400)
  list(@Query() query: ListUsersQueryDto): Promise<UserListDto> {
    return this.users.list(query.limit, query.cursor);
  }

  @Patch('users/:id')
  @RequireRole('admin')
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Change a user’s role, or deactivate them (`active: false`)',
    description: 'Admin only. A new role or a deactivation takes effect on the user’s next request, on every instance.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version you read, as its ETag; or send `version` in the body',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 404, 412, 428)
  @ApiRequestBody(UpdateUserDto, UPDATE_USER)
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
  @ApiOperation({
    operationId: 'revokeUserToken',
    summary: 'Revoke one of a user’s tokens: it stops working at once',
    description:
      'Admin only. The token stops working on its next use, on every instance; the audit log records who revoked it. A token already revoked is a 409.',
  })
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
  @ApiOperation({
    operationId: 'issueUserToken',
    summary: 'Issue another token for a user, shown once',
    description:
      'Admin only. Needs no body. The token is shown this once; a user may hold several (one per device or script).',
  })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiProblems(404)
  issueToken(@Param('id', uuid) id: string, @CurrentContext() context: RequestContext): Promise<IssuedTokenDto> {
    return this.users.issueToken(id, context);
  }

  @Get('me')
  @RequireRole('analyst')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'getCurrentUser',
    summary: 'The caller’s user and role',
    description:
      'Who the token belongs to and what it may do; a quick check that a token works. With `If-None-Match`, 304 when unchanged.',
  })
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
