import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, tap } from 'rxjs';

function nextCursorOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const page = (body as { page?: { nextCursor?: unknown } }).page;
  return typeof page?.nextCursor === 'string' ? page.nextCursor : null;
}

/**
 * Mirrors a list's `page.nextCursor` in a `Link: <…>; rel="next"` header (RFC 8288): the same
 * path and query with `cursor` replaced, so a client can follow pages without reading the body.
 * Put on each paged list route (`@UseInterceptors(PageLinkInterceptor)`), not globally: every
 * interceptor adds its own layer of observables to every request it wraps.
 */
@Injectable()
export class PageLinkInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      tap((body) => {
        const cursor = request.method === 'GET' ? nextCursorOf(body) : null;
        if (cursor === null) return;
        const url = new URL(request.url, 'http://placeholder');
        url.searchParams.set('cursor', cursor);
        void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
      }),
    );
  }
}
