import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import type { RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { DomainError, type FieldProblem } from '../../common/errors/domain-error.js';
import { validatedAs } from '../../common/errors/validation.js';
import { plural } from '../../common/i18n/wording.js';
import { CreateStatementDto } from '../statements/dto/statements.dto.js';
import {
  STATEMENT_EXPORT_ONLY_COLUMNS,
  STATEMENT_REQUIRED_COLUMNS,
  STATEMENT_ROW_COLUMNS,
  statementBodyOf,
} from '../statements/statement-row.js';
import { StatementsService } from '../statements/statements.service.js';

/** The longest CSV record taken (a quote is at most 20,000 characters): longer is a 400 naming its line. */
const MAX_RECORD_BYTES = 1024 * 1024;

export interface RowReport {
  row: number;
  status: 'created' | 'unchanged' | 'error';
  id?: string;
  errors?: FieldProblem[];
}

export interface RowImportReport {
  id: string;
  kind: 'statements';
  dryRun: boolean;
  totals: { rows: number; created: number; unchanged: number; errors: number };
  rows: RowReport[];
}

/** One row of a file: its number (the first line after a CSV header is row 1) and its body. */
interface FileRow {
  row: number;
  body: Record<string, unknown> | undefined;
  problem?: string;
}

const fileProblem = (message: string): DomainError =>
  new DomainError('validation_failed', message, [{ field: 'file', message }]);

/** The rows of a CSV file, as statement bodies; a file that cannot be read as one is a 400 saying why. */
export function statementRowsOfCsv(bytes: Buffer): FileRow[] {
  if (!isUtf8(bytes)) throw fileProblem('the file is not UTF-8 text: save it as CSV UTF-8');
  let header: string[] = [];
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(bytes, {
      bom: true,
      columns: (names: string[]) => (header = names.map((name) => name.trim())),
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
    });
  } catch (error) {
    const { message, lines } = error as { message: string; lines?: number };
    throw fileProblem(`the file is not valid CSV${lines === undefined ? '' : ` (line ${lines})`}: ${message}`);
  }
  if (header.length === 0) throw fileProblem('the file is empty: it needs a header line and rows');
  const known = new Set<string>([...STATEMENT_ROW_COLUMNS, ...STATEMENT_EXPORT_ONLY_COLUMNS]);
  const unknown = header.filter((name) => !known.has(name));
  const missing = STATEMENT_REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (unknown.length > 0 || missing.length > 0) {
    throw fileProblem(
      [
        unknown.length > 0 ? `unknown ${unknown.length === 1 ? 'column' : 'columns'}: ${unknown.join(', ')}` : '',
        missing.length > 0 ? `missing ${missing.length === 1 ? 'column' : 'columns'}: ${missing.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') + `; the columns are ${STATEMENT_ROW_COLUMNS.join(', ')} (GET /imports/templates/statements.csv)`,
    );
  }
  if (records.length === 0) throw fileProblem('the file has a header line and no rows');
  return records.map((record, index) =>
    record.retracted === 'true'
      ? { row: index + 1, body: undefined, problem: 'retracted where it was exported: not imported' }
      : { row: index + 1, body: statementBodyOf(record) },
  );
}

/** The rows of a JSON Lines file: each line one body, as `POST /statements` takes it. */
export function statementRowsOfJsonLines(bytes: Buffer): FileRow[] {
  if (!isUtf8(bytes)) throw fileProblem('the file is not UTF-8 text');
  const rows: FileRow[] = [];
  for (const [index, line] of bytes.toString('utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch {
      rows.push({ row: index + 1, body: undefined, problem: 'not valid JSON' });
      continue;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      rows.push({ row: index + 1, body: undefined, problem: 'not a JSON object' });
    } else {
      rows.push({ row: index + 1, body: body as Record<string, unknown> });
    }
  }
  if (rows.length === 0) throw fileProblem('the file is empty: one JSON object a line');
  return rows;
}

/**
 * Imports of rows (contract §8): every row validated exactly as its single-record endpoint would
 * validate it, then written through that endpoint's service — its own audit entry and change, each
 * tagged with the import's id (their request id, `import:<id>`) — in one transaction: all rows, or
 * with one in error none (a 422 carrying the report). A row repeating a record already there (its
 * natural key) is `unchanged`, so the same file imported twice creates nothing the second time.
 * `dryRun` goes through the whole file the same way and then writes nothing.
 */
@Injectable()
export class RowImports {
  constructor(
    private readonly statements: StatementsService,
    private readonly db: Db,
  ) {}

  async statementRows(
    rows: FileRow[],
    dryRun: boolean,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<RowImportReport> {
    const id = randomUUID();
    const tagged: RequestContext = { ...context, requestId: `import:${id}` };
    return this.db.transaction(async (manager) => {
      await manager.query('SAVEPOINT import_file');
      const reports: RowReport[] = [];
      for (const { row, body, problem } of rows) {
        if (body === undefined) {
          reports.push({ row, status: 'error', errors: [{ field: 'row', message: problem ?? 'unreadable' }] });
          continue;
        }
        let input: CreateStatementDto;
        try {
          input = await validatedAs(CreateStatementDto, body, 'body');
        } catch (error) {
          reports.push(errorRow(row, error));
          continue;
        }
        // Each row on its own: a row refused leaves the transaction usable for the next.
        await manager.query('SAVEPOINT import_row');
        try {
          const existing = await this.statements.existing(input);
          if (existing !== null) {
            reports.push({ row, status: 'unchanged', id: existing });
          } else {
            const created = await this.statements.create(input, user, tagged);
            reports.push({ row, status: 'created', ...(dryRun ? {} : { id: created.id }) });
          }
          await manager.query('RELEASE SAVEPOINT import_row');
        } catch (error) {
          await manager.query('ROLLBACK TO SAVEPOINT import_row');
          reports.push(errorRow(row, error));
        }
      }
      const count = (status: RowReport['status']) => reports.filter((r) => r.status === status).length;
      const report: RowImportReport = {
        id,
        kind: 'statements',
        dryRun,
        totals: {
          rows: reports.length,
          created: count('created'),
          unchanged: count('unchanged'),
          errors: count('error'),
        },
        rows: reports,
      };
      if (report.totals.errors > 0 && !dryRun) {
        const first = reports.filter((r) => r.status === 'error').slice(0, 20);
        throw new DomainError(
          'unprocessable',
          `${plural(report.totals.errors, 'row')} in error, nothing imported: ${first
            .map((r) => `row ${r.row}: ${r.errors?.map((e) => `${e.field} ${e.message}`).join(', ')}`)
            .join('; ')}`,
          first.flatMap((r) => (r.errors ?? []).map((e) => ({ field: `row ${r.row}.${e.field}`, message: e.message }))),
          { report },
        );
      }
      if (dryRun) await manager.query('ROLLBACK TO SAVEPOINT import_file');
      return report;
    });
  }
}

/** A row refused: the problems its validation or its write reported. */
function errorRow(row: number, error: unknown): RowReport {
  if (!(error instanceof DomainError)) throw error;
  return {
    row,
    status: 'error',
    errors: error.errors?.length ? error.errors : [{ field: 'row', message: error.message }],
  };
}
