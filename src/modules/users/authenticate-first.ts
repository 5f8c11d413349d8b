import type { FastifyInstance } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { AuthenticatedRequest } from '../../common/auth/auth.decorators.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { sendProblem } from '../../common/errors/problem.filter.js';
import type { AppLogger } from '../../common/logging/app-logger.js';
import { plural } from '../../common/i18n/wording.js';
import type { UsersService } from './users.service.js';

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export const BEARER = /^bearer ([\x21-\x7e]{1,512})$/i;

/** Methods that may carry a body; every route taking one needs a token. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The same answer for a missing, unknown, revoked or deactivated token. */
export const unauthenticated = (): DomainError =>
  new DomainError('unauthenticated', 'Send a valid token as Authorization: Bearer <token>');

/**
 * Finds the caller before anything else is done with the request: a request that must be
 * authenticated and is not is answered 401 before its body is read, and the rate limit can count
 * valid callers by user and everyone else by address. Failed authentications are limited per
 * address (`perMinute`): past it, a token not found valid lately is refused (429) without being
 * looked up, so that rotating made-up tokens costs the database nothing. The auth guard decides roles, on what this found.
 */
export function authenticateFirst(
  fastify: FastifyInstance,
  users: UsersService,
  logger: AppLogger,
  { perMinute, skip }: { perMinute: number; skip: (path: string) => boolean },
): void {
  const failures = new LRUCache<string, { count: number; since: number }>({ max: 50_000, ttl: 60_000 });
  fastify.addHook('onRequest', async (request: AuthenticatedRequest, reply) => {
    // Probes answer whoever asks, whether or not the database does.
    if (skip(request.url.split('?')[0])) return;
    const header = request.headers.authorization;
    if (header === undefined) {
      if (!WITH_BODY.has(request.method)) return;
      sendProblem(unauthenticated(), request, reply, logger);
      return reply;
    }
    const token = BEARER.exec(header)?.[1];
    const known = token === undefined ? undefined : users.recall(token);
    if (known !== undefined) {
      request.user = known;
      return;
    }
    const failed = failures.get(request.ip);
    if (failed !== undefined && failed.count >= perMinute) {
      const after = Math.max(1, Math.ceil((failed.since + 60_000 - Date.now()) / 1000));
      void reply.header('retry-after', String(after));
      sendProblem(
        new DomainError(
          'rate_limited',
          `More than ${plural(perMinute, 'failed authentication')} a minute from this address; retry in ${after} s`,
        ),
        request,
        reply,
        logger,
      );
      return reply;
    }
    const user = token === undefined ? null : await users.authenticate(token);
    if (user !== null) {
      request.user = user;
      return;
    }
    if (failed === undefined) failures.set(request.ip, { count: 1, since: Date.now() });
    else failed.count += 1;
    if (!WITH_BODY.has(request.method)) return;
    sendProblem(unauthenticated(), request, reply, logger);
    return reply;
  });
}
