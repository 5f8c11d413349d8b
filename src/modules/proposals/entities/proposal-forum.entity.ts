import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ActorEntity } from '../../actors/entities/actor.entity.js';
import { ProposalEntity } from './proposal.entity.js';

/** An organization where a proposal is pursued. */
@Entity({ name: 'proposal_forums' })
export class ProposalForumEntity {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid', primaryKeyConstraintName: 'pk_proposal_forums' })
  proposalId: string;

  @Index('ix_proposal_forums_actor_id')
  @PrimaryColumn({ name: 'actor_id', type: 'uuid', primaryKeyConstraintName: 'pk_proposal_forums' })
  actorId: string;

  @ManyToOne(() => ProposalEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_proposal_forums_proposal' })
  proposal?: Relation<ProposalEntity>;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_proposal_forums_actor' })
  actor?: Relation<ActorEntity>;
}
