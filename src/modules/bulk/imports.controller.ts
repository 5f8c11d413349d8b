import { Readable } from 'node:stream';
import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../../common/auth/auth.decorators.js';
import { Db } from '../../common/database/db.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { ImportQueryDto, ImportReportDto } from './dto/imports.dto.js';
import { dumpText, isGzip, restoreDump } from './dump-restore.js';

@ApiTags('bulk')
@ApiAuthenticated()
@Controller('imports')
export class ImportsController {
  constructor(private readonly db: Db) {}

  @Post()
  @HttpCode(200)
  @Idempotent()
  @RequireRole('admin')
  @ApiOperation({
    operationId: 'createImport',
    summary: 'Restore a whole export into an empty database (kind=dump)',
    description:
      'The body is what `GET /export` gave, gzipped (`application/gzip`) or not (`application/x-ndjson`), up to ' +
      '50 MiB (larger: `npm run restore -- FILE`). Loaded in one transaction: all of it, or — on any bad line, ' +
      'unknown reference or broken rule — nothing, with a 400 naming the line. A database that already holds ' +
      'actors, proposals, sources, events or statements is refused (409). The dump’s users are matched by name to ' +
      'users here (the admin restoring); the others become inactive analysts without tokens. `dryRun=true` checks ' +
      'the whole file and writes nothing.',
  })
  @ApiConsumes('application/x-ndjson', 'application/gzip')
  @ApiBody({
    description: 'An export, as `GET /export` gives it',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiProblems(400, 409, 413, 415)
  async create(@Query() query: ImportQueryDto, @Body() body: unknown): Promise<ImportReportDto> {
    if (!Buffer.isBuffer(body)) {
      throw new DomainError('validation_failed', 'send the export as application/x-ndjson or application/gzip');
    }
    const dryRun = query.dryRun === true;
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
}
