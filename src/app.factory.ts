import helmet from 'helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { API_PREFIX, AppModule } from './app.module.js';
import { parseImportBodies } from './modules/bulk/import-bodies.js';
import type { AuthenticatedRequest } from './common/auth/auth.decorators.js';
import type { AppConfig } from './common/config/app-config.js';
import { runMigrations, SEED_LOCK, underSessionLock } from './common/database/data-source.js';
import { DomainError } from './common/errors/domain-error.js';
import { ProblemFilter, sendProblem } from './common/errors/problem.filter.js';
import { JsonBodyError, parseJsonBodies } from './common/http/json-body.js';
import { ProblemDto } from './common/errors/problem.js';
import { createValidationPipe } from './common/errors/validation.js';
import { API_DESCRIPTION, documentIdempotency } from './common/openapi/document.js';
import { completeDocument } from './common/openapi/complete-document.js';
import { linkNextPages } from './common/http/page-link.js';
import { useCursorSecret } from './common/pagination/cursor.js';
import { answerClientError } from './common/http/client-error.js';
import { limitConnectionsPerClient } from './common/http/connections-per-client.js';
import { boundRequestTime } from './common/http/request-deadline.js';
import { rejectUnknownQueryParameters } from './common/http/known-query.js';
import { requestIdOf } from './common/http/request-id.js';
import { rateLimitRedis } from './common/http/shared-rate-limit.js';
import { AppLogger } from './common/logging/app-logger.js';
import { plural } from './common/i18n/wording.js';
import { SeedingService } from './modules/seeding/seeding.service.js';
import { WebhookDeliveries } from './modules/changes/webhook-deliveries.js';
import { AdminBootstrapService } from './modules/users/admin-bootstrap.service.js';
import { authenticateFirst } from './modules/users/authenticate-first.js';
import { UsersService } from './modules/users/users.service.js';
import {
  checkCsrfOnPages,
  isPage,
  registerWebPlatform,
  sessionToken,
  takesAnonymousPost,
} from './modules/web/web-platform.js';

export { API_PREFIX } from './app.module.js';
const BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger?: AppLogger;
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
  logger = new AppLogger(config.logLevel),
  docsUi = true,
}: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // Behind a load balancer: the client's address and protocol as the trusted proxies tell them.
    ...(config.trustProxy.length === 0 ? {} : { trustProxy: config.trustProxy.join(',') }),
    genReqId: requestIdOf,
    requestIdHeader: false,
    loggerInstance: logger.pino,
    // One line a request, written once it is answered (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Errors Fastify meets before routing (an over-long path segment, a malformed URL) are
    // problems like any other.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(error, request, reply, logger),
    // And so are requests Node's HTTP parser refuses (a raw non-ASCII character in the URL).
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, databaseUrl, logger }),
    adapter,
    { logger, bufferLogs: false, bodyParser: false },
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(logger));
  if (config.corsOrigins.length > 0)
    app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['ETag', 'X-Request-Id', 'Location'] });

  const fastify = app.getHttpAdapter().getInstance();
  limitConnectionsPerClient(fastify.server, config.connectionsPerClient);
  // A request must have arrived, headers and body, within REQUEST_TIMEOUT_MS: slow senders are cut off.
  boundRequestTime(fastify, config.requestTimeoutMs);
  // Security headers by helmet's middleware, built once and run on every request. (@fastify/helmet
  // builds it again for every request, a quarter of what a GET by slug costs: it put the service
  // under the target "GET by slug ≥ 0.8× the floor".)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        // The Swagger UI at /docs needs its inline styles and scripts; the API itself answers JSON.
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:'],
        scriptSrc: [`'self'`, `'unsafe-inline'`],
        // Served over plain HTTP on an office network too: nothing may be fetched as https instead.
        upgradeInsecureRequests: null,
      },
    },
    // Browsers ignore it, with an error in the console, on an origin that is not https or localhost.
    crossOriginOpenerPolicy: false,
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.protocol === 'https') void reply.header('cross-origin-opener-policy', 'same-origin');
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // PostgreSQL text cannot hold NUL: a path or query carrying one names nothing and filters nothing.
    if (request.url.includes('%00')) {
      sendProblem(new JsonBodyError('PPT_NUL_CHARACTER', 'The URL holds a NUL character.'), request, reply, logger);
      return;
    }
    // Percent-encoded bytes that are not UTF-8 would be read as U+FFFD: refused instead.
    if (request.url.includes('%') && !decodesAsUtf8(request.url)) {
      sendProblem(
        new JsonBodyError('PPT_NOT_UNICODE', 'The URL holds percent-encoded bytes that are not UTF-8.'),
        request,
        reply,
        logger,
      );
      return;
    }
    done();
  });
  // Pages' sessions are decoded before the caller is looked for.
  await registerWebPlatform(app, config);
  // Who calls, before the rate limit counts them and before any body is read.
  authenticateFirst(fastify, app.get(UsersService), logger, {
    perMinute: config.failedAuthPerMinute,
    skip: (path) => UNLIMITED.has(path),
    pages: { isPage, sessionToken, takesAnonymousPost },
  });
  // With REDIS_URL every instance counts in Redis; a count Redis cannot make lets the request through.
  const redis = config.redisUrl === undefined ? undefined : rateLimitRedis(config.redisUrl, logger);
  if (redis !== undefined)
    fastify.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    ...(redis === undefined ? {} : { redis, nameSpace: 'ppt-rate-limit:', skipOnError: true }),
    // Probes must answer whatever the load.
    allowList: (request) => UNLIMITED.has(request.url.split('?')[0]),
    // Each user has an allowance of their own; a caller without a valid token is counted by address.
    keyGenerator: (request) => {
      const user = (request as AuthenticatedRequest).user;
      return user === undefined ? `ip:${request.ip}` : `user:${user.id}`;
    },
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new DomainError(
          'rate_limited',
          `More than ${plural(context.max, 'request')} a minute; retry in ${context.after}`,
        ),
        { statusCode: context.statusCode },
      ),
  });
  // JSON only: any other body type is a 415, not a string handed to validation.
  fastify.removeContentTypeParser('text/plain');
  parseJsonBodies(fastify);
  parseImportBodies(fastify, `/${API_PREFIX}/imports`);
  checkCsrfOnPages(fastify);
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

  const document = completeDocument(
    documentIdempotency(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Policy-proposal tracker')
          .setDescription(API_DESCRIPTION)
          .setVersion('1')
          .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A token issued by an admin (ppt_…)' })
          .addApiKey(
            {
              type: 'apiKey',
              in: 'query',
              name: 'key',
              description: 'A feed key (POST /me/feed-key): opens Atom feeds only',
            },
            'feedKey',
          )
          .build(),
        { extraModels: [ProblemDto] },
      ),
    ),
  );
  rejectUnknownQueryParameters(fastify, document, logger);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerUiEnabled: docsUi,
  });
  return app;
}

/** Paths never limited: probes must answer whatever the load. */
const UNLIMITED = new Set(['/health', '/ready']);

function decodesAsUtf8(url: string): boolean {
  try {
    decodeURIComponent(url.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * Before the app listens: applies pending migrations, makes sure an admin can log in, with
 * `SEED_ON_EMPTY` loads the seed initiatives into a database that holds no proposal yet, and
 * starts the webhook deliveries.
 */
export async function prepareDatabase(
  app: NestFastifyApplication,
  config: AppConfig,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  const applied = await runMigrations(app.get<DataSource>(getDataSourceToken()));
  if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  const [{ secret }]: { secret: string }[] = await app
    .get<DataSource>(getDataSourceToken())
    .query(`SELECT secret FROM service_secrets WHERE name = 'cursor'`);
  useCursorSecret(secret);
  await app.get(AdminBootstrapService).ensureAdmin();
  const seeds = app.get(SeedingService);
  if (config.seedOnEmpty) {
    // Instances started together on an empty database: one loads the seeds, the others find them.
    await underSessionLock(app.get<DataSource>(getDataSourceToken()), SEED_LOCK, async () => {
      if (await seeds.isEmpty()) await seeds.load(log);
    });
  }
  // Background work reads the tables the migrations made.
  await app.get(WebhookDeliveries).start();
  return applied;
}
