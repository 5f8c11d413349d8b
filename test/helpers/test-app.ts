import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import 'reflect-metadata';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { DataSource } from 'typeorm';
import { createApp, prepareDatabase } from '../../src/app.factory.js';
import type { Role } from '../../src/common/auth/roles.js';
import { loadConfig } from '../../src/common/config/app-config.js';
import { AppLogger } from '../../src/common/logging/app-logger.js';
import { createTestDatabase } from './test-database.js';

export const ADMIN_TOKEN = 'ppt_test_admin_token_0123456789';
/** The session secret every instance a test starts on a database shares (required with DATABASE_URL). */
export const SESSION_SECRET = 'ppt-test-session-secret-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  dataSource: DataSource;
  databaseUrl: string;
  /** A token of a fresh user with that role (cached per role). */
  tokenFor(role: Role): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Share an existing database (e.g. two instances racing); by default a fresh one. */
  databaseUrl?: string;
  env?: Record<string, string>;
  logger?: AppLogger;
}

/** The real application on a real PostgreSQL database, served in-process for supertest. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await createTestDatabase();
  // Tests make thousands of requests a minute with one token, and hundreds with bad ones; the
  // limits have their own tests.
  const config = loadConfig({
    ADMIN_TOKEN,
    LOG_LEVEL: 'fatal',
    DATABASE_URL: database.url,
    SESSION_SECRET,
    RATE_LIMIT_PER_MINUTE: '1000000',
    FAILED_AUTH_PER_MINUTE: '1000000',
    ...options.env,
  });
  const app = await createApp({ config, databaseUrl: database.url, logger: options.logger, docsUi: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await prepareDatabase(app, config);
  const http = request(app.getHttpServer());
  const tokens = new Map<Role, string>();
  let users = 0;
  return {
    app,
    http,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    databaseUrl: database.url,
    async tokenFor(role) {
      if (role === 'admin') return ADMIN_TOKEN;
      const known = tokens.get(role);
      if (known) return known;
      users += 1;
      const response = await http
        .post('/api/v1/users')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: `${role}-${users}-${Math.random().toString(36).slice(2, 8)}`, role });
      if (response.status !== 201) throw new Error(`could not create a ${role}: ${response.status} ${response.text}`);
      tokens.set(role, response.body.token);
      return response.body.token as string;
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];
