import {
  BasisColumn,
  CertaintyColumn,
  certaintyCheckSql,
  PartialDateColumn,
} from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';
import type { Direction, Status } from '../workflow/statuses.js';
import { ProposalEntity } from './proposal.entity.js';

/**
 * One row of a proposal's status history. Append-only in the database: a trigger refuses
 * deletes and any update but setting the retraction fields of a standing row once.
 */
@Entity({ name: 'transitions' })
@Index('ix_transitions_advances', { synchronize: false })
@Index('ix_transitions_proposal_advances', { synchronize: false })
@Index('ix_transitions_unstated', { synchronize: false })
@Unique('uq_transitions_proposal_seq', ['proposalId', 'seq'])
@Check('ck_transitions_direction', `direction IN ('advance', 'regress', 'suspend', 'resume', 'close', 'revive')`)
@Check(
  'ck_transitions_retraction',
  `(retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retraction_reason IS NULL)`,
)
@Check('ck_transitions_occurred_on_certainty', certaintyCheckSql('occurred_on'))
export class TransitionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_transitions' })
  id: string;

  @Column({ name: 'proposal_id', type: 'uuid' })
  proposalId: string;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_transitions_proposal' })
  proposal?: Relation<ProposalEntity>;

  /** Position in the proposal's history, from 1. */
  @Column({ type: 'integer' })
  seq: number;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: Status | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus: Status;

  @Column({ type: 'text' })
  direction: Direction;

  @PartialDateColumn({ name: 'occurred_on' })
  occurredOn: string;

  @CertaintyColumn('occurred_on')
  occurredOnCertainty: DateCertainty;

  @BasisColumn('occurred_on')
  occurredOnBasis: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'superseded_by_id', type: 'uuid', nullable: true })
  supersededById: string | null;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'superseded_by_id', foreignKeyConstraintName: 'fk_transitions_superseded_by' })
  supersededBy?: Relation<ProposalEntity> | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'fk_transitions_recorded_by' })
  recorder?: Relation<UserEntity>;

  @Column({ name: 'retracted_at', type: 'timestamptz', nullable: true })
  retractedAt: Date | null;

  @Column({ name: 'retracted_by', type: 'uuid', nullable: true })
  retractedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'retracted_by', foreignKeyConstraintName: 'fk_transitions_retracted_by' })
  retractor?: Relation<UserEntity> | null;

  @Column({ name: 'retraction_reason', type: 'text', nullable: true })
  retractionReason: string | null;
}
