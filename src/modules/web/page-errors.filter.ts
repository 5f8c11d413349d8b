import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppLogger } from '../../common/logging/app-logger.js';
import { toProblem } from '../../common/errors/to-problem.js';
import type { AuthenticatedRequest } from '../../common/auth/auth.decorators.js';
import { hasRole } from '../../common/auth/roles.js';

/**
 * Errors on a page, as a page: not signed in (or a session whose token is no longer valid) goes to
 * the sign-in page and back; any other problem is shown with the API's status and message.
 */
@Catch()
@Injectable()
export class PageErrors implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { problem, unexpected } = toProblem(exception);
    if (unexpected) {
      this.logger.write('error', 'unhandled error', {
        requestId: request.id,
        error: String((exception as { message?: unknown } | null)?.message ?? exception),
        stack: (exception as { stack?: unknown } | null)?.stack,
      });
    }
    if (problem.status === 401 && request.method === 'GET') {
      void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return;
    }
    const user = (request as AuthenticatedRequest).user ?? null;
    void reply.status(problem.status).view('error', {
      title: problem.title,
      problem: { ...problem, requestId: request.id },
      user,
      can: { log: user !== null && hasRole(user.role, 'staff'), edit: user !== null && hasRole(user.role, 'editor') },
      csrf: user === null ? '' : reply.generateCsrf(),
    });
  }
}
