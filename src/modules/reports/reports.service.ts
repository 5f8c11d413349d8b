import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { Db } from '../../common/database/db.js';
import { today } from '../../common/dates/partial-date.js';
import { DEFAULT_WINDOW_DAYS } from '../proposals/workflow/momentum.js';
import { gunzipSync } from 'node:zlib';
import type { ProgressReportDto, ProgressReportQueryDto, ReportFormat } from './dto/progress-report.dto.js';
import { reportLayout, type ReportPiece, reportPieces } from './report-body.js';
import { LRUCache } from 'lru-cache';
import { ProgressService } from '../proposals/progress.service.js';
import type { ReportLine } from '../proposals/progress-lines.js';
import { keeping, type KeptReport, updatedReport } from './report-cache.js';

/** Rows per batch read from the database. */
const ROWS_PER_BATCH = 1000;

/**
 * A kept report is brought up to date when at most this share of its rows (or
 * {@link MIN_CHANGES_TO_UPDATE}) has changed; past it, computing it afresh is cheaper.
 */
const SHARE_CHANGED_TO_UPDATE = 0.05;
const MIN_CHANGES_TO_UPDATE = 100;

/**
 * A progress report ready to send: its date, and either its body in chunks and how to let go of
 * its cursor, or, for a report kept from an earlier request (as it was, or brought up to date),
 * that body gzipped.
 */
export type ProgressReport =
  | {
      asOf: string;
      source: 'computed';
      body: AsyncIterable<string>;
      /**
       * Ends the database cursor behind the body, whether the body was read to the end, in part or
       * not at all (the client went away): call it once the response is closed.
       */
      close(): Promise<void>;
    }
  | { asOf: string; source: 'kept' | 'updated'; gzip: Buffer[]; bytes: number };

@Injectable()
export class ReportsService {
  /**
   * Finished reports by request, compressed (a report of 100k proposals is 43 MB of JSON and about
   * 6 MB gzipped), within REPORT_CACHE_MB: past it, the least recently used go first. None with 0.
   */
  private readonly cache: LRUCache<string, KeptReport> | undefined;
  private readonly maxBytes: number;

  constructor(
    private readonly reports: ProgressService,
    private readonly db: Db,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxBytes = config.reportCacheMb * 1024 * 1024;
    this.cache =
      this.maxBytes === 0
        ? undefined
        : new LRUCache({ maxSize: this.maxBytes, sizeCalculation: (report) => Math.max(1, report.bytes) });
  }

  /**
   * Which proposals are advancing, active, stalled or concluded on `asOf`, and why: as the JSON
   * of `ProgressReportDto`, or as RFC 4180 CSV with a header line (reasons joined with "; ").
   * PostgreSQL writes each row; they stream through in batches, so memory stays a batch or two. The
   * JSON's `totals` and `byStatus` follow the rows, counted as they pass. The first batch is read
   * before answering: a report that cannot start is an error response, not a cut-off body.
   *
   * A report sent to its end is kept, gzipped, with the snapshot its rows were read in. The same
   * report asked again is that body as long as no transaction that changed a proposal has
   * committed since the snapshot (checked first against any commit at all, then against the
   * proposals' marks); otherwise, when few proposals have changed since, it is that body with
   * their rows computed again, and kept in turn.
   */
  async progress(query: ProgressReportQueryDto, format: ReportFormat): Promise<ProgressReport> {
    const asOf = query.asOf ?? today();
    const windowDays = query.windowDays ?? DEFAULT_WINDOW_DAYS;
    const filters = {
      status: query.status,
      forum: query.forum,
      proposer: query.proposer,
      tag: query.tag,
      statedOnly: query.certainty === 'stated',
      includeDuplicates: query.includeDuplicates === true,
    };
    const layout = reportLayout(format, asOf, windowDays);
    const key = JSON.stringify([
      format,
      asOf,
      windowDays,
      [...new Set(filters.status ?? [])].sort(),
      filters.forum ?? null,
      filters.proposer ?? null,
      filters.tag ?? null,
      filters.statedOnly,
      filters.includeDuplicates,
    ]);
    const kept = this.cache?.get(key);
    if (kept !== undefined) {
      if (await this.db.unchangedSince(kept.snapshot)) {
        return { asOf, source: 'kept', gzip: kept.gzip, bytes: kept.gzipBytes };
      }
      const limit = Math.max(MIN_CHANGES_TO_UPDATE, Math.floor(kept.rowCount * SHARE_CHANGED_TO_UPDATE));
      const since = await this.reports.changesSince(kept.snapshot, asOf, windowDays, filters, format, limit);
      if (since !== undefined) {
        const updated = updatedReport(kept, layout, since.changes, since.snapshot);
        this.cache?.set(key, updated);
        // Only transactions that changed no proposal (autovacuum's, another database's): as it is.
        const source = since.changes.length === 0 ? 'kept' : 'updated';
        return { asOf, source, gzip: updated.gzip, bytes: updated.gzipBytes };
      }
      this.cache?.delete(key);
    }
    let snapshot: string | undefined;
    const onSnapshot = this.cache === undefined ? undefined : (taken: string) => (snapshot = taken);
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
    const pieces = reportPieces(layout, all());
    if (snapshot === undefined) return { asOf, source: 'computed', body: textsOf(pieces), close };
    const keep = (report: KeptReport): void => void this.cache?.set(key, report);
    return { asOf, source: 'computed', body: keeping(pieces, format, snapshot, this.maxBytes, keep), close };
  }
}

/** Totals of kept report bodies, by body: a kept body is read once for them, however often asked. */
const totalsOfKept = new WeakMap<Buffer[], ProgressReportDto['totals']>();

/** Where a JSON report's tail begins: its rows' array ends, its totals follow (`report-body.ts`). */
const TAIL_MARK = '],"totals":';
/** The most of a body's end kept while it streams past: the tail is far shorter. */
const TAIL_BYTES = 4096;

/** The totals from the end of a JSON report's text, without reading its rows into objects. */
function totalsOfTail(text: string): ProgressReportDto['totals'] {
  const at = text.lastIndexOf(TAIL_MARK);
  if (at < 0) throw new Error('a progress report without its totals');
  return (JSON.parse(`{${text.slice(at + 2)}`) as { totals: ProgressReportDto['totals'] }).totals;
}

/**
 * The totals of a progress report (the board's counts, the progress chart's points), read from
 * the report's tail: a kept body once (by body), a computed one as it streams past. No row is
 * parsed, so 36 reports over 100k proposals cost their text, not their rows as objects.
 */
export async function readProgressTotals(report: ProgressReport): Promise<ProgressReportDto['totals']> {
  if (report.source === 'computed') {
    let tail = '';
    try {
      for await (const part of report.body) tail = (tail + part).slice(-TAIL_BYTES);
    } finally {
      await report.close();
    }
    return totalsOfTail(tail);
  }
  const known = totalsOfKept.get(report.gzip);
  if (known !== undefined) return known;
  const totals = totalsOfTail(gunzipSync(Buffer.concat(report.gzip)).toString('utf8'));
  totalsOfKept.set(report.gzip, totals);
  return totals;
}

/**
 * The progress report as an object, for the pages: the same report the route sends (kept or
 * computed), read to its end.
 */
export async function readProgressReport(report: ProgressReport): Promise<ProgressReportDto> {
  if (report.source !== 'computed')
    return JSON.parse(gunzipSync(Buffer.concat(report.gzip)).toString('utf8')) as ProgressReportDto;
  const parts: string[] = [];
  try {
    for await (const part of report.body) parts.push(part);
  } finally {
    await report.close();
  }
  return JSON.parse(parts.join('')) as ProgressReportDto;
}

async function* textsOf(pieces: AsyncIterable<ReportPiece>): AsyncGenerator<string> {
  for await (const piece of pieces) if (piece.text !== '') yield piece.text;
}
