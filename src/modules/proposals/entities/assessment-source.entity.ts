import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { SourceEntity } from '../../sources/entities/source.entity.js';
import { AssessmentEntity } from './assessment.entity.js';

/** A source an assessment rests on; append-only like the assessment. */
@Entity({ name: 'assessment_sources' })
export class AssessmentSourceEntity {
  @PrimaryColumn({ name: 'assessment_id', type: 'uuid', primaryKeyConstraintName: 'pk_assessment_sources' })
  assessmentId: string;

  @Index('ix_assessment_sources_source_id')
  @PrimaryColumn({ name: 'source_id', type: 'uuid', primaryKeyConstraintName: 'pk_assessment_sources' })
  sourceId: string;

  @ManyToOne(() => AssessmentEntity)
  @JoinColumn({ name: 'assessment_id', foreignKeyConstraintName: 'fk_assessment_sources_assessment' })
  assessment?: Relation<AssessmentEntity>;

  @ManyToOne(() => SourceEntity)
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'fk_assessment_sources_source' })
  source?: Relation<SourceEntity>;
}
