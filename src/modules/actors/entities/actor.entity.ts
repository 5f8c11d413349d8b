import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';

export const ACTOR_KINDS = ['state', 'organization', 'person'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

@Entity({ name: 'actors' })
@Check('ck_actors_kind', `kind IN ('state', 'organization', 'person')`)
export class ActorEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_actors' })
  id: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Index('ix_actors_kind')
  @Column({ type: 'text' })
  kind: ActorKind;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'short_name', type: 'text', nullable: true })
  shortName: string | null;

  @Column({ type: 'text', array: true, default: '{}' })
  aliases: string[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ name: 'country_id', type: 'uuid', nullable: true })
  countryId: string | null;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'country_id', foreignKeyConstraintName: 'fk_actors_country' })
  country?: Relation<ActorEntity> | null;

  /** Its names, case- and accent-folded (`ppt_match_key`), kept by a trigger: what a new actor is checked against. */
  @Index('ix_actors_match_keys', { synchronize: false })
  @Column({ name: 'match_keys', type: 'text', array: true, default: '{}', select: false, insert: false, update: false })
  matchKeys: string[];

  /** Set when it was merged into another actor: its slug then resolves to that one. */
  @Index('ix_actors_merged_into_id')
  @Column({ name: 'merged_into_id', type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'fk_actors_merged_into' })
  mergedInto?: Relation<ActorEntity> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
