import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { SourceEntity } from '../../sources/entities/source.entity.js';
import { ParticipationEntity } from './participation.entity.js';

/** A source cited by a participation act; append-only like the act itself. */
@Entity({ name: 'participation_sources' })
export class ParticipationSourceEntity {
  @PrimaryColumn({ name: 'participation_id', type: 'uuid', primaryKeyConstraintName: 'pk_participation_sources' })
  participationId: string;

  @Index('ix_participation_sources_source_id')
  @PrimaryColumn({ name: 'source_id', type: 'uuid', primaryKeyConstraintName: 'pk_participation_sources' })
  sourceId: string;

  @ManyToOne(() => ParticipationEntity)
  @JoinColumn({ name: 'participation_id', foreignKeyConstraintName: 'fk_participation_sources_participation' })
  participation?: Relation<ParticipationEntity>;

  @ManyToOne(() => SourceEntity)
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'fk_participation_sources_source' })
  source?: Relation<SourceEntity>;
}
