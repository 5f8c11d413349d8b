import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireRole } from '../../common/auth/auth.decorators.js';
import { hasRole } from '../../common/auth/roles.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { STATEMENT_ROW_COLUMNS } from '../statements/statement-row.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { ImportQueryDto, ImportReportDto } from './dto/imports.dto.js';
import { dumpText, isGzip, restoreDump } from './dump-restore.js';
import { RowImports, statementRowsOfCsv, statementRowsOfJsonLines } from './row-imports.js';

const CSV_TEMPLATE = `${STATEMENT_ROW_COLUMNS.join(',')}\r\n`;
const CSV_EXAMPLE =
  CSV_TEMPLATE +
  'kazakhstan,Foreign Minister,,2025-10-29,stated,,,"We support the Charter, as drafted.",,en,eurasian-charter:supports,https://example.org/a,,,,\r\n';

@ApiTags('bulk')
@ApiAuthenticated()
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly db: Db,
    private readonly rows: RowImports,
  ) {}

  @Post()
  @HttpCode(200)
  @Idempotent()
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'createImport',
    summary: 'Import statements from a CSV or JSON Lines file, or restore a whole export (kind=dump)',
    description:
      '**kind=statements** (staff): `text/csv` with a header line (the columns of ' +
      '`GET /imports/templates/statements.csv`, which are those `GET /export/statements.csv` writes: a file exported ' +
      'imports again; `proposals` holds `slug:stance` pairs separated by ";") or `application/x-ndjson`, one body a ' +
      'line as POST /statements takes it. Every row is validated as POST /statements validates a body and written ' +
      'through it, each with its audit entry and change (request id `import:<id>`), all in one transaction: one row ' +
      'in error and nothing is written (422, the report in `report`). A row repeating a statement already there ' +
      '(same speaker, saidOn, source and words) is `unchanged`. A file that is not UTF-8, not CSV, or has unknown or ' +
      'missing columns is a 400. **kind=dump** (admin): what `GET /export` gave, `application/gzip` or ' +
      '`application/x-ndjson`, into a database holding no records (else 409), in one transaction; a bad line is a 400 ' +
      'naming it; the dump’s users are matched by name to users here. `dryRun=true` goes through the whole file and ' +
      'writes nothing. Bodies up to 50 MiB (larger dumps: `npm run restore -- FILE`).',
  })
  @ApiConsumes('text/csv', 'application/x-ndjson', 'application/gzip')
  @ApiBody({
    description: 'The file',
    schema: { type: 'string', format: 'binary' },
    examples: { statements: { summary: 'Statements as CSV', value: CSV_EXAMPLE } },
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiProblems(400, 403, 409, 413, 415, 422)
  async create(
    @Query() query: ImportQueryDto,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<ImportReportDto> {
    if (!Buffer.isBuffer(body)) {
      throw new DomainError('validation_failed', 'send the file as text/csv, application/x-ndjson or application/gzip');
    }
    const dryRun = query.dryRun === true;
    if (query.kind === 'statements') {
      const csv = (contentType ?? '').toLowerCase().startsWith('text/csv');
      if (!csv && !(contentType ?? '').toLowerCase().startsWith('application/x-ndjson')) {
        throw new DomainError('validation_failed', 'statements come as text/csv or application/x-ndjson');
      }
      return this.rows.statementRows(
        csv ? statementRowsOfCsv(body) : statementRowsOfJsonLines(body),
        dryRun,
        user,
        context,
      );
    }
    if (!hasRole(user.role, 'admin')) {
      throw new DomainError('forbidden', `Restoring a dump needs the admin role; you are ${user.role}`);
    }
    const report = await restoreDump(this.db, dumpText(Readable.from([body]), isGzip(body)), { dryRun });
    const rows = Object.values(report.counts).reduce((sum, n) => sum + n, 0);
    return {
      kind: query.kind,
      dryRun,
      totals: { rows, created: dryRun ? 0 : rows, unchanged: 0, errors: 0 },
      counts: report.counts,
      usersMatched: report.usersMatched,
    };
  }

  @Get('templates/statements.csv')
  @RequireRole('staff')
  @ApiOperation({
    operationId: 'getStatementsTemplate',
    summary: 'An empty statements file: the header line of the columns an import takes',
    description:
      'Every column but `speaker`, `saidOn` and `proposals` may be left out or empty. `saidOnCertainty` and ' +
      '`saidOnBasis` give the date’s provenance; `sourceUrl` or `sourcePublisher` names the source.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV', content: { 'text/csv': { schema: { type: 'string' }, example: CSV_TEMPLATE } } })
  @ApiProblems()
  template(@Res({ passthrough: true }) reply: FastifyReply): StreamableFile {
    void reply
      .header('content-type', 'text/csv; charset=utf-8; header=present')
      .header('content-disposition', 'attachment; filename="statements.csv"');
    return new StreamableFile(Buffer.from(CSV_TEMPLATE));
  }
}
