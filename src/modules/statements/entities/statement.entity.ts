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
import {
  BasisColumn,
  CertaintyColumn,
  certaintyCheckSql,
  PartialDateColumn,
} from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import { ActorEntity } from '../../actors/entities/actor.entity.js';
import { EventEntity } from '../../events/entities/event.entity.js';
import { SourceEntity } from '../../sources/entities/source.entity.js';
import { UserEntity } from '../../users/entities/user.entity.js';

/**
 * Something an actor said, in a source, about one or more proposals. Retraction keeps the row
 * and flags it; `search` is kept current by a trigger from the quote and the summary.
 */
@Entity({ name: 'statements' })
@Index('ix_statements_said_on', ['saidOn', 'id'])
@Index('ix_statements_search', { synchronize: false })
@Index('ix_statements_unstated', { synchronize: false })
@Index('ix_statements_source_said_on', { synchronize: false })
@Index('ix_statements_on_behalf_of', { synchronize: false })
@Check('ck_statements_language', `language ~ '^[a-z]{2}$'`)
@Check('ck_statements_content', `quote IS NOT NULL OR summary IS NOT NULL`)
@Check(
  'ck_statements_retraction',
  `(retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retraction_reason IS NULL)`,
)
@Check('ck_statements_said_on_certainty', certaintyCheckSql('said_on'))
export class StatementEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_statements' })
  id: string;

  @Index('ix_statements_speaker_id')
  @Column({ name: 'speaker_id', type: 'uuid' })
  speakerId: string;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'speaker_id', foreignKeyConstraintName: 'fk_statements_speaker' })
  speaker?: Relation<ActorEntity>;

  /** The state or organization the speaker spoke for (its ambassador speaking for Russia); null: the speaker alone. */
  @Column({ name: 'on_behalf_of', type: 'uuid', nullable: true })
  onBehalfOf: string | null;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'on_behalf_of', foreignKeyConstraintName: 'fk_statements_on_behalf_of' })
  principal?: Relation<ActorEntity> | null;

  @Column({ name: 'speaker_role', type: 'text', nullable: true })
  speakerRole: string | null;

  @PartialDateColumn({ name: 'said_on' })
  saidOn: string;

  @CertaintyColumn('said_on')
  saidOnCertainty: DateCertainty;

  @BasisColumn('said_on')
  saidOnBasis: string | null;

  @Index('ix_statements_event_id')
  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId: string | null;

  @ManyToOne(() => EventEntity)
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'fk_statements_event' })
  event?: Relation<EventEntity> | null;

  @Column({ type: 'text', nullable: true })
  quote: string | null;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'text', default: 'en' })
  language: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Index('ix_statements_source_id')
  @Column({ name: 'source_id', type: 'uuid' })
  sourceId: string;

  @ManyToOne(() => SourceEntity)
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'fk_statements_source' })
  source?: Relation<SourceEntity>;

  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search: string | null;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'fk_statements_recorded_by' })
  recorder?: Relation<UserEntity>;

  @Column({ name: 'retracted_at', type: 'timestamptz', nullable: true })
  retractedAt: Date | null;

  @Column({ name: 'retracted_by', type: 'uuid', nullable: true })
  retractedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'retracted_by', foreignKeyConstraintName: 'fk_statements_retracted_by' })
  retractor?: Relation<UserEntity> | null;

  @Column({ name: 'retraction_reason', type: 'text', nullable: true })
  retractionReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
