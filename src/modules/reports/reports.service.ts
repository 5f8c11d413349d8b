import { Injectable } from '@nestjs/common';
import { today } from '../../common/dates/partial-date.js';
import { DEFAULT_WINDOW_DAYS } from '../proposals/workflow/momentum.js';
import { STATUSES, type Status } from '../proposals/workflow/statuses.js';
import type { MomentumTotalsDto, ProgressReportQueryDto } from './dto/progress-report.dto.js';
import { REPORT_CSV_HEADER, type ReportFormat, type ReportLine, ReportsRepository } from './reports.repository.js';

/** Rows per chunk of the response body: a few hundred kilobytes. */
const ROWS_PER_CHUNK = 1000;

/** A progress report ready to send: its date and its body, in chunks. */
export interface ProgressReport {
  asOf: string;
  body: Iterable<string>;
}

/** The lines joined by `separator`, `ROWS_PER_CHUNK` at a time, each chunk but the first led by `separator`. */
function* chunks(lines: ReportLine[], separator: string): Generator<string> {
  for (let start = 0; start < lines.length; start += ROWS_PER_CHUNK) {
    const chunk = lines
      .slice(start, start + ROWS_PER_CHUNK)
      .map((row) => row.line)
      .join(separator);
    yield start === 0 ? chunk : separator + chunk;
  }
}

@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  /**
   * Which proposals are advancing, active, stalled or concluded on `asOf`, and why: as the JSON
   * of `ProgressReportDto`, or as RFC 4180 CSV with a header line (reasons joined with "; ").
   * PostgreSQL writes each row; the body is handed out in chunks rather than as one string.
   */
  async progress(query: ProgressReportQueryDto, format: ReportFormat): Promise<ProgressReport> {
    const asOf = query.asOf ?? today();
    const windowDays = query.windowDays ?? DEFAULT_WINDOW_DAYS;
    const filters = { status: query.status, forum: query.forum, proposer: query.proposer, tag: query.tag };
    const lines = await this.reports.progress(asOf, windowDays, filters, format);
    if (format === 'csv') {
      const header = REPORT_CSV_HEADER.map((column) => `"${column}"`).join(',');
      return { asOf, body: [header, '\r\n', ...chunks(lines, '\r\n'), lines.length > 0 ? '\r\n' : ''] };
    }
    const totals: MomentumTotalsDto = { advancing: 0, active: 0, stalled: 0, concluded: 0, total: lines.length };
    const byStatus = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
    for (const row of lines) {
      totals[row.momentum] += 1;
      byStatus[row.status] += 1;
    }
    const head = JSON.stringify({ asOf, windowDays, totals, byStatus }).slice(0, -1);
    return { asOf, body: [`${head},"proposals":[`, ...chunks(lines, ','), ']}'] };
  }
}
