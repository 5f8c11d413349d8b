import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ActorEntity } from '../../actors/entities/actor.entity.js';
import { EventEntity } from './event.entity.js';

/** An actor that organizes or hosts an event. */
@Entity({ name: 'event_organizers' })
export class EventOrganizerEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'pk_event_organizers' })
  eventId: string;

  @Index('ix_event_organizers_actor_id')
  @PrimaryColumn({ name: 'actor_id', type: 'uuid', primaryKeyConstraintName: 'pk_event_organizers' })
  actorId: string;

  @ManyToOne(() => EventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'fk_event_organizers_event' })
  event?: Relation<EventEntity>;

  @ManyToOne(() => ActorEntity)
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_event_organizers_actor' })
  actor?: Relation<ActorEntity>;
}
