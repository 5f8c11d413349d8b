import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { DATABASE_URL } from '../../common/core.module.js';
import { AppLogger } from '../../common/logging/app-logger.js';

/** The channel every change to tokens or users is announced on (see the AuthChangeNotices migration). */
export const AUTH_CHANGED_CHANNEL = 'ppt_auth_changed';
/**
 * A token found valid is trusted this long at most, notice or not: the bound for a listening
 * connection cut without a word (no notice and no error arrive until TCP gives up on it). Asking
 * the database once per token every ten seconds costs nothing measurable.
 */
export const TOKEN_TTL_MS = 10_000;
/** The most tokens remembered; past it the least recently used is forgotten first. */
export const MAX_TOKENS = 10_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * The tokens recently found valid, by hash, so that a request need not ask the database who its
 * token belongs to (a round trip on every request; BENCHMARKS.md says what it costs).
 *
 * Correct across instances: a trigger announces every change to tokens and users on
 * {@link AUTH_CHANGED_CHANNEL} as it commits, and each instance listens on a connection of its own
 * and forgets everything on each notice. A token revoked, or a user deactivated or given another
 * role, through this instance is forgotten here as soon as its transaction commits; through another,
 * once the notice arrives (as fast as PostgreSQL delivers it). Nothing is remembered while the
 * listening connection is down: every request then asks the database, as it would without the
 * cache, until the connection is back. A lookup that began before a change and ends after it is not
 * remembered (the generation it began in is gone). Entries last {@link TOKEN_TTL_MS} at most, which
 * bounds what a connection cut silently could leave trusted. Behind a connection pooler, LISTEN needs session
 * pooling; with `TOKEN_CACHE=false` nothing is remembered and every request asks the database.
 */
@Injectable()
export class TokenCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly tokens = new LRUCache<string, AuthenticatedUser>({
    max: MAX_TOKENS,
    ttl: TOKEN_TTL_MS,
    // The wall clock, read on every look-up (no cached reading), so that an entry's age is exact.
    perf: Date,
    ttlResolution: 0,
  });
  private listener: pg.Client | undefined;
  private listening = false;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retry: NodeJS.Timeout | undefined;
  /** Bumped on every change and whenever listening starts or stops. */
  private current = 0;
  private heard: string | undefined;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.tokenCache) void this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.forget();
    const listener = this.listener;
    this.listener = undefined;
    this.listening = false;
    await listener?.end().catch(() => undefined);
  }

  /** Whether tokens are remembered now: only while notices of changes can arrive. */
  get active(): boolean {
    return this.listening;
  }

  /**
   * The payload of the latest notice heard. Notices arrive in commit order, so once a notice sent
   * after a change is heard, the change's own notice has been too.
   */
  get lastNotice(): string | undefined {
    return this.heard;
  }

  /** The generation a lookup begins in; hand it back to {@link remember}. */
  get generation(): number {
    return this.current;
  }

  /** The user of a token found valid within {@link TOKEN_TTL_MS} and unchanged since; else undefined. */
  recall(hash: string): AuthenticatedUser | undefined {
    if (!this.listening) return undefined;
    return this.tokens.get(hash);
  }

  /** Remembers a token found valid by a lookup that began in `generation`, unless anything changed since. */
  remember(hash: string, user: AuthenticatedUser, generation: number): void {
    if (!this.listening || generation !== this.current) return;
    this.tokens.set(hash, Object.freeze({ ...user }));
  }

  /** Forgets every token: after a change to tokens or users, and on every notice of one. */
  forget(): void {
    this.current += 1;
    this.tokens.clear();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const listener = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'policy-proposal-tracker:auth-notices',
      connectionTimeoutMillis: this.config.dbConnectTimeoutMs,
      keepAlive: true,
    });
    this.listener = listener;
    const lost = (reason: string): void => {
      if (this.listener !== listener) return;
      this.listener = undefined;
      const wasListening = this.listening;
      this.listening = false;
      this.forget();
      void listener.end().catch(() => undefined);
      if (this.stopped) return;
      if (wasListening) this.logger.write('warn', 'token notices lost; every request asks the database', { reason });
      this.retry = setTimeout(() => void this.listen(), this.retryMs);
      this.retry.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
    listener.on('notification', (notice) => {
      this.forget();
      this.heard = notice.payload;
    });
    listener.on('error', (error: Error) => lost(error.message));
    listener.on('end', () => lost('connection ended'));
    try {
      await listener.connect();
      await listener.query(`LISTEN ${AUTH_CHANGED_CHANNEL}`);
    } catch (error) {
      lost(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.listener !== listener) {
      // Shut down while connecting.
      await listener.end().catch(() => undefined);
      return;
    }
    // Anything remembered before now was remembered without notices: start afresh.
    this.forget();
    this.listening = true;
    this.retryMs = RETRY_MIN_MS;
  }
}
