import {
  BasisColumn,
  CertaintyColumn,
  certaintyCheckSql,
  PartialDateColumn,
} from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Where a fact was published; one row per article however often it is cited. */
@Entity({ name: 'sources' })
@Index('ix_sources_publisher', { synchronize: false })
@Check('ck_sources_url_or_publisher', `url IS NOT NULL OR publisher IS NOT NULL`)
@Check('ck_sources_published_on_certainty', certaintyCheckSql('published_on'))
export class SourceEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_sources' })
  id: string;

  /** The normalized URL, or publisher + title + date for sources without one. */
  @Column({ name: 'dedup_key', type: 'text', unique: true })
  dedupKey: string;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'text', nullable: true })
  publisher: string | null;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @PartialDateColumn({ name: 'published_on', nullable: true })
  publishedOn: string | null;

  @CertaintyColumn('published_on')
  publishedOnCertainty: DateCertainty;

  @BasisColumn('published_on')
  publishedOnBasis: string | null;

  /** What an editor knows about the source beyond its citation (who it was given to, how it was found). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
