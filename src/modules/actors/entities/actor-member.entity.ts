import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ActorEntity } from './actor.entity.js';

/** An organization's member actors. */
@Entity({ name: 'actor_members' })
export class ActorMemberEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid', primaryKeyConstraintName: 'pk_actor_members' })
  organizationId: string;

  @Index('ix_actor_members_member_id')
  @PrimaryColumn({ name: 'member_id', type: 'uuid', primaryKeyConstraintName: 'pk_actor_members' })
  memberId: string;

  @ManyToOne(() => ActorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_actor_members_organization' })
  organization?: Relation<ActorEntity>;

  @ManyToOne(() => ActorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_actor_members_member' })
  member?: Relation<ActorEntity>;
}
