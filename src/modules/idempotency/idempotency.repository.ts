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

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  /** Claims the key for a request in flight: an insert that conflicts, never read-then-write. */
  async claim(userId: string, key: string, requestHash: string): Promise<boolean> {
    const rows: unknown[] = await this.db.manager.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT pk_idempotency_keys DO NOTHING RETURNING key`,
      [userId, key, requestHash],
    );
    return rows.length === 1;
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
   * Claims for a new request a key whose record has lapsed: older than `ttlHours`, or still in
   * flight after `staleMs` (its request never finished). The condition is checked by the update
   * itself, so of two requests racing for a lapsed key one wins.
   */
  async takeOver(
    userId: string,
    key: string,
    requestHash: string,
    ttlHours: number,
    staleMs: number,
  ): Promise<boolean> {
    const rows = await returning<{ key: string }>(
      this.db.manager,
      `UPDATE idempotency_keys
          SET request_hash = $3, status_code = NULL, response_body = NULL, response_etag = NULL,
              created_at = now(), completed_at = NULL
        WHERE user_id = $1 AND key = $2
          AND (created_at < now() - make_interval(hours => $4)
               OR (status_code IS NULL AND created_at < now() - make_interval(secs => $5::double precision / 1000)))
        RETURNING key`,
      [userId, key, requestHash, ttlHours, staleMs],
    );
    return rows.length === 1;
  }

  /** Stores the response, in the transaction of the request's effect. */
  async complete(userId: string, key: string, statusCode: number, body: string, etag: string | null): Promise<void> {
    await this.db.manager.query(
      `UPDATE idempotency_keys SET status_code = $3, response_body = $4, response_etag = $5, completed_at = now()
        WHERE user_id = $1 AND key = $2`,
      [userId, key, statusCode, body, etag],
    );
  }

  /** Frees the key of a request that failed: it wrote nothing, so the key may be used again. */
  async release(userId: string, key: string): Promise<void> {
    await this.db.manager.query(
      `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL`,
      [userId, key],
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
