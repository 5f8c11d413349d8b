import pg from 'pg';
import type { AppLogger } from '../logging/app-logger.js';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

export interface PgListenerOptions {
  databaseUrl: string;
  /** Shown in `pg_stat_activity.application_name`. */
  name: string;
  channels: string[];
  connectTimeoutMs: number;
  logger: AppLogger;
  onNotice: (channel: string, payload: string | undefined) => void;
  /** Each time listening starts, the first time and after every reconnection (notices may have been missed). */
  onListening?: () => void;
}

/**
 * A connection of its own that LISTENs on some channels, and comes back by itself, with a
 * growing delay, whenever it is lost. Whoever uses it treats a reconnection as "something may
 * have happened meanwhile".
 */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retry: NodeJS.Timeout | undefined;
  private listening = false;

  constructor(private readonly options: PgListenerOptions) {}

  get active(): boolean {
    return this.listening;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.name,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      keepAlive: true,
    });
    this.client = client;
    const lost = (reason: string): void => {
      if (this.client !== client) return;
      this.client = undefined;
      const was = this.listening;
      this.listening = false;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      if (was) this.options.logger.write('warn', `${this.options.name}: notices lost; reconnecting`, { reason });
      this.retry = setTimeout(() => void this.connect(), this.retryMs);
      this.retry.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
    client.on('notification', (notice) => this.options.onNotice(notice.channel, notice.payload));
    client.on('error', (error: Error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      lost(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.client !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listening = true;
    this.retryMs = RETRY_MIN_MS;
    this.options.onListening?.();
  }
}
