import type { Momentum } from '../proposals/workflow/momentum.js';
import { STATUSES, type Status } from '../proposals/workflow/statuses.js';
import type { MomentumTotalsDto } from './dto/progress-report.dto.js';
import type { ReportFormat } from '../proposals/progress-lines.js';
import { lineOf, REPORT_CSV_HEADER, type ReportLine } from '../proposals/progress-lines.js';

/**
 * Rows per piece of the body: about 90 kB of JSON, under V8's large-object size (128 kB), so a
 * piece is freed by the young generation's collections once written instead of waiting in the
 * large-object space for a full collection (the whole report is 40+ MB at 100k proposals). A kept
 * report is compressed piece by piece, so this is also how much is compressed again when one of
 * its rows changes.
 */
export const ROWS_PER_PIECE = 200;

/** What the JSON report counts of its rows. */
export interface ReportCounts {
  totals: MomentumTotalsDto;
  byStatus: Record<Status, number>;
}

/**
 * A piece of a report's body: its text, and for a run of rows, the rows (each a JSON object or a
 * CSV line without its line break); the last piece of a JSON report carries the counts it wrote.
 */
export interface ReportPiece {
  text: string;
  lines?: string[];
  counts?: ReportCounts;
}

/** How a report of one format is written around its rows. */
export interface ReportLayout {
  /** The text before the rows. */
  head: string;
  /** A run of rows as text; `leads`: rows come before them (JSON separates rows with commas). */
  rows(lines: readonly string[], leads: boolean): string;
  /** The rows of such a text, from each row's length in characters. */
  split(text: string, lengths: ArrayLike<number>, leads: boolean): string[];
  /** The text after the rows. */
  tail(counts: ReportCounts): string;
  /** Whether a run of rows after the first starts with a separator. */
  separated: boolean;
}

function splitRows(text: string, lengths: ArrayLike<number>, start: number, between: number): string[] {
  const lines = new Array<string>(lengths.length);
  let at = start;
  for (let i = 0; i < lengths.length; i += 1) {
    lines[i] = text.slice(at, at + lengths[i]);
    at += lengths[i] + between;
  }
  return lines;
}

export function reportLayout(format: ReportFormat, asOf: string, windowDays: number): ReportLayout {
  if (format === 'csv') {
    return {
      head: `${REPORT_CSV_HEADER.map((column) => `"${column}"`).join(',')}\r\n`,
      rows: (lines) => `${lines.join('\r\n')}\r\n`,
      split: (text, lengths) => splitRows(text, lengths, 0, 2),
      tail: () => '',
      separated: false,
    };
  }
  return {
    head: `${JSON.stringify({ asOf, windowDays }).slice(0, -1)},"proposals":[`,
    rows: (lines, leads) => (leads ? ',' : '') + lines.join(','),
    split: (text, lengths, leads) => splitRows(text, lengths, leads ? 1 : 0, 1),
    tail: (counts) => `],"totals":${JSON.stringify(counts.totals)},"byStatus":${JSON.stringify(counts.byStatus)}}`,
    separated: true,
  };
}

/**
 * The slug of a row (a JSON row starts `{"slug":"…"`, a CSV line `"…"`; slugs hold no quote): a
 * string of its own, not a slice that would keep the whole row in memory while it is kept.
 */
export function slugOfLine(line: string): string {
  const start = line.indexOf('"', line.startsWith('{') ? 8 : 0) + 1;
  return Buffer.from(line.slice(start, line.indexOf('"', start)), 'latin1').toString('latin1');
}

export function noCounts(): ReportCounts {
  return {
    totals: { advancing: 0, active: 0, stalled: 0, concluded: 0, total: 0 },
    byStatus: Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>,
  };
}

/** Counts a row in (`by` 1) or out (`by` -1). */
export function count(counts: ReportCounts, row: { status: Status; momentum: Momentum }, by: 1 | -1): void {
  counts.totals[row.momentum] += by;
  counts.totals.total += by;
  counts.byStatus[row.status] += by;
}

/**
 * The body of a report whose rows arrive in batches: the head, the rows {@link ROWS_PER_PIECE} at
 * a time, and the tail, which for JSON holds the totals counted as the rows passed.
 */
export async function* reportPieces(
  layout: ReportLayout,
  batches: AsyncIterable<ReportLine[]>,
): AsyncGenerator<ReportPiece> {
  const counts = noCounts();
  yield { text: layout.head };
  let leads = false;
  for await (const rows of batches) {
    for (const row of rows) count(counts, row, 1);
    for (let start = 0; start < rows.length; start += ROWS_PER_PIECE) {
      const lines = rows.slice(start, start + ROWS_PER_PIECE).map(lineOf);
      yield { text: layout.rows(lines, leads), lines };
      leads = true;
    }
  }
  yield { text: layout.tail(counts), counts };
}
