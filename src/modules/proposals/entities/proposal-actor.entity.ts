import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ActorEntity } from '../../actors/entities/actor.entity.js';
import { ProposalEntity } from './proposal.entity.js';

export const PROPOSER_ROLES = ['proposer', 'co-proposer', 'backer'] as const;
export type ProposerRole = (typeof PROPOSER_ROLES)[number];

@Entity({ name: 'proposal_actors' })
@Check('ck_proposal_actors_role', `role IN ('proposer', 'co-proposer', 'backer')`)
export class ProposalActorEntity {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid', primaryKeyConstraintName: 'pk_proposal_actors' })
  proposalId: string;

  @Index('ix_proposal_actors_actor_id')
  @PrimaryColumn({ name: 'actor_id', type: 'uuid', primaryKeyConstraintName: 'pk_proposal_actors' })
  actorId: string;

  @Column({ type: 'text' })
  role: ProposerRole;

  @ManyToOne(() => ProposalEntity, (proposal) => proposal.proposers, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_proposal_actors_proposal' })
  proposal?: Relation<ProposalEntity>;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_proposal_actors_actor' })
  actor?: Relation<ActorEntity>;
}
