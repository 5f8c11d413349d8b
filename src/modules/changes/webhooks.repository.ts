import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Db } from '../../common/database/db.js';
import { returning } from '../../common/database/returning.js';
import { editSets, isoTimestampSql, sqlParams } from '../../common/database/sql-params.js';
import type { DeliveryDto, WebhookDto } from './dto/webhooks.dto.js';
import type { DeliveryStatus } from './entities/webhook-delivery.entity.js';

/** A webhook with what the worker needs to deliver to it. */
export interface DeliverableWebhook {
  id: string;
  url: string;
  secret: string;
  active: boolean;
  failingSince: Date | null;
}

/** What a webhook filters on, for the dispatcher. */
export interface WebhookFilter {
  id: string;
  types: string[] | null;
  proposal: string | null;
  tag: string | null;
  /** It gets the changes recorded from then on. */
  createdAt: Date;
}

/** A change as the dispatcher matches it. */
export interface DispatchableChange {
  id: string;
  xid: string;
  type: string;
  proposalSlugs: string[];
  tags: string[];
  recordedAt: Date;
}

export interface DeliveryAttempt {
  webhookId: string;
  changeId: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  nextAttemptAt: Date | null;
}

const WEBHOOK_JSON = `json_build_object(
  'id', w.id, 'url', w.url, 'types', w.types, 'proposal', w.proposal, 'tag', w.tag, 'description', w.description,
  'active', w.active, 'disabledReason', w.disabled_reason,
  'createdBy', json_build_object('id', u.id, 'name', u.name),
  'createdAt', ${isoTimestampSql('w.created_at')}, 'updatedAt', ${isoTimestampSql('w.updated_at')}, 'version', w.version)`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: Db) {}

  async insert(
    webhook: {
      url: string;
      secret: string;
      types: string[] | null;
      proposal: string | null;
      tag: string | null;
      description: string | null;
      createdBy: string;
    },
    manager: EntityManager,
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await manager.query(
      `INSERT INTO webhooks (url, secret, types, proposal, tag, description, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        webhook.url,
        webhook.secret,
        webhook.types,
        webhook.proposal,
        webhook.tag,
        webhook.description,
        webhook.createdBy,
      ],
    );
    return id;
  }

  async find(id: string, manager: EntityManager = this.db.manager): Promise<WebhookDto | null> {
    const rows: { webhook: WebhookDto }[] = await manager.query(
      `SELECT ${WEBHOOK_JSON} AS webhook FROM webhooks w JOIN users u ON u.id = w.created_by WHERE w.id = $1`,
      [id],
    );
    return rows[0]?.webhook ?? null;
  }

  async list(): Promise<WebhookDto[]> {
    const rows: { webhook: WebhookDto }[] = await this.db.manager.query(
      `SELECT ${WEBHOOK_JSON} AS webhook FROM webhooks w JOIN users u ON u.id = w.created_by ORDER BY w.created_at, w.id`,
    );
    return rows.map((row) => row.webhook);
  }

  /** Applies the changes if `version` is current; false when it is not (or the webhook is gone). */
  async update(
    id: string,
    version: number,
    changes: {
      url?: string;
      types?: string[] | null;
      proposal?: string | null;
      tag?: string | null;
      description?: string | null;
      active?: boolean;
    },
    manager: EntityManager,
  ): Promise<boolean> {
    const { params, param } = sqlParams([id, version]);
    const sets = editSets(
      {
        url: changes.url,
        types: changes.types,
        proposal: changes.proposal,
        tag: changes.tag,
        description: changes.description,
        active: changes.active,
      },
      param,
    );
    // Turned on again by hand: a fresh start, without the reason it was turned off.
    const resumed = changes.active === true ? ', disabled_reason = NULL, failing_since = NULL' : '';
    const rows = await returning(
      manager,
      `UPDATE webhooks SET ${sets}${resumed} WHERE id = $1 AND version = $2 RETURNING id`,
      params,
    );
    return rows.length === 1;
  }

  async delete(id: string, manager: EntityManager): Promise<boolean> {
    const rows = await returning(manager, 'DELETE FROM webhooks WHERE id = $1 RETURNING id', [id]);
    return rows.length === 1;
  }

  async deliverable(ids: string[]): Promise<Map<string, DeliverableWebhook>> {
    if (ids.length === 0) return new Map();
    const rows: DeliverableWebhook[] = await this.db.manager.query(
      `SELECT id, url, secret, active, failing_since AS "failingSince" FROM webhooks WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** After a success: no failing streak. */
  async succeeded(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.manager.query(
      'UPDATE webhooks SET failing_since = NULL WHERE id = ANY($1::uuid[]) AND failing_since IS NOT NULL',
      [ids],
    );
  }

  /** After a failure: the failing streak starts now, unless it already runs. */
  async failed(id: string): Promise<void> {
    await this.db.manager.query('UPDATE webhooks SET failing_since = now() WHERE id = $1 AND failing_since IS NULL', [
      id,
    ]);
  }

  /** The service turns a webhook off: a 410, or too long without a success. */
  async disable(id: string, reason: string): Promise<void> {
    await this.db.manager.query(
      `UPDATE webhooks SET active = false, disabled_reason = $2, updated_at = now(), version = version + 1
        WHERE id = $1 AND active`,
      [id, reason],
    );
  }

  async recordAttempts(attempts: DeliveryAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    await this.db.manager.query(
      `INSERT INTO webhook_deliveries (webhook_id, change_id, attempt, status, response_status, duration_ms, error, next_attempt_at)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[], $8::timestamptz[])`,
      [
        attempts.map((a) => a.webhookId),
        attempts.map((a) => a.changeId),
        attempts.map((a) => a.attempt),
        attempts.map((a) => a.status),
        attempts.map((a) => a.responseStatus),
        attempts.map((a) => a.durationMs),
        attempts.map((a) => a.error),
        attempts.map((a) => a.nextAttemptAt),
      ],
    );
  }

  async deliveries(webhookId: string, limit: number): Promise<DeliveryDto[]> {
    return this.db.manager.query(
      `SELECT id, change_id::text AS "changeId", attempt, status, response_status AS "responseStatus",
              duration_ms AS "durationMs", error, ${isoTimestampSql('attempted_at')} AS "attemptedAt",
              ${isoTimestampSql('next_attempt_at')} AS "nextAttemptAt"
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY attempted_at DESC, id LIMIT $2`,
      [webhookId, limit],
    );
  }

  async delivery(webhookId: string, deliveryId: string): Promise<{ changeId: string; attempts: number } | null> {
    const rows: { changeId: string; attempts: number }[] = await this.db.manager.query(
      `SELECT d.change_id::text AS "changeId",
              (SELECT max(attempt) FROM webhook_deliveries a WHERE a.webhook_id = d.webhook_id AND a.change_id = d.change_id) AS attempts
         FROM webhook_deliveries d WHERE d.webhook_id = $1 AND d.id = $2`,
      [webhookId, deliveryId],
    );
    return rows[0] ?? null;
  }

  /**
   * The dispatcher's next changes, in its transaction: locks its cursor (`SKIP LOCKED`: another
   * instance dispatching now is left to it, and null comes back), then reads up to `limit`
   * changes after it — only those whose transaction is older than every one still running, as
   * the change feed does — with the filters of the active webhooks.
   */
  async nextToDispatch(
    limit: number,
    manager: EntityManager,
  ): Promise<{ changes: DispatchableChange[]; webhooks: WebhookFilter[]; waiting: boolean } | null> {
    const cursor: { lastXid: string; lastId: string }[] = await manager.query(
      `SELECT last_xid::text AS "lastXid", last_id::text AS "lastId" FROM change_dispatch WHERE id = 1 FOR UPDATE SKIP LOCKED`,
    );
    if (cursor.length === 0) return null;
    const webhooks: WebhookFilter[] = await manager.query(
      'SELECT id, types, proposal, tag, created_at AS "createdAt" FROM webhooks WHERE active',
    );
    if (webhooks.length === 0) {
      // No webhook to deliver to: the cursor moves past every change handed out, in one statement.
      await manager.query(
        `UPDATE change_dispatch d SET last_xid = c.xid, last_id = c.id
           FROM (SELECT xid, id FROM changes WHERE xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                  ORDER BY xid DESC, id DESC LIMIT 1) c
          WHERE d.id = 1 AND (c.xid, c.id) > (d.last_xid, d.last_id)`,
      );
      return { changes: [], webhooks, waiting: false };
    }
    const changes: DispatchableChange[] = await manager.query(
      `SELECT id::text AS id, xid::text AS xid, type, proposal_slugs AS "proposalSlugs", tags, recorded_at AS "recordedAt"
         FROM changes
        WHERE xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint AND (xid, id) > ($1::bigint, $2::bigint)
        ORDER BY xid, id LIMIT $3`,
      [cursor[0].lastXid, cursor[0].lastId, limit],
    );
    // Changes after these that a transaction still in flight holds back.
    const after =
      changes.length === 0
        ? cursor[0]
        : { lastXid: changes[changes.length - 1].xid, lastId: changes[changes.length - 1].id };
    const [{ waiting }]: { waiting: boolean }[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM changes WHERE (xid, id) > ($1::bigint, $2::bigint)) AS waiting`,
      [after.lastXid, after.lastId],
    );
    return { changes, webhooks, waiting };
  }

  async advanceDispatch(last: { xid: string; id: string }, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE change_dispatch SET last_xid = $1, last_id = $2 WHERE id = 1', [last.xid, last.id]);
  }
}
