import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { isDatabaseUnavailable } from '../../common/errors/to-problem.js';
import { Db } from '../../common/database/db.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { IdempotencyRepository, type StoredKey } from './idempotency.repository.js';

/** How long a key is remembered: a repeat within this time replays the first response. */
export const KEY_TTL_HOURS = 24;
const PURGE_EVERY_MS = 60 * 60 * 1000;

const inFlight = (): DomainError =>
  new DomainError(
    'idempotency_in_flight',
    'a request with this Idempotency-Key is still in flight; retry when it has finished',
  );

export type Outcome<T> = { replayed: false; value: T } | { replayed: true; stored: StoredKey };

/**
 * Idempotency keys, scoped to (user, key): the first request claims the key with an insert that
 * conflicts, in the transaction of its effect, which also stores its response; a repeat with the
 * same body replays it, with another body is a 422, and while the first is in flight is a 409. A
 * request that fails, or whose process dies, commits nothing: the key is free at once.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly db: Db,
    private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes keys older than {@link KEY_TTL_HOURS}; runs hourly. */
  async purge(): Promise<number> {
    try {
      const purged = await this.keys.purge(KEY_TTL_HOURS);
      if (purged > 0) this.logger.write('info', 'purged expired idempotency keys', { purged });
      return purged;
    } catch (error) {
      if (!isDatabaseUnavailable(error))
        this.logger.write('warn', 'idempotency key purge failed', { error: String(error) });
      return 0;
    }
  }

  /** Runs `work` once per (user, key, request); a repeat gets the stored response instead. */
  async execute<T>(userId: string, key: string, requestHash: string, work: () => Promise<T>): Promise<Outcome<T>> {
    return this.db.transaction(async () => {
      let claim = await this.keys.claim(userId, key, requestHash);
      if (claim === 'taken')
        claim = (await this.keys.takeOver(userId, key, requestHash, KEY_TTL_HOURS)) === true ? 'claimed' : claim;
      if (claim === 'in-flight') throw inFlight();
      if (claim === 'taken')
        return { replayed: true, stored: this.replayable(await this.keys.find(userId, key), requestHash) };
      return { replayed: false, value: await work() };
    });
  }

  private replayable(stored: StoredKey | null, requestHash: string): StoredKey {
    if (stored === null || stored.statusCode === null) throw inFlight();
    if (stored.requestHash !== requestHash) {
      throw new DomainError(
        'idempotency_mismatch',
        'this Idempotency-Key was used with another request; use a new key for a different request',
        [{ field: 'Idempotency-Key', message: 'was used with another body or path' }],
      );
    }
    return stored;
  }
}
