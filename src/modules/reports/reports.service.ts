import { Injectable } from '@nestjs/common';
import { today } from '../../common/dates/partial-date.js';
import { toCsv } from '../../common/http/csv.js';
import { daysBetween, DEFAULT_WINDOW_DAYS, explain } from '../proposals/workflow/momentum.js';
import { STATUSES, type Status } from '../proposals/workflow/statuses.js';
import type { ProgressReportDto, ProgressReportQueryDto, ReportRowDto } from './dto/progress-report.dto.js';
import { ReportsRepository } from './reports.repository.js';

const CSV_HEADER = [
  'slug',
  'title',
  'status',
  'statusSince',
  'daysInStatus',
  'furthestStatus',
  'lastTransitionOn',
  'lastStatementOn',
  'statementsInWindow',
  'supportsInWindow',
  'opposesInWindow',
  'neutralInWindow',
  'momentum',
  'reasons',
] as const;

@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  /** Which proposals are advancing, active, stalled or concluded on `asOf`, and why. */
  async progress(query: ProgressReportQueryDto): Promise<ProgressReportDto> {
    const asOf = query.asOf ?? today();
    const windowDays = query.windowDays ?? DEFAULT_WINDOW_DAYS;
    const rows = await this.reports.progress(asOf, windowDays, {
      status: query.status,
      forum: query.forum,
      proposer: query.proposer,
      tag: query.tag,
    });
    const totals = { advancing: 0, active: 0, stalled: 0, concluded: 0, total: rows.length };
    const byStatus = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
    const proposals = rows.map((row): ReportRowDto => {
      totals[row.momentum] += 1;
      byStatus[row.status] += 1;
      return {
        slug: row.slug,
        title: row.title,
        status: row.status,
        statusSince: row.statusSince,
        daysInStatus: daysBetween(row.statusSince, asOf),
        furthestStatus: row.furthestStatus,
        lastTransitionOn: row.statusSince,
        lastStatementOn: row.lastStatementOn,
        statementsInWindow: row.window,
        momentum: row.momentum,
        reasons: explain(row, windowDays),
      };
    });
    return { asOf, windowDays, totals, byStatus, proposals };
  }

  /** The rows as RFC 4180 CSV; reasons joined with "; ". */
  toCsv(report: ProgressReportDto): string {
    return toCsv(
      CSV_HEADER,
      report.proposals.map((row) => [
        row.slug,
        row.title,
        row.status,
        row.statusSince,
        row.daysInStatus,
        row.furthestStatus,
        row.lastTransitionOn,
        row.lastStatementOn,
        row.statementsInWindow.total,
        row.statementsInWindow.supports,
        row.statementsInWindow.opposes,
        row.statementsInWindow.neutral,
        row.momentum,
        row.reasons.join('; '),
      ]),
    );
  }
}
