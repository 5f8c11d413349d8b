import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DATABASE_URL } from '../../common/config/app-config.js';
import { Db } from '../../common/database/db.js';
import { PgListener } from '../../common/database/pg-listener.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { type Job, type JobInsert, JobQueue, QUEUES } from '../../common/queue/job-queue.js';
import { AuditService } from '../audit/audit.service.js';
import { ChangeSignal } from '../audit/change-signal.js';
import type { ChangeDto } from '../audit/dto/change.dto.js';
import { DeliverySender } from './delivery-sender.js';
import type { DeliveryDto } from './dto/webhooks.dto.js';
import {
  type DeliverableWebhook,
  type DeliveryAttempt,
  type DispatchableChange,
  type WebhookFilter,
  WebhooksRepository,
} from './webhooks.repository.js';

export const DELIVERY_QUEUE = QUEUES.webhookDelivery;
/** Sent at the commit of a dispatch that queued deliveries, to the workers of every instance. */
const DELIVERIES_CHANNEL = 'ppt_deliveries';
/** How often each instance looks anyway: for retries coming due, and notices missed. */
const POLL_MS = 1000;
/**
 * How long the dispatcher lets notices gather before it runs: under a stream of writes it runs
 * once for many (not once per write, which would cost each write a dispatch transaction of its own).
 */
const DISPATCH_GATHER_MS = 20;
/** How soon it looks again at changes held back by an older transaction still in flight. */
const HELD_BACK_RETRY_MS = 50;
const DISPATCH_BATCH = 500;
const FETCH_BATCH = 100;

interface DeliveryJob {
  webhookId: string;
  changeId: string;
}

/** Whether a webhook takes a change: one recorded since it was created, that its filters take. */
export function matches(webhook: WebhookFilter, change: DispatchableChange): boolean {
  return (
    change.recordedAt.getTime() >= webhook.createdAt.getTime() &&
    (webhook.types === null || webhook.types.includes(change.type)) &&
    (webhook.proposal === null || change.proposalSlugs.includes(webhook.proposal)) &&
    (webhook.tag === null || change.tags.includes(webhook.tag))
  );
}

/**
 * Turns changes into signed webhook deliveries, durably, at least once.
 *
 * The write's transaction commits its change (the outbox); the **dispatcher** then reads the
 * changes after its cursor — in the change feed's order, so it never skips one that commits late —
 * and, in one transaction, inserts a pg-boss job per matching active webhook and advances the
 * cursor: a job exists for each match exactly once, whatever crashes. Only one instance
 * dispatches at a time (the cursor row is locked, `SKIP LOCKED` for the others). The **worker**
 * fetches due jobs (each by one instance), posts them, and completes or fails each: a failure is
 * retried by pg-boss with exponential backoff; a 410 disables the webhook; so does a failing
 * streak of `WEBHOOK_RETRY_HOURS`, after which a change is no longer retried either. Both wake on
 * notices sent at commit and poll every second for what notices cannot tell (a retry coming due).
 */
@Injectable()
export class WebhookDeliveries implements OnApplicationShutdown {
  private listener: PgListener | undefined;
  private sender: DeliverySender | undefined;
  private poll: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private stopped = false;
  /**
   * Whether any webhook was active when last looked: without one, a change needs no dispatch at
   * once, and the poll alone moves the cursor on (no dispatch transaction for every write).
   */
  private webhooksActive = true;
  private readonly loops = {
    dispatch: new Loop(
      (error) => this.logger.write('warn', 'webhook dispatch failed; retrying', { error }),
      DISPATCH_GATHER_MS,
    ),
    work: new Loop((error) => this.logger.write('warn', 'webhook deliveries failed; retrying', { error })),
  };

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly audit: AuditService,
    private readonly signal: ChangeSignal,
    private readonly queue: JobQueue,
    private readonly db: Db,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  /** Starts dispatching and delivering (after the migrations: it reads the changes). */
  async start(): Promise<void> {
    if (this.listener !== undefined || this.stopped) return;
    await this.queue.start([DELIVERY_QUEUE]);
    this.sender = new DeliverySender({
      allowPrivate: this.config.webhooks.allowPrivate,
      timeoutMs: this.config.webhooks.timeoutMs,
      connections: this.config.webhooks.concurrency,
    });
    this.listener = new PgListener({
      databaseUrl: this.databaseUrl,
      name: 'policy-proposal-tracker:deliveries',
      channels: [DELIVERIES_CHANNEL],
      connectTimeoutMs: this.config.dbConnectTimeoutMs,
      logger: this.logger,
      onNotice: () => this.workSoon(),
      onListening: () => {
        this.dispatchSoon();
        this.workSoon();
      },
    });
    this.listener.start();
    this.unlisten = this.signal.listen(() => {
      if (this.webhooksActive) this.dispatchSoon();
    });
    this.poll = setInterval(() => {
      this.dispatchSoon();
      this.workSoon();
    }, POLL_MS);
    this.poll.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    clearInterval(this.poll);
    await this.listener?.stop();
    await Promise.all([this.loops.dispatch.idle(), this.loops.work.idle()]);
    await this.sender?.close();
  }

  /** A webhook was created or turned on here: dispatch on every change again, from now. */
  webhooksChanged(): void {
    this.webhooksActive = true;
    this.dispatchSoon();
  }

  private dispatchSoon(): void {
    if (!this.stopped) this.loops.dispatch.run(() => this.dispatch());
  }

  private workSoon(): void {
    if (!this.stopped) this.loops.work.run(() => this.work());
  }

  /**
   * Dispatches batches until none is left; while changes are held back by an older transaction
   * still in flight, looks again soon (that transaction may record no change, and signal nothing).
   */
  private async dispatch(): Promise<void> {
    for (;;) {
      const { full, queued, waiting } = await this.db.transaction(async (manager) => {
        const next = await this.webhooks.nextToDispatch(DISPATCH_BATCH, manager);
        if (next === null) return { full: false, queued: 0, waiting: false };
        this.webhooksActive = next.webhooks.length > 0;
        if (next.changes.length === 0) return { full: false, queued: 0, waiting: next.waiting };
        const jobs: JobInsert<DeliveryJob>[] = [];
        for (const change of next.changes) {
          for (const webhook of next.webhooks) {
            if (matches(webhook, change)) jobs.push(this.job({ webhookId: webhook.id, changeId: change.id }));
          }
        }
        await this.queue.insert(jobs, manager);
        const last = next.changes[next.changes.length - 1];
        await this.webhooks.advanceDispatch({ xid: last.xid, id: last.id }, manager);
        if (jobs.length > 0) await manager.query(`SELECT pg_notify('${DELIVERIES_CHANNEL}', '')`);
        return { full: next.changes.length === DISPATCH_BATCH, queued: jobs.length, waiting: next.waiting };
      });
      if (queued > 0) this.workSoon();
      if (waiting && !full && this.webhooksActive) setTimeout(() => this.dispatchSoon(), HELD_BACK_RETRY_MS).unref();
      if (!full || this.stopped) return;
    }
  }

  private job(data: DeliveryJob): JobInsert<DeliveryJob> {
    const { retryDelaySeconds, timeoutMs } = this.config.webhooks;
    return {
      name: DELIVERY_QUEUE,
      data,
      // The worker stops retrying once a change is WEBHOOK_RETRY_HOURS old; this only bounds it.
      retryLimit: 40,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
      // An attempt that never reported back (its instance was killed) is retried after this.
      expireInSeconds: Math.ceil(timeoutMs / 1000) + 60,
    };
  }

  /** Fetches and delivers due jobs until none is left. */
  private async work(): Promise<void> {
    while (!this.stopped) {
      const jobs = await this.queue.fetch<DeliveryJob>(DELIVERY_QUEUE, FETCH_BATCH);
      if (jobs.length === 0) return;
      await this.deliverBatch(jobs);
      if (jobs.length < FETCH_BATCH) return;
    }
  }

  private async deliverBatch(jobs: Job<DeliveryJob>[]): Promise<void> {
    const webhooks = await this.webhooks.deliverable([...new Set(jobs.map((job) => job.data.webhookId))]);
    const changes = await this.audit.changesById([...new Set(jobs.map((job) => job.data.changeId))]);
    const attempts: DeliveryAttempt[] = [];
    const done: string[] = [];
    const succeeded = new Set<string>();
    await eachWithLimit(jobs, this.config.webhooks.concurrency, async (job) => {
      const webhook = webhooks.get(job.data.webhookId);
      const change = changes.get(job.data.changeId);
      const attempt = job.retryCount + 1;
      if (webhook === undefined || change === undefined) {
        // Deleted since it was queued: nothing to deliver, nowhere to log it.
        done.push(job.id);
        return;
      }
      if (!webhook.active) {
        done.push(job.id);
        attempts.push(abandoned(job.data, attempt, 'the webhook is disabled'));
        return;
      }
      const outcome = await this.send(webhook, change);
      const logged = {
        webhookId: webhook.id,
        changeId: change.id,
        attempt,
        responseStatus: outcome.status,
        durationMs: outcome.durationMs,
        error: outcome.error,
      };
      if (outcome.ok) {
        done.push(job.id);
        succeeded.add(webhook.id);
        attempts.push({ ...logged, status: 'succeeded', nextAttemptAt: null });
        return;
      }
      if (outcome.status === 410) {
        done.push(job.id);
        attempts.push({ ...logged, status: 'abandoned', nextAttemptAt: null });
        await this.webhooks.disable(webhook.id, 'the receiver answered 410 Gone');
        return;
      }
      const limit = this.config.webhooks.retryHours * 3600_000;
      const streak = webhook.failingSince !== null && Date.now() - webhook.failingSince.getTime() >= limit;
      if (streak || Date.now() - Date.parse(change.recordedAt) >= limit || job.retryCount >= job.retryLimit) {
        done.push(job.id);
        attempts.push({ ...logged, status: 'abandoned', nextAttemptAt: null });
        if (streak) {
          await this.webhooks.disable(webhook.id, `no successful delivery in ${this.config.webhooks.retryHours} hours`);
        }
        return;
      }
      await this.queue.fail(DELIVERY_QUEUE, job.id, outcome.error ?? 'failed');
      await this.webhooks.failed(webhook.id);
      attempts.push({
        ...logged,
        status: 'failed',
        nextAttemptAt: await this.queue.nextAttempt(DELIVERY_QUEUE, job.id),
      });
    });
    await this.webhooks.recordAttempts(attempts);
    await this.webhooks.succeeded([...succeeded]);
    await this.queue.complete(DELIVERY_QUEUE, done);
  }

  /** One delivery now, outside the queue (a manual retry): attempted, logged, and shown. */
  async deliverNow(webhookId: string, changeId: string, attempt: number): Promise<DeliveryDto | null> {
    const webhook = (await this.webhooks.deliverable([webhookId])).get(webhookId);
    const change = (await this.audit.changesById([changeId])).get(changeId);
    if (webhook === undefined || change === undefined) return null;
    const outcome = await this.send(webhook, change);
    await this.webhooks.recordAttempts([
      {
        webhookId,
        changeId,
        attempt,
        status: outcome.ok ? 'succeeded' : 'failed',
        responseStatus: outcome.status,
        durationMs: outcome.durationMs,
        error: outcome.error,
        nextAttemptAt: null,
      },
    ]);
    if (outcome.ok) await this.webhooks.succeeded([webhookId]);
    else await this.webhooks.failed(webhookId);
    const [latest] = await this.webhooks.deliveries(webhookId, 1);
    return latest;
  }

  private send(webhook: DeliverableWebhook, change: ChangeDto) {
    if (this.sender === undefined) throw new Error('deliveries are not started');
    return this.sender.send({ url: webhook.url, secret: webhook.secret, id: change.id, body: JSON.stringify(change) });
  }
}

function abandoned(job: DeliveryJob, attempt: number, error: string): DeliveryAttempt {
  return { ...job, attempt, status: 'abandoned', responseStatus: null, durationMs: 0, error, nextAttemptAt: null };
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function eachWithLimit<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await task(item);
    }
  });
  await Promise.all(runners);
}

/**
 * Runs one job at a time, `gatherMs` after it is first asked; asked again while waiting, it runs
 * once; asked while running, once more after. A failure is reported, not thrown.
 */
class Loop {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly failed: (error: string) => void,
    private readonly gatherMs = 0,
  ) {}

  run(job: () => Promise<void>): void {
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        if (this.gatherMs > 0) await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
        this.again = false;
        await job().catch((error: unknown) => this.failed(error instanceof Error ? error.message : String(error)));
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
