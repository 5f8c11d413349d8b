import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { Db } from '../../common/database/db.js';
import { today } from '../../common/dates/partial-date.js';
import { DEFAULT_WINDOW_DAYS } from '../proposals/workflow/momentum.js';
import { STATUSES, type Status } from '../proposals/workflow/statuses.js';
import type { MomentumTotalsDto, ProgressReportQueryDto, ReportFormat } from './dto/progress-report.dto.js';
import { keepingGzipped, ReportCache } from './report-cache.js';
import { REPORT_CSV_HEADER, type ReportLine, ReportsRepository } from './reports.repository.js';

/** Rows per batch read from the database. */
const ROWS_PER_BATCH = 1000;

/**
 * Rows per chunk of the response body: about 90 kB of JSON, under V8's large-object size (128 kB),
 * so a chunk is freed by the young generation's collections once written instead of waiting in
 * the large-object space for a full collection (the whole report is 40+ MB at 100k proposals).
 */
const ROWS_PER_CHUNK = 200;

/**
 * A progress report ready to send: its date, and either its body in chunks and how to let go of
 * its cursor, or, for a repeat of a report nothing has been written since, that body kept gzipped.
 */
export type ProgressReport =
  | {
      asOf: string;
      cached: false;
      body: AsyncIterable<string>;
      /**
       * Ends the database cursor behind the body, whether the body was read to the end, in part or
       * not at all (the client went away): call it once the response is closed.
       */
      close(): Promise<void>;
    }
  | { asOf: string; cached: true; gzip: Buffer[]; bytes: number };

@Injectable()
export class ReportsService {
  private readonly cache: ReportCache;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly db: Db,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new ReportCache(config.reportCacheMb * 1024 * 1024);
  }

  /**
   * Which proposals are advancing, active, stalled or concluded on `asOf`, and why: as the JSON
   * of `ProgressReportDto`, or as RFC 4180 CSV with a header line (reasons joined with "; ").
   * PostgreSQL writes each row; they stream through in batches, so memory stays a batch or two. The
   * JSON's `totals` and `byStatus` follow the rows, counted as they pass. The first batch is read
   * before answering: a report that cannot start is an error response, not a cut-off body.
   *
   * A report sent to its end is kept, gzipped, with the snapshot its rows were read in; the same
   * report asked again is that body, as long as no transaction has committed since the snapshot.
   */
  async progress(query: ProgressReportQueryDto, format: ReportFormat): Promise<ProgressReport> {
    const asOf = query.asOf ?? today();
    const windowDays = query.windowDays ?? DEFAULT_WINDOW_DAYS;
    const filters = { status: query.status, forum: query.forum, proposer: query.proposer, tag: query.tag };
    const key = JSON.stringify([
      format,
      asOf,
      windowDays,
      [...new Set(filters.status ?? [])].sort(),
      filters.forum ?? null,
      filters.proposer ?? null,
      filters.tag ?? null,
    ]);
    const kept = this.cache.get(key);
    if (kept !== undefined) {
      if (await this.db.unchangedSince(kept.snapshot))
        return { asOf, cached: true, gzip: kept.gzip, bytes: kept.bytes };
      this.cache.delete(key);
    }
    let snapshot: string | undefined;
    const onSnapshot = this.cache.maxBytes === 0 ? undefined : (taken: string) => (snapshot = taken);
    const batches = this.reports.progress(asOf, windowDays, filters, format, ROWS_PER_BATCH, onSnapshot);
    const first = await batches.next();
    const all = async function* (): AsyncGenerator<ReportLine[]> {
      if (first.done === true) return;
      yield first.value;
      yield* batches;
    };
    const close = async (): Promise<void> => {
      await batches.return(undefined);
    };
    const body =
      format === 'csv'
        ? csvBody(REPORT_CSV_HEADER.map((column) => `"${column}"`).join(','), all())
        : jsonBody({ asOf, windowDays }, all());
    if (snapshot === undefined) return { asOf, cached: false, body, close };
    const read = snapshot;
    const keep = (gzip: Buffer[], bytes: number): void => this.cache.set(key, { snapshot: read, gzip, bytes });
    return { asOf, cached: false, body: keepingGzipped(body, this.cache.maxBytes, keep), close };
  }
}

/** The rows' lines; a row PostgreSQL could not write (a null) stops the report rather than garbling it. */
function linesOf(rows: ReportLine[]): string[] {
  return rows.map((row) => {
    if (row.line === null) throw new Error(`the report could not write a row (status ${row.status})`);
    return row.line;
  });
}

/** The rows of each batch, {@link ROWS_PER_CHUNK} at a time. */
function* chunksOf(rows: ReportLine[]): Generator<ReportLine[]> {
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) yield rows.slice(start, start + ROWS_PER_CHUNK);
}

async function* csvBody(header: string, batches: AsyncIterable<ReportLine[]>): AsyncGenerator<string> {
  yield `${header}\r\n`;
  for await (const rows of batches) for (const chunk of chunksOf(rows)) yield `${linesOf(chunk).join('\r\n')}\r\n`;
}

async function* jsonBody(
  head: { asOf: string; windowDays: number },
  batches: AsyncIterable<ReportLine[]>,
): AsyncGenerator<string> {
  const totals: MomentumTotalsDto = { advancing: 0, active: 0, stalled: 0, concluded: 0, total: 0 };
  const byStatus = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  yield `${JSON.stringify(head).slice(0, -1)},"proposals":[`;
  let separator = '';
  for await (const rows of batches) {
    for (const row of rows) {
      totals[row.momentum] += 1;
      byStatus[row.status] += 1;
    }
    totals.total += rows.length;
    for (const chunk of chunksOf(rows)) {
      yield separator + linesOf(chunk).join(',');
      separator = ',';
    }
  }
  yield `],"totals":${JSON.stringify(totals)},"byStatus":${JSON.stringify(byStatus)}}`;
}
