import { AsyncLocalStorage } from 'node:async_hooks';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';

/** Who is writing and in which request: what every audit row records. */
export interface RequestContext {
  requestId: string | null;
  userId: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request (or job) being served; empty outside one. */
export function currentContext(): RequestContext {
  return storage.getStore() ?? { requestId: null, userId: null };
}

/** Runs `work` as `context`: for work the service does outside a request (seeds, bootstrap). */
export function runInContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** Serves every route inside its request's context, once the guard has found the user. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const value: RequestContext = { requestId: request.id, userId: request.user?.id ?? null };
    return new Observable((subscriber) => storage.run(value, () => next.handle().subscribe(subscriber)));
  }
}
