import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  { perMinute, skip, pages }: { perMinute: number; skip: (path: string) => boolean; pages: PageSessions },
): void {
  const failures = new LRUCache<string, { count: number; since: number }>({ max: 50_000, ttl: 60_000 });
  fastify.addHook('onRequest', async (request: AuthenticatedRequest, reply) => {
    const path = request.url.split('?')[0];
    // Probes answer whoever asks, whether or not the database does.
    if (skip(path)) return;
    const header = request.headers.authorization;
    const page = pages.isPage(path);
    let token: string | undefined;
    if (header !== undefined) {
      token = BEARER.exec(header)?.[1];
    } else {
      // A page's caller is the token its session holds, checked exactly as a bearer token is.
      token = page ? pages.sessionToken(request) : undefined;
      if (token === undefined) {
        if (!WITH_BODY.has(request.method)) return;
        if (page) return refusePage(reply, path, pages);
        sendProblem(unauthenticated(), request, reply, logger);
        return reply;
      }
    }
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
    if (page) return refusePage(reply, path, pages);
    sendProblem(unauthenticated(), request, reply, logger);
    return reply;
  });
}

/** How pages find their caller: by the session cookie, for the paths that are pages. */
export interface PageSessions {
  isPage(path: string): boolean;
  sessionToken(request: FastifyRequest): string | undefined;
  /** The pages that take a form from someone not signed in (the sign-in form). */
  takesAnonymousPost(path: string): boolean;
}

/**
 * A form posted to a page without a valid session: the sign-in form goes on to its handler; any
 * other is sent to sign in (303) before its body is read.
 */
function refusePage(reply: FastifyReply, path: string, pages: PageSessions): FastifyReply | undefined {
  if (pages.takesAnonymousPost(path)) return undefined;
  void reply.redirect('/login', 303);
  return reply;
}
