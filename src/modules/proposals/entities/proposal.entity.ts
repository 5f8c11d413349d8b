import {
  BasisColumn,
  CertaintyColumn,
  certaintyCheckSql,
  PartialDateColumn,
} from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { Status } from '../workflow/statuses.js';
import { ProposalActorEntity } from './proposal-actor.entity.js';
import { UserEntity } from '../../users/entities/user.entity.js';

@Entity({ name: 'proposals' })
@Index('ix_proposals_last_activity', ['lastActivityOn', 'id'])
@Index('ix_proposals_report', { synchronize: false })
@Check('ck_proposals_proposed_on_certainty', certaintyCheckSql('proposed_on'))
@Check(
  'ck_proposals_duplicate',
  `(duplicate_of_id IS NULL) = (duplicate_marked_at IS NULL) AND duplicate_of_id IS DISTINCT FROM id`,
)
export class ProposalEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_proposals' })
  id: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @PartialDateColumn({ name: 'proposed_on' })
  proposedOn: string;

  @CertaintyColumn('proposed_on')
  proposedOnCertainty: DateCertainty;

  @BasisColumn('proposed_on')
  proposedOnBasis: string | null;

  @Index('ix_proposals_status')
  @Column({ type: 'text' })
  status: Status;

  @PartialDateColumn({ name: 'status_since' })
  statusSince: string;

  /** The certainty of the date of the transition in force. */
  @CertaintyColumn('status_since')
  statusSinceCertainty: DateCertainty;

  @BasisColumn('status_since')
  statusSinceBasis: string | null;

  @Column({ name: 'furthest_status', type: 'text' })
  furthestStatus: Status;

  @PartialDateColumn({ name: 'last_activity_on' })
  lastActivityOn: string;

  @Index('ix_proposals_tags', { synchronize: false })
  @Column({ type: 'text', array: true, default: '{}' })
  tags: string[];

  @Index('ix_proposals_parent_id')
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_proposals_parent' })
  parent?: Relation<ProposalEntity> | null;

  @Column({ name: 'superseded_by_id', type: 'uuid', nullable: true })
  supersededById: string | null;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'superseded_by_id', foreignKeyConstraintName: 'fk_proposals_superseded_by' })
  supersededBy?: Relation<ProposalEntity> | null;

  /** The latest standing transition's `from` and direction, for the report's reasons. */
  @Column({ name: 'last_from_status', type: 'text', nullable: true })
  lastFromStatus: Status | null;

  @Column({ name: 'last_direction', type: 'text', default: 'advance' })
  lastDirection: string;

  /** The latest world date among standing statements about it. */
  @PartialDateColumn({ name: 'last_statement_on', nullable: true })
  lastStatementOn: string | null;

  /** The certainty of the latest standing statement's date (the surest of those that day). */
  @Column({ name: 'last_statement_on_certainty', type: 'text', nullable: true })
  lastStatementOnCertainty: DateCertainty | null;

  @Column({ name: 'last_statement_on_basis', type: 'text', nullable: true })
  lastStatementOnBasis: string | null;

  /** The words of the standing statements about it, for full-text search. */
  @Index('ix_proposals_statements_search', { synchronize: false })
  @Column({ name: 'statements_search', type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  statementsSearch: string | null;

  /** Title and summary for full-text search, kept current by a trigger. */
  @Index('ix_proposals_search', { synchronize: false })
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search: string | null;

  /** The last transaction that changed it or what is recorded about it, stamped by a trigger. */
  @Index('ix_proposals_changed_xid')
  @Column({ name: 'changed_xid', type: 'bigint', select: false, insert: false, update: false })
  changedXid: string;

  @OneToMany(() => ProposalActorEntity, (link) => link.proposal)
  proposers?: Relation<ProposalActorEntity[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Its title, case- and accent-folded (`ppt_match_key`), kept by a trigger: what a new proposal is checked against. */
  @Index('ix_proposals_match_keys', { synchronize: false })
  @Column({ name: 'match_keys', type: 'text', array: true, default: '{}', select: false, insert: false, update: false })
  matchKeys: string[];

  /** Set by an editor who marked it a duplicate of another: lists and reports then leave it out. */
  @Index('ix_proposals_duplicate_of_id')
  @Column({ name: 'duplicate_of_id', type: 'uuid', nullable: true })
  duplicateOfId: string | null;

  @ManyToOne(() => ProposalEntity)
  @JoinColumn({ name: 'duplicate_of_id', foreignKeyConstraintName: 'fk_proposals_duplicate_of' })
  duplicateOf?: Relation<ProposalEntity> | null;

  @Column({ name: 'duplicate_marked_by', type: 'uuid', nullable: true })
  duplicateMarkedBy: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'duplicate_marked_by', foreignKeyConstraintName: 'fk_proposals_duplicate_marked_by' })
  duplicateMarker?: Relation<UserEntity> | null;

  @Column({ name: 'duplicate_marked_at', type: 'timestamptz', nullable: true })
  duplicateMarkedAt: Date | null;

  @Column({ name: 'duplicate_reason', type: 'text', nullable: true })
  duplicateReason: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
