import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';
import { ActorEntity } from './actor.entity.js';

/** An editor's merge of a duplicate actor into another: who, when, why, and which references moved. */
@Entity({ name: 'actor_merges' })
export class ActorMergeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_actor_merges' })
  id: string;

  @Index('uq_actor_merges_actor_id', { unique: true })
  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_actor_merges_actor' })
  actor?: Relation<ActorEntity>;

  @Index('ix_actor_merges_into_id')
  @Column({ name: 'into_id', type: 'uuid' })
  intoId: string;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'into_id', foreignKeyConstraintName: 'fk_actor_merges_into' })
  into?: Relation<ActorEntity>;

  /** The merged actor's slug, which goes on resolving to the other. */
  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'text' })
  reason: string;

  /** How many references of each kind moved. */
  @Column({ type: 'jsonb' })
  moved: Record<string, number>;

  @Column({ name: 'merged_by', type: 'uuid' })
  mergedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'merged_by', foreignKeyConstraintName: 'fk_actor_merges_merged_by' })
  merger?: Relation<UserEntity>;

  @Column({ name: 'merged_at', type: 'timestamptz', default: () => 'now()' })
  mergedAt: Date;
}
