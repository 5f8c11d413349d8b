import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppLogger } from '../logging/app-logger.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { toProblem } from './to-problem.js';

/** Writes `error` as RFC 9457 problem details; shared by Nest's filter and Fastify's handler. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: AppLogger): void {
  const { problem, unexpected } = toProblem(error);
  if (unexpected) {
    logger.write('error', 'unhandled error', {
      requestId: request.id,
      error: String((error as { message?: unknown } | null)?.message ?? error),
      stack: (error as { stack?: unknown } | null)?.stack,
    });
  }
  problem.instance = request.url.split('?')[0];
  problem.requestId = request.id;
  if (problem.status === 503) void reply.header('retry-after', '5');
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

/** The one place where exceptions from any module become HTTP responses. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
