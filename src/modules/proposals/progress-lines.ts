import type { Momentum } from './workflow/momentum.js';
import type { Status } from './workflow/statuses.js';

/** The two shapes a progress report is written in. */
export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** One report row, already written out as a JSON object or a CSV line, with what the totals count. */
export interface ReportLine {
  status: Status;
  momentum: Momentum;
  /** Null only if PostgreSQL could not write the row: a proposal row breaking an invariant. */
  line: string | null;
}

/** A row's line; a row PostgreSQL could not write (a null) stops the report rather than garbling it. */
export function lineOf(row: ReportLine): string {
  if (row.line === null) throw new Error(`the report could not write a row (status ${row.status})`);
  return row.line;
}

/** The report's columns, in the order a CSV line gives them. */
export const REPORT_CSV_HEADER = [
  'slug',
  'title',
  'status',
  'statusSince',
  'statusSinceCertainty',
  'statusSinceBasis',
  'daysInStatus',
  'furthestStatus',
  'lastTransitionOn',
  'lastTransitionOnCertainty',
  'lastTransitionOnBasis',
  'lastStatementOn',
  'lastStatementOnCertainty',
  'lastStatementOnBasis',
  'statementsInWindow',
  'supportsInWindow',
  'opposesInWindow',
  'neutralInWindow',
  'supportingActors',
  'opposingActors',
  'momentum',
  'reasons',
  'assessmentMomentum',
  'assessmentReason',
  'assessmentBy',
  'assessmentOn',
] as const;

/** A proposal's row as it is now: its line and what it counts, or no line when it is no longer in the report. */
export type RowChange =
  { slug: string; line: string; status: Status; momentum: Momentum } | { slug: string; line: null };
