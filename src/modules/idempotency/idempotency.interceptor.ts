import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../../common/auth/auth.decorators.js';
import { Db } from '../../common/database/db.js';
import { invalid } from '../../common/errors/domain-error.js';
import { IdempotencyService } from './idempotency.service.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Nest's metadata key for `@HttpCode`. */
const HTTP_CODE = '__httpCode__';
const SECRET_RESPONSE = 'ppt:secret-response';

/**
 * Marks a route whose response shows a secret once (a new token, a webhook's secret, a feed key):
 * its stored response keeps those fields as null, so a replay confirms the write without the
 * secret ever resting in the database.
 */
export const SecretResponse = (...fields: string[]): MethodDecorator =>
  SetMetadata(SECRET_RESPONSE, fields.length > 0 ? fields : ['token']);

/** The response as stored for replays: a secret route's secret fields blanked. */
function storable(body: unknown, secret: string[] | undefined): unknown {
  if (secret === undefined || typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, secret.includes(key) ? null : value]));
}

/** JSON with object keys sorted, so the same body hashes the same however its keys are ordered. */
function canonical(value: unknown): string {
  // A body taken as bytes (an import's file) by its digest.
  if (Buffer.isBuffer(value)) return `bytes:${createHash('sha256').update(value).digest('hex')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Makes a POST with `Idempotency-Key` safe to repeat: the handler runs in one transaction that
 * also stores its response, so the effect and the record of it commit together or not at all.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly keys: IdempotencyRepository,
    private readonly db: Db,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw invalid('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
    }
    const user = request.user;
    if (user === undefined) return next.handle();
    const status = this.reflector.get<number | undefined>(HTTP_CODE, context.getHandler()) ?? 201;
    const secret = this.reflector.get<string[] | undefined>(SECRET_RESPONSE, context.getHandler());
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');

    return from(
      (async () => {
        const outcome = await this.idempotency.execute(user.id, header, requestHash, () =>
          this.db.transaction(async () => {
            const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
            const etag = reply.getHeader('etag');
            await this.keys.complete(
              user.id,
              header,
              status,
              JSON.stringify(storable(body, secret) ?? null),
              typeof etag === 'string' ? etag : null,
            );
            return body;
          }),
        );
        if (!outcome.replayed) return outcome.value;
        const { stored } = outcome;
        void reply.status(stored.statusCode as number).header('idempotent-replayed', 'true');
        if (stored.responseEtag !== null) void reply.header('etag', stored.responseEtag);
        return JSON.parse(stored.responseBody ?? 'null') as unknown;
      })(),
    );
  }
}

/**
 * Marks a POST that honours `Idempotency-Key`: every POST route carries it (a test walks the
 * routes to hold this). Bound per route rather than globally, so that reads go through no
 * interceptor at all.
 */
export const Idempotent = (): MethodDecorator & ClassDecorator => UseInterceptors(IdempotencyInterceptor);
