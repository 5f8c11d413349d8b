import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest, OPEN_READ_KEY, PUBLIC_KEY, ROLE_KEY } from '../../common/auth/auth.decorators.js';
import { hasRole, type Role } from '../../common/auth/roles.js';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { UsersService } from './users.service.js';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** The same answer for a missing, unknown, revoked or deactivated token. */
const unauthenticated = (): DomainError =>
  new DomainError('unauthenticated', 'Send a valid token as Authorization: Bearer <token>');

/**
 * The one check of who may call what: each route declares the least role it needs
 * (`@RequireRole`) or is `@Public()`; a route that declares neither is admin-only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      const openRead = this.reflector.getAllAndOverride<boolean>(OPEN_READ_KEY, targets);
      if (openRead && this.config.publicRead && request.method === 'GET') return true;
      throw unauthenticated();
    }
    const match = BEARER.exec(header);
    if (!match) throw unauthenticated();
    const user = await this.users.authenticate(match[1]);
    if (!user) throw unauthenticated();
    request.user = user;

    const required = this.reflector.getAllAndOverride<Role>(ROLE_KEY, targets) ?? 'admin';
    if (!hasRole(user.role, required)) {
      throw new DomainError('forbidden', `This needs the ${required} role; you are ${user.role}`);
    }
    return true;
  }
}
