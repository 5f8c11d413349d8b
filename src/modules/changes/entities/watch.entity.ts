import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';

export const WATCH_TARGETS = ['proposal', 'actor', 'tag', 'forum'] as const;
export type WatchTarget = (typeof WATCH_TARGETS)[number];

/** A user's watch on one proposal, actor, tag or forum: `GET /me/changes` follows what it names. */
@Entity({ name: 'watches' })
@Unique('uq_watches_target', ['userId', 'targetType', 'target'])
@Check('ck_watches_target_type', `target_type IN ('proposal', 'actor', 'tag', 'forum')`)
export class WatchEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_watches' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_watches_user' })
  user?: Relation<UserEntity>;

  @Column({ name: 'target_type', type: 'text' })
  targetType: WatchTarget;

  /** A slug (proposal, actor, forum) or a tag. */
  @Column({ type: 'text' })
  target: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
