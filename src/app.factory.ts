import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import type { AppConfig } from './common/config/app-config.js';
import { runMigrations } from './common/database/data-source.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { ProblemDto } from './common/errors/problem.js';
import { createValidationPipe } from './common/errors/validation.js';
import { PageLinkInterceptor } from './common/http/page-link.interceptor.js';
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
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, databaseUrl, logger }),
    adapter,
    { logger, bufferLogs: false },
  );
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'ready'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(logger));
  app.useGlobalInterceptors(new PageLinkInterceptor());
  if (config.corsOrigins.length > 0)
    app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['ETag', 'X-Request-Id', 'Location'] });

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: any other body type is a 415, not a string handed to validation.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    logger.write(reply.statusCode >= 500 ? 'error' : 'info', 'request', {
      requestId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? null,
      url: request.url.split('?')[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      user: (request as { user?: { id: string } }).user?.id,
    });
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Policy-proposal tracker')
      .setDescription(
        'Follows international initiatives from first floated to adoption, implementation or abandonment, ' +
          'with an append-only, sourced status history. Errors are RFC 9457 application/problem+json. ' +
          'PATCH needs If-Match (the ETag you read) or `version` in the body: 428 without, 412 when stale.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A token issued by an admin (ppt_…)' })
      .build(),
    { extraModels: [ProblemDto] },
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerUiEnabled: docsUi,
  });
  return app;
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
