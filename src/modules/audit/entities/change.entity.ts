import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';

/**
 * One change a reader can see, committed with the write that made it (contract §7). Append-only.
 * `xid` is the writing transaction's id: the change feed is read in (xid, id) order, and only up
 * to the oldest transaction still running, so no change ever commits behind a reader's cursor.
 */
@Entity({ name: 'changes' })
@Index('ix_changes_order', ['xid', 'id'])
export class ChangeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_changes' })
  id: string;

  /** Set on insert to `pg_current_xact_id()`. */
  @Column({ type: 'bigint' })
  xid: string;

  @Column({ type: 'text' })
  type: string;

  @Index('ix_changes_recorded_at')
  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ name: 'by_id', type: 'uuid', nullable: true })
  byId: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'by_id', foreignKeyConstraintName: 'fk_changes_by' })
  by?: Relation<UserEntity> | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Index('ix_changes_proposal_slugs', { synchronize: false })
  @Column({ name: 'proposal_slugs', type: 'text', array: true, default: '{}' })
  proposalSlugs: string[];

  @Index('ix_changes_actor_slugs', { synchronize: false })
  @Column({ name: 'actor_slugs', type: 'text', array: true, default: '{}' })
  actorSlugs: string[];

  @Index('ix_changes_forum_slugs', { synchronize: false })
  @Column({ name: 'forum_slugs', type: 'text', array: true, default: '{}' })
  forumSlugs: string[];

  @Index('ix_changes_tags', { synchronize: false })
  @Column({ type: 'text', array: true, default: '{}' })
  tags: string[];

  @Column({ name: 'subject_type', type: 'text' })
  subjectType: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId: string;

  @Column({ name: 'subject_slug', type: 'text', nullable: true })
  subjectSlug: string | null;

  @Column({ type: 'text' })
  summary: string;

  /** `json`, not `jsonb`: the record keeps the order of its fields, as its GET shows them. */
  @Column({ type: 'json' })
  data: unknown;
}
