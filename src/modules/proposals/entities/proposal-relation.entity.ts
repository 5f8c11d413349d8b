import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProposalEntity } from './proposal.entity.js';

/** Another proposal this one relates to, with how (e.g. "complements"). */
@Entity({ name: 'proposal_relations' })
@Check('ck_proposal_relations_not_self', `proposal_id <> related_id`)
export class ProposalRelationEntity {
  @PrimaryColumn({ name: 'proposal_id', type: 'uuid', primaryKeyConstraintName: 'pk_proposal_relations' })
  proposalId: string;

  @Index('ix_proposal_relations_related_id')
  @PrimaryColumn({ name: 'related_id', type: 'uuid', primaryKeyConstraintName: 'pk_proposal_relations' })
  relatedId: string;

  @Column({ type: 'text', nullable: true })
  relation: string | null;

  @ManyToOne(() => ProposalEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposal_id', foreignKeyConstraintName: 'fk_proposal_relations_proposal' })
  proposal?: Relation<ProposalEntity>;

  @ManyToOne(() => ProposalEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'related_id', foreignKeyConstraintName: 'fk_proposal_relations_related' })
  related?: Relation<ProposalEntity>;
}
