import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { SourceEntity } from '../../sources/entities/source.entity.js';
import { TransitionEntity } from './transition.entity.js';

/** A source cited by a transition; append-only like the history itself. */
@Entity({ name: 'transition_sources' })
export class TransitionSourceEntity {
  @PrimaryColumn({ name: 'transition_id', type: 'uuid', primaryKeyConstraintName: 'pk_transition_sources' })
  transitionId: string;

  @Index('ix_transition_sources_source_id')
  @PrimaryColumn({ name: 'source_id', type: 'uuid', primaryKeyConstraintName: 'pk_transition_sources' })
  sourceId: string;

  @ManyToOne(() => TransitionEntity)
  @JoinColumn({ name: 'transition_id', foreignKeyConstraintName: 'fk_transition_sources_transition' })
  transition?: Relation<TransitionEntity>;

  @ManyToOne(() => SourceEntity)
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'fk_transition_sources_source' })
  source?: Relation<SourceEntity>;
}
