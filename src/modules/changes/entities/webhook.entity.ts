import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';

/** A receiver of signed deliveries of the changes its filters match (Standard Webhooks). */
@Entity({ name: 'webhooks' })
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhooks' })
  id: string;

  @Column({ type: 'text' })
  url: string;

  /** The signing secret (`whsec_…`), kept to sign with; never shown after it is issued. */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'text', array: true, nullable: true })
  types: string[] | null;

  @Column({ type: 'text', nullable: true })
  proposal: string | null;

  @Column({ type: 'text', nullable: true })
  tag: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: string | null;

  /** When deliveries began failing without a success since; 24 hours of it disables the webhook. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_webhooks_created_by' })
  creator?: Relation<UserEntity>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
