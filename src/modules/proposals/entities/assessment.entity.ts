import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';
import type { Momentum } from '../workflow/momentum.js';
import { ProposalEntity } from './proposal.entity.js';

/**
 * An editor's assessment of a proposal's momentum, beside the computed one. Kept as recorded: the
 * only change a trigger allows is its withdrawal, once.
 */
@Entity({ name: 'assessments' })
@Index('ix_assessments_proposal_id', ['proposalId', 'recordedAt'])
@Check('ck_assessments_momentum', `momentum IN ('advancing', 'active', 'stalled', 'concluded')`)
@Check(
  'ck_assessments_withdrawal',
  `(withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL)`,
)
export class AssessmentEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_assessments' })
  id: string;

  @Column({ name: 'proposal_id', type: 'uuid' })
  proposalId: string;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_assessments_proposal' })
  proposal?: Relation<ProposalEntity>;

  @Column({ type: 'text' })
  momentum: Momentum;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'fk_assessments_recorded_by' })
  recorder?: Relation<UserEntity>;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ name: 'withdrawn_by', type: 'uuid', nullable: true })
  withdrawnBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'withdrawn_by', foreignKeyConstraintName: 'fk_assessments_withdrawn_by' })
  withdrawer?: Relation<UserEntity> | null;

  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true })
  withdrawalReason: string | null;
}
