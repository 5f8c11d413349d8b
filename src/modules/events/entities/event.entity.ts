import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import {
  BasisColumn,
  CertaintyColumn,
  certaintyCheckSql,
  PartialDateColumn,
} from '../../../common/dates/partial-date.column.js';
import type { DateCertainty } from '../../../common/dates/world-date.js';

export const EVENT_KINDS = [
  'summit',
  'conference',
  'roundtable',
  'meeting',
  'interview',
  'publication',
  'other',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A summit, conference, roundtable, interview or publication where statements are made. */
@Entity({ name: 'events' })
@Index('ix_events_starts_on', ['startsOn', 'id'])
@Check(
  'ck_events_kind',
  `kind IN ('summit', 'conference', 'roundtable', 'meeting', 'interview', 'publication', 'other')`,
)
@Check('ck_events_dates', `ends_on IS NULL OR partial_date_start(ends_on) >= partial_date_start(starts_on)`)
@Check('ck_events_starts_on_certainty', certaintyCheckSql('starts_on'))
@Check('ck_events_ends_on_certainty', certaintyCheckSql('ends_on'))
export class EventEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_events' })
  id: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: EventKind;

  @PartialDateColumn({ name: 'starts_on' })
  startsOn: string;

  @CertaintyColumn('starts_on')
  startsOnCertainty: DateCertainty;

  @BasisColumn('starts_on')
  startsOnBasis: string | null;

  @PartialDateColumn({ name: 'ends_on', nullable: true })
  endsOn: string | null;

  @CertaintyColumn('ends_on')
  endsOnCertainty: DateCertainty;

  @BasisColumn('ends_on')
  endsOnBasis: string | null;

  @Column({ type: 'text', nullable: true })
  location: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
