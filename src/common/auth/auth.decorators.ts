import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from './roles.js';

export const ROLE_KEY = 'ppt:role';
export const PUBLIC_KEY = 'ppt:public';
export const OPEN_READ_KEY = 'ppt:open-read';

/** The least role that may call the route. Every route declares one or is {@link Public}. */
export const RequireRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ROLE_KEY, role);

/** Served without a token (health, readiness). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** A GET that `PUBLIC_READ=true` opens to anonymous callers. */
export const OpenRead = (): MethodDecorator & ClassDecorator => SetMetadata(OPEN_READ_KEY, true);

export interface AuthenticatedUser {
  id: string;
  name: string;
  role: Role;
}

export interface AuthenticatedRequest extends FastifyRequest {
  user?: AuthenticatedUser;
}

/** The caller, as resolved by the auth guard; undefined only on public or open-read routes. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
