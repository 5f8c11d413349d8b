import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ChangeEntity } from '../../audit/entities/change.entity.js';
import { WebhookEntity } from './webhook.entity.js';

export const DELIVERY_STATUSES = ['succeeded', 'failed', 'abandoned'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One attempt to deliver one change to one webhook. */
@Entity({ name: 'webhook_deliveries' })
@Index('ix_webhook_deliveries_webhook', ['webhookId', 'attemptedAt'])
@Check('ck_webhook_deliveries_status', `status IN ('succeeded', 'failed', 'abandoned')`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_deliveries' })
  id: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'fk_webhook_deliveries_webhook' })
  webhook?: Relation<WebhookEntity>;

  @Column({ name: 'change_id', type: 'bigint' })
  changeId: string;

  @ManyToOne(() => ChangeEntity)
  @JoinColumn({ name: 'change_id', foreignKeyConstraintName: 'fk_webhook_deliveries_change' })
  change?: Relation<ChangeEntity>;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'text' })
  status: DeliveryStatus;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'attempted_at', type: 'timestamptz', default: () => 'now()' })
  attemptedAt: Date;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;
}
