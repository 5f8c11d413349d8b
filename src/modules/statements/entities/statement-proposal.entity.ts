import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { BasisColumn, CertaintyColumn, PartialDateColumn } from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import { ProposalEntity } from '../../proposals/entities/proposal.entity.js';
import { StatementEntity } from './statement.entity.js';
import type { Stance } from '../../../common/dto/stance.js';

/** A statement's stance toward one proposal it concerns. */
@Entity({ name: 'statement_proposals' })
@Index('ix_statement_proposals_proposal_id', ['proposalId', 'statementId'])
@Index('ix_statement_proposals_window', { synchronize: false })
@Index('ix_statement_proposals_proposal_window', { synchronize: false })
@Check('ck_statement_proposals_stance', `stance IN ('supports', 'opposes', 'neutral')`)
export class StatementProposalEntity {
  @PrimaryColumn({ name: 'statement_id', type: 'uuid', primaryKeyConstraintName: 'pk_statement_proposals' })
  statementId: string;

  @PrimaryColumn({ name: 'proposal_id', type: 'uuid', primaryKeyConstraintName: 'pk_statement_proposals' })
  proposalId: string;

  @Column({ type: 'text' })
  stance: Stance;

  /** The statement's date, copied by a trigger (the report reads its window from the links alone). */
  @PartialDateColumn({ name: 'said_on' })
  saidOn: string;

  /** Copies of the statement's date certainty and basis, kept by the same triggers. */
  @CertaintyColumn('said_on')
  saidOnCertainty: DateCertainty;

  @BasisColumn('said_on')
  saidOnBasis: string | null;

  /** Whom the statement counts for (its speaker, and the actor it spoke on behalf of), copied by the same triggers. */
  @Column({ name: 'speaker_id', type: 'uuid' })
  speakerId: string;

  @Column({ name: 'on_behalf_of', type: 'uuid', nullable: true })
  onBehalfOf: string | null;

  /** When the statement was logged, copied: of two statements on one day, the later logged decides a stance. */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  /** Whether the statement stands (is not retracted), copied by a trigger. */
  @Column({ type: 'boolean' })
  standing: boolean;

  @ManyToOne(() => StatementEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'statement_id', foreignKeyConstraintName: 'fk_statement_proposals_statement' })
  statement?: Relation<StatementEntity>;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_statement_proposals_proposal' })
  proposal?: Relation<ProposalEntity>;
}
