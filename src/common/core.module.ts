import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig, DATABASE_URL } from './config/app-config.js';
import { dataSourceOptions } from './database/data-source.js';
import { Db } from './database/db.js';
import { AppLogger } from './logging/app-logger.js';
import { JobQueue } from './queue/job-queue.js';

export interface CoreOptions {
  config: AppConfig;
  /** The PostgreSQL to use: `config.databaseUrl`, or the embedded cluster's. */
  databaseUrl: string;
  logger: AppLogger;
}

export { DATABASE_URL } from './config/app-config.js';

/** Configuration, logging and the database connection, available to every module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot({ config, databaseUrl, logger }: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(databaseUrl, {
            poolSize: config.dbPoolSize,
            connectTimeoutMs: config.dbConnectTimeoutMs,
            statementTimeoutMs: config.dbStatementTimeoutMs,
          }),
          retryAttempts: 10,
          retryDelay: 2000,
        }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_URL, useValue: databaseUrl },
        { provide: AppLogger, useValue: logger },
        Db,
        JobQueue,
      ],
      exports: [APP_CONFIG, DATABASE_URL, AppLogger, Db, JobQueue],
    };
  }
}
