import { Injectable } from '@nestjs/common';
import type { ReportFormat, ReportLine, RowChange } from './progress-lines.js';
import { ProgressRepository, type ReportFilters } from './progress.repository.js';

/**
 * Which proposals are advancing, active, stalled or concluded on a date, row by row, as the
 * progress report (reports module) sends them: the proposals module owns the tables and the rules.
 */
@Injectable()
export class ProgressService {
  constructor(private readonly progressRows: ProgressRepository) {}

  /** Every matching proposal's row, in slug order, `batchSize` at a time (see `ProgressRepository.progress`). */
  progress(
    asOf: string,
    windowDays: number,
    filters: ReportFilters,
    format: ReportFormat,
    batchSize: number,
    onSnapshot?: (snapshot: string) => void,
  ): AsyncGenerator<ReportLine[]> {
    return this.progressRows.progress(asOf, windowDays, filters, format, batchSize, onSnapshot);
  }

  /** The rows changed since `snapshot`, or undefined when more than `limit` have (see `ProgressRepository.changesSince`). */
  changesSince(
    snapshot: string,
    asOf: string,
    windowDays: number,
    filters: ReportFilters,
    format: ReportFormat,
    limit: number,
  ): Promise<{ snapshot: string; changes: RowChange[] } | undefined> {
    return this.progressRows.changesSince(snapshot, asOf, windowDays, filters, format, limit);
  }
}
