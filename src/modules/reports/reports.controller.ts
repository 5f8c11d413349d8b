import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { ProgressReportDto, ProgressReportQueryDto } from './dto/progress-report.dto.js';
import { acceptsGzip } from '../../common/http/accept-encoding.js';
import { wantsCsv } from '../../common/http/wants-csv.js';
import { ReportsService } from './reports.service.js';
import { REPORT_CSV_HEADER } from '../proposals/progress-lines.js';

/** The CSV of the OpenAPI example: the header line and one row. */
const CSV_EXAMPLE = [
  REPORT_CSV_HEADER.map((column) => `"${column}"`).join(','),
  [
    'eurasian-charter',
    'Eurasian Charter for Diversity and Multilateralism in the 21st Century',
    'drafting',
    '2024-07-04',
    'stated',
    '',
    '516',
    'drafting',
    '2024-07-04',
    'stated',
    '',
    '2025-10-29',
    'stated',
    '',
    '3',
    '3',
    '0',
    '0',
    '2',
    '0',
    'active',
    'no advance in the window; 3 statements in the window: 3 supporting',
    '',
    '',
    '',
    '',
  ]
    .map((value) => `"${value}"`)
    .join(','),
].join('\r\n');

/** The X-Cache header of a report: sent as kept, brought up to date, or computed. */
const X_CACHE = { kept: 'hit', updated: 'updated', computed: 'miss' } as const;

/**
 * The size of the chunks a kept copy is unzipped into for a client that does not take gzip. zlib's
 * default (16 KiB) makes some 2,600 trips to libuv's threads, and as many writes, for a 43 MB body.
 */
const UNZIPPED_CHUNK = 256 * 1024;

@ApiTags('reports')
@ApiAuthenticated()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('progress')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getProgressReport',
    summary: 'Which proposals are advancing, active, stalled or concluded on a date, and why',
    description:
      'One row per proposal that existed on asOf (its first standing transition dated on or before it), with the ' +
      'rules of spec section 2. `format=csv` or `Accept: text/csv` answers RFC 4180 CSV with a header line, as an ' +
      'attachment named progress-report-<asOf>.csv. Rows are ordered by slug, byte by byte; the body is sent in chunks ' +
      '(Transfer-Encoding: chunked, no Content-Length). A report sent in full is kept: the same report asked ' +
      'again while no proposal has changed since is sent from that copy (`X-Cache: hit`). After writes about at ' +
      "most 5% of its proposals (or 100), the copy is brought up to date by computing those proposals' rows alone " +
      '(`X-Cache: updated`); otherwise the report is computed (`X-Cache: miss`). A copy is ' +
      'gzipped (`Content-Encoding: gzip`, with Content-Length) to a client whose Accept-Encoding takes gzip.',
  })
  @ApiExtraModels(ProgressReportDto)
  @ApiOkResponse({
    description: 'The report as JSON, or as CSV with `format=csv` or `Accept: text/csv`',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ProgressReportDto) } },
      'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
    },
  })
  @ApiProblems(400)
  async progress(
    @Query() query: ProgressReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const csv = wantsCsv(query.format, accept);
    const report = await this.reports.progress(query, csv ? 'csv' : 'json');
    if (csv) {
      void reply
        .header('content-type', 'text/csv; charset=utf-8; header=present')
        .header('content-disposition', `attachment; filename="progress-report-${report.asOf}.csv"`);
    } else {
      void reply.header('content-type', 'application/json; charset=utf-8');
    }
    void reply.header('vary', 'accept-encoding').header('x-cache', X_CACHE[report.source]);
    if (report.source !== 'computed') {
      if (acceptsGzip(acceptEncoding)) {
        void reply.header('content-encoding', 'gzip').header('content-length', report.bytes);
        return new StreamableFile(Readable.from(report.gzip));
      }
      return new StreamableFile(Readable.from(report.gzip).pipe(createGunzip({ chunkSize: UNZIPPED_CHUNK })));
    }
    // One chunk read ahead at most: the body is pulled as fast as the client takes it.
    const body = Readable.from(report.body, { highWaterMark: 1 });
    body.once('close', () => void report.close().catch(() => undefined));
    return new StreamableFile(body);
  }
}
