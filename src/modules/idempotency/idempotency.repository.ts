import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { returning } from '../../common/database/returning.js';

export interface StoredKey {
  requestHash: string;
  statusCode: number | null;
  responseBody: string | null;
  responseEtag: string | null;
  createdAt: Date;
}

/** PostgreSQL's lock_not_available: a lock not granted within lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  /**
   * Claims the key for the request in the open transaction, which will also hold its effect and
   * its response: the claim commits with them or not at all, so a request that fails or dies
   * (its process killed, its connection cut) leaves no claim behind. 'taken' when the key has a
   * record already; 'in-flight' when another transaction holds the key uncommitted (found at
   * once: the insert does not wait for it).
   */
  async claim(userId: string, key: string, requestHash: string): Promise<'claimed' | 'taken' | 'in-flight'> {
    return this.withoutWaiting(async () => {
      const rows: unknown[] = await this.db.manager.query(
        `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT pk_idempotency_keys DO NOTHING RETURNING key`,
        [userId, key, requestHash],
      );
      return rows.length === 1 ? 'claimed' : 'taken';
    });
  }

  /** Runs `work` with lock_timeout at 1 ms, then as it was; a lock it would wait for → 'in-flight'. */
  private async withoutWaiting<T>(work: () => Promise<T>): Promise<T | 'in-flight'> {
    const [{ previous }]: { previous: string }[] = await this.db.manager.query(
      `SELECT current_setting('lock_timeout') AS previous, set_config('lock_timeout', '1ms', true)`,
    );
    try {
      return await work();
    } catch (error) {
      const failed = error as { code?: string; driverError?: { code?: string } };
      if ((failed.driverError?.code ?? failed.code) === LOCK_NOT_AVAILABLE) return 'in-flight';
      throw error;
    } finally {
      await this.db.manager.query(`SELECT set_config('lock_timeout', $1, true)`, [previous]).catch(() => undefined);
    }
  }

  async find(userId: string, key: string): Promise<StoredKey | null> {
    const rows: StoredKey[] = await this.db.manager.query(
      `SELECT request_hash AS "requestHash", status_code AS "statusCode", response_body AS "responseBody",
              response_etag AS "responseEtag", created_at AS "createdAt"
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    return rows[0] ?? null;
  }

  /**
   * Claims for a new request a key whose record has lapsed (older than `ttlHours`), or that holds
   * no response (left by an earlier version, which committed claims before their effect). The
   * condition is checked by the update itself, so of two requests racing for a lapsed key one wins.
   */
  async takeOver(userId: string, key: string, requestHash: string, ttlHours: number): Promise<boolean | 'in-flight'> {
    return this.withoutWaiting(async () => {
      const rows = await returning<{ key: string }>(
        this.db.manager,
        `UPDATE idempotency_keys
            SET request_hash = $3, status_code = NULL, response_body = NULL, response_etag = NULL,
                created_at = now(), completed_at = NULL
          WHERE user_id = $1 AND key = $2 AND (created_at < now() - make_interval(hours => $4) OR status_code IS NULL)
          RETURNING key`,
        [userId, key, requestHash, ttlHours],
      );
      return rows.length === 1;
    });
  }

  /** Stores the response, in the transaction of the request's effect. */
  async complete(userId: string, key: string, statusCode: number, body: string, etag: string | null): Promise<void> {
    await this.db.manager.query(
      `UPDATE idempotency_keys SET status_code = $3, response_body = $4, response_etag = $5, completed_at = now()
        WHERE user_id = $1 AND key = $2`,
      [userId, key, statusCode, body, etag],
    );
  }

  /** Deletes records older than `hours`; how many. */
  async purge(hours: number): Promise<number> {
    const rows = await returning<{ key: string }>(
      this.db.manager,
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING key`,
      [hours],
    );
    return rows.length;
  }
}
