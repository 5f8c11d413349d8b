import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import {
  BasisColumn,
  CertaintyColumn,
  certaintyCheckSql,
  PartialDateColumn,
} from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import { ActorEntity } from '../../actors/entities/actor.entity.js';
import { ProposalEntity } from '../../proposals/entities/proposal.entity.js';
import { UserEntity } from '../../users/entities/user.entity.js';
import { PARTICIPATION_ACTIONS, type ParticipationAction } from '../positions.js';

/**
 * One formal act of an actor toward a proposal (endorsed, signed, ratified, joined, observer,
 * partner, left), like a row of the UN Treaty Collection's status tables. Append-only in the
 * database: a trigger refuses deletes and any update but a retraction, once (and an actor merge).
 */
@Entity({ name: 'participation' })
@Index('ix_participation_proposal', ['proposalId', 'occurredOn'])
@Index('ix_participation_actor', ['actorId', 'proposalId'])
@Check('ck_participation_action', `action IN (${PARTICIPATION_ACTIONS.map((a) => `'${a}'`).join(', ')})`)
@Check(
  'ck_participation_retraction',
  `(retracted_at IS NULL) = (retracted_by IS NULL) AND (retracted_at IS NULL) = (retraction_reason IS NULL)`,
)
@Check('ck_participation_occurred_on_certainty', certaintyCheckSql('occurred_on'))
export class ParticipationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_participation' })
  id: string;

  @Column({ name: 'proposal_id', type: 'uuid' })
  proposalId: string;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_participation_proposal' })
  proposal?: Relation<ProposalEntity>;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_participation_actor' })
  actor?: Relation<ActorEntity>;

  @Column({ type: 'text' })
  action: ParticipationAction;

  @PartialDateColumn({ name: 'occurred_on' })
  occurredOn: string;

  @CertaintyColumn('occurred_on')
  occurredOnCertainty: DateCertainty;

  @BasisColumn('occurred_on')
  occurredOnBasis: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'fk_participation_recorded_by' })
  recorder?: Relation<UserEntity>;

  @Column({ name: 'retracted_at', type: 'timestamptz', nullable: true })
  retractedAt: Date | null;

  @Column({ name: 'retracted_by', type: 'uuid', nullable: true })
  retractedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'retracted_by', foreignKeyConstraintName: 'fk_participation_retracted_by' })
  retractor?: Relation<UserEntity> | null;

  @Column({ name: 'retraction_reason', type: 'text', nullable: true })
  retractionReason: string | null;
}
