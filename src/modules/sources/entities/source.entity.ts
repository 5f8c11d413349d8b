import { PartialDateColumn } from '../../../common/dates/partial-date.column.js';
import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Where a fact was published; one row per article however often it is cited. */
@Entity({ name: 'sources' })
@Check('ck_sources_url_or_publisher', `url IS NOT NULL OR publisher IS NOT NULL`)
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
