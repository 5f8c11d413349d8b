import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { NestFactory } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import type { AppConfig } from './common/config/app-config.js';
import { runMigrations } from './common/database/data-source.js';
import { DomainError } from './common/errors/domain-error.js';
import { ProblemFilter, sendProblem } from './common/errors/problem.filter.js';
import { JsonBodyError, parseJsonBodies } from './common/http/json-body.js';
import { RateLimiter } from './common/http/rate-limit.js';
import { ProblemDto } from './common/errors/problem.js';
import { createValidationPipe } from './common/errors/validation.js';
import { API_DESCRIPTION, documentIdempotency } from './common/openapi/document.js';
import { linkNextPages } from './common/http/page-link.js';
import { requestIdOf } from './common/http/request-id.js';
import { JsonLogger } from './common/logging/json-logger.js';
import { loadSeeds } from '../seeds/loader.js';
import { ProposalsRepository } from './modules/proposals/proposals.repository.js';
import { AdminBootstrapService } from './modules/users/admin-bootstrap.service.js';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger?: JsonLogger;
  /**
   * Serve the Swagger UI at /docs (default). Off only where its static-file plugin cannot load
   * (Jest's ESM runtime); /openapi.json is served either way.
   */
  docsUi?: boolean;
}

/** Builds the application: Fastify, validation, problem+json errors, request logs, OpenAPI. */
export async function createApp({
  config,
  databaseUrl,
  logger = new JsonLogger(config.logLevel),
  docsUi = true,
}: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    genReqId: requestIdOf,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
    // Errors Fastify meets before routing (an over-long path segment, a malformed URL) are
    // problems like any other.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(error, request, reply, logger),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, databaseUrl, logger }),
    adapter,
    { logger, bufferLogs: false, bodyParser: false },
  );
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'ready'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(logger));
  if (config.corsOrigins.length > 0)
    app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['ETag', 'X-Request-Id', 'Location'] });

  const fastify = app.getHttpAdapter().getInstance();
  // Security headers, the same on every response: helmet's middleware is run once here and the
  // headers it sets are kept (run per request, it rebuilt every value each time).
  const securityHeaders = headersOf(
    helmet({
      // The API answers JSON; the Swagger UI at /docs needs its inline styles and scripts.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: [`'self'`],
          styleSrc: [`'self'`, `'unsafe-inline'`],
          imgSrc: [`'self'`, 'data:'],
          scriptSrc: [`'self'`, `'unsafe-inline'`],
        },
      },
    }),
  );
  // Every per-request hook below takes a callback rather than returning a promise: it is on every
  // request's path, and a promise per hook is CPU spent on every request for nothing.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(securityHeaders).header('x-request-id', request.id);
    // PostgreSQL text cannot hold NUL: a path or query carrying one names nothing and filters nothing.
    if (request.url.includes('%00')) {
      sendProblem(new JsonBodyError('PPT_NUL_CHARACTER', 'The URL holds a NUL character.'), request, reply, logger);
      return;
    }
    done();
  });
  limitRate(fastify, new RateLimiter(config.rateLimitPerMinute), logger);
  // JSON only: any other body type is a 415, not a string handed to validation.
  fastify.removeContentTypeParser('text/plain');
  parseJsonBodies(fastify);
  linkNextPages(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (logger.enabled(level)) {
      logger.write(level, 'request', {
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? null,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        user: (request as { user?: { id: string } }).user?.id,
      });
    }
    done();
  });

  const document = documentIdempotency(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Policy-proposal tracker')
        .setDescription(API_DESCRIPTION)
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A token issued by an admin (ppt_…)' })
        .build(),
      { extraModels: [ProblemDto] },
    ),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerUiEnabled: docsUi,
  });
  return app;
}

/**
 * The headers a middleware that only sets fixed headers (helmet's) sets on a response, captured
 * from one run against a stand-in response.
 */
function headersOf(
  middleware: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
      return response;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, (error) => (failure = error));
  if (failure !== undefined) throw failure as Error;
  return headers;
}

/** Paths never limited: probes must answer whatever the load. */
const UNLIMITED = new Set(['/health', '/ready']);

/**
 * Limits each token (or, without one, each IP) to RATE_LIMIT_PER_MINUTE requests a minute:
 * RateLimit-* headers on every limited response, 429 with Retry-After beyond.
 */
function limitRate(fastify: FastifyInstance, limiter: RateLimiter, logger: JsonLogger): void {
  const sweeper = setInterval(() => limiter.sweep(), 60_000);
  sweeper.unref();
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(sweeper);
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (UNLIMITED.has(request.url.split('?')[0])) {
      done();
      return;
    }
    const authorization = request.headers.authorization;
    const key = authorization
      ? `token:${createHash('sha256').update(authorization).digest('base64url')}`
      : `ip:${request.ip}`;
    const decision = limiter.take(key);
    void reply
      .header('ratelimit-limit', decision.limit)
      .header('ratelimit-remaining', decision.remaining)
      .header('ratelimit-reset', decision.resetSeconds);
    if (decision.allowed) {
      done();
      return;
    }
    void reply.header('retry-after', decision.retryAfterSeconds);
    sendProblem(
      new DomainError(
        'rate_limited',
        `More than ${decision.limit} requests a minute; retry in ${decision.retryAfterSeconds} s`,
      ),
      request,
      reply,
      logger,
    );
  });
}

/**
 * Before the app listens: applies pending migrations, makes sure an admin can log in, and with
 * `SEED_ON_EMPTY` loads the seed initiatives into a database that holds no proposal yet.
 */
export async function prepareDatabase(
  app: NestFastifyApplication,
  config: AppConfig,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  const applied = await runMigrations(app.get<DataSource>(getDataSourceToken()));
  if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  await app.get(AdminBootstrapService).ensureAdmin();
  if (config.seedOnEmpty && !(await app.get(ProposalsRepository).any())) await loadSeeds(app, log);
  return applied;
}
