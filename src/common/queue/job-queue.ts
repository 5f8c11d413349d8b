import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { DATABASE_URL } from '../config/app-config.js';
import { AppLogger } from '../logging/app-logger.js';

/** Every queue the service uses; `migration:run` creates them with the schema. */
export const QUEUES = { webhookDelivery: 'webhook-delivery' } as const;

/** pg-boss's options for this service's queues (its own schema in the same database). */
function bossOptions(databaseUrl: string, max: number): PgBoss.ConstructorOptions {
  return {
    connectionString: databaseUrl,
    schema: 'pgboss',
    application_name: 'policy-proposal-tracker:jobs',
    max,
    schedule: false,
    // Maintenance is what retries a job whose instance died mid-attempt, once the job expires; at
    // pg-boss's default (every 120 s) that retry can come two minutes late. One cheap pass every
    // 15 s, across instances (pg-boss takes turns), bounds it.
    maintenanceIntervalSeconds: 15,
  };
}

/**
 * Creates or migrates pg-boss's schema and creates the queues, then lets go: what `migration:run`
 * does beside the migrations, so that a service running as a role that owns nothing (see the
 * README, "Running as a role that owns nothing") starts without DDL.
 */
export async function installJobQueue(databaseUrl: string): Promise<void> {
  const boss = new PgBoss({ ...bossOptions(databaseUrl, 1), supervise: false });
  await boss.start();
  try {
    for (const name of Object.values(QUEUES)) await boss.createQueue(name);
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 5000 });
  }
}

export type Job<T> = PgBoss.JobWithMetadata<T>;
export type JobInsert<T extends object> = PgBoss.JobInsert<T>;

/**
 * Durable background jobs in the same PostgreSQL (pg-boss, in its own `pgboss` schema, which it
 * creates and migrates itself): webhook deliveries today, imports next. Jobs are inserted in the
 * caller's transaction, so they exist exactly when the write that made them committed; each is
 * fetched by one worker at a time, across instances (`SKIP LOCKED`).
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private boss: PgBoss | undefined;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly logger: AppLogger,
  ) {}

  /**
   * Starts pg-boss (creating or migrating its schema unless current) and makes sure `queues` exist
   * (a queue that exists takes no DDL).
   */
  async start(queues: string[]): Promise<void> {
    if (this.boss !== undefined) return;
    const boss = new PgBoss(bossOptions(this.databaseUrl, 4));
    boss.on('error', (error) => this.logger.write('warn', 'job queue error', { error: error.message }));
    await boss.start();
    for (const name of queues) await boss.createQueue(name);
    this.boss = boss;
  }

  async onApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    await boss?.stop({ graceful: true, wait: true, timeout: 5000 }).catch(() => undefined);
  }

  get started(): boolean {
    return this.boss !== undefined;
  }

  /** Inserts jobs in the transaction of `manager`: they exist if, and once, it commits. */
  async insert<T extends object>(jobs: JobInsert<T>[], manager: EntityManager): Promise<void> {
    if (jobs.length === 0) return;
    await this.running().insert(jobs, { db: inTransaction(manager) });
  }

  /** Sends one job now, outside any transaction. */
  async send<T extends object>(name: string, data: T, options: PgBoss.SendOptions = {}): Promise<string | null> {
    return this.running().send(name, data, options);
  }

  /** Up to `batchSize` jobs due now, each now this worker's until completed, failed or expired. */
  fetch<T>(name: string, batchSize: number): Promise<Job<T>[]> {
    return this.running().fetch<T>(name, { batchSize, includeMetadata: true });
  }

  async complete(name: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.running().complete(name, ids);
  }

  /** Fails a job: retried after its backoff, unless out of retries. */
  async fail(name: string, id: string, error: string): Promise<void> {
    await this.running().fail(name, id, { error });
  }

  /** When a job (just failed) is to run again; null when it will not. */
  async nextAttempt(name: string, id: string): Promise<Date | null> {
    const job = await this.running().getJobById(name, id);
    return job !== null && job.state === 'retry' ? job.startAfter : null;
  }

  private running(): PgBoss {
    if (this.boss === undefined) throw new Error('the job queue is not started');
    return this.boss;
  }
}

/** pg-boss's database interface over the caller's transaction. */
function inTransaction(manager: EntityManager): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const rows: unknown = await manager.query(text, values);
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
}
