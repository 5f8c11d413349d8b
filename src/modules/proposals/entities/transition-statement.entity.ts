import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { StatementEntity } from '../../statements/entities/statement.entity.js';
import { TransitionEntity } from './transition.entity.js';

/** A statement cited by a transition; append-only like the history itself. */
@Entity({ name: 'transition_statements' })
export class TransitionStatementEntity {
  @PrimaryColumn({ name: 'transition_id', type: 'uuid', primaryKeyConstraintName: 'pk_transition_statements' })
  transitionId: string;

  @Index('ix_transition_statements_statement_id')
  @PrimaryColumn({ name: 'statement_id', type: 'uuid', primaryKeyConstraintName: 'pk_transition_statements' })
  statementId: string;

  @ManyToOne(() => TransitionEntity)
  @JoinColumn({ name: 'transition_id', foreignKeyConstraintName: 'fk_transition_statements_transition' })
  transition?: Relation<TransitionEntity>;

  @ManyToOne(() => StatementEntity)
  @JoinColumn({ name: 'statement_id', foreignKeyConstraintName: 'fk_transition_statements_statement' })
  statement?: Relation<StatementEntity>;
}
