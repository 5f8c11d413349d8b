import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest, OPEN_READ_KEY, PUBLIC_KEY, ROLE_KEY } from '../../common/auth/auth.decorators.js';
import { hasRole, type Role } from '../../common/auth/roles.js';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { unauthenticated } from './authenticate-first.js';

/**
 * The one check of who may call what: each route declares the least role it needs
 * (`@RequireRole`) or is `@Public()`; a route that declares neither is admin-only. The caller was
 * found before the body was read (`authenticateFirst`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = request.user;
    if (user === undefined) {
      const openRead = this.reflector.getAllAndOverride<boolean>(OPEN_READ_KEY, targets);
      const anonymous = request.headers.authorization === undefined;
      const read = request.method === 'GET' || request.method === 'HEAD';
      if (anonymous && openRead && this.config.publicRead && read) return true;
      throw unauthenticated();
    }

    const required = this.reflector.getAllAndOverride<Role>(ROLE_KEY, targets) ?? 'admin';
    if (!hasRole(user.role, required)) {
      throw new DomainError('forbidden', `This needs the ${required} role; you are ${user.role}`);
    }
    return true;
  }
}
