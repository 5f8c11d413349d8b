import { Readable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { CsvExports, PROPOSAL_CSV_COLUMNS, STATEMENT_CSV_COLUMNS, TRANSITION_CSV_COLUMNS } from './csv-exports.js';
import { ProposalsCsvQueryDto, StatementsCsvQueryDto } from './dto/csv-export.dto.js';
import { DumpExport } from './dump-export.js';

const EXAMPLE = [
  '{"type":"manifest","version":1,"exportedAt":"2026-12-04T10:00:00.000+00:00","counts":{"user":2,"actor":41,"actorMerge":0,"event":9,"source":23,"proposal":12,"transition":30,"statement":28,"participation":6,"assessment":0}}',
  '{"type":"user","id":"5f0c…","name":"admin"}',
  '{"type":"actor","id":"8a1e…","slug":"belarus","kind":"state","name":"Belarus","shortName":null,"aliases":[],"description":null,"title":null,"countryId":null,"mergedIntoId":null,"memberIds":[],"createdAt":"2026-12-01T09:00:00.12345+00:00","updatedAt":"2026-12-01T09:00:00.12345+00:00","version":1}',
].join('\n');

/** A CSV example: the header line the file starts with. */
const csvExample = (columns: readonly string[]): string => `${columns.join(',')}\r\n`;

/** A CSV body as an attachment; a failure after it began cuts the connection (never a file that looks whole). */
function csvFile(reply: FastifyReply, name: string, body: Readable): StreamableFile {
  void reply
    .header('content-type', 'text/csv; charset=utf-8; header=present')
    .header('content-disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`);
  body.once('error', (error: Error) => reply.raw.destroy(error));
  return new StreamableFile(body);
}

@ApiTags('bulk')
@ApiAuthenticated()
@Controller('export')
export class ExportController {
  constructor(
    private readonly dump: DumpExport,
    private readonly csv: CsvExports,
  ) {}

  @Get('statements.csv')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getStatementsCsv',
    summary: 'Every statement GET /statements would list with these filters, as one CSV file',
    description:
      'RFC 4180 (a header line, CRLF line ends), streamed in the list’s order. `proposals` holds `slug:stance` ' +
      'pairs separated by "; ". Retracted statements only with `includeRetracted=true`, flagged in `retracted`.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV',
    content: { 'text/csv': { schema: { type: 'string' }, example: csvExample(STATEMENT_CSV_COLUMNS) } },
  })
  @ApiProblems(400)
  async statements(
    @Query() query: StatementsCsvQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return csvFile(reply, 'statements', await this.csv.statementsCsv(query));
  }

  @Get('proposals.csv')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getProposalsCsv',
    summary: 'Every proposal GET /proposals would list with these filters, as one CSV file',
    description:
      'RFC 4180, streamed in the list’s order; with `asOf`, status and momentum as they stood then. `proposers` holds ' +
      '`slug:role` pairs, `forums`, `tags` and `momentumReasons` values separated by "; ".',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV',
    content: { 'text/csv': { schema: { type: 'string' }, example: csvExample(PROPOSAL_CSV_COLUMNS) } },
  })
  @ApiProblems(400)
  async proposals(
    @Query() query: ProposalsCsvQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return csvFile(reply, 'proposals', await this.csv.proposalsCsv(query));
  }

  @Get('transitions.csv')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getTransitionsCsv',
    summary: 'The status history of every proposal GET /proposals would list with these filters, as one CSV file',
    description:
      'RFC 4180: a row per transition, by proposal in the list’s order, then oldest first; retracted ones flagged ' +
      'in `retracted`, with who retracted them and why. `sources` and `statements` (cited ids) separated by "; ".',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV',
    content: { 'text/csv': { schema: { type: 'string' }, example: csvExample(TRANSITION_CSV_COLUMNS) } },
  })
  @ApiProblems(400)
  async transitions(
    @Query() query: ProposalsCsvQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return csvFile(reply, 'transitions', await this.csv.transitionsCsv(query));
  }

  @Get()
  @RequireRole('analyst')
  @ApiOperation({
    operationId: 'getExport',
    summary: 'The whole tracker as gzipped JSON Lines, for a backup, a restore or a notebook',
    description:
      'Streamed (`Content-Encoding: gzip`, chunked) from one snapshot of the database: a first line ' +
      '`{type: "manifest", version, exportedAt, counts}`, then one line per record — users (id and name only), ' +
      'actors, actor merges, events, sources, proposals, transitions, statements, participation, assessments — ' +
      'retracted and withdrawn records included and flagged, every `recordedAt` and `recordedBy` kept, each ' +
      'reference by id, in an order a restore loads line by line. No token, hash, webhook secret or feed key. ' +
      '`npm run restore -- FILE` (or `POST /imports?kind=dump`) loads it into an empty database.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: 'JSON Lines, gzipped',
    content: { 'application/x-ndjson': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiProblems()
  async everything(@Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    // The first chunk (the manifest) is read before the answer starts: a database that cannot
    // be read is a problem answered as such, not a 200 with an empty file.
    const chunks = this.dump.chunks();
    const first = await chunks.next();
    async function* all(): AsyncGenerator<string> {
      if (first.done !== true) yield first.value;
      yield* chunks;
    }
    const day = new Date().toISOString().slice(0, 10);
    void reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-encoding', 'gzip')
      .header('content-disposition', `attachment; filename="tracker-export-${day}.jsonl.gz"`)
      .header('cache-control', 'no-store');
    // One chunk read ahead at most, as fast as the client takes it; the fastest compression, as
    // a backup is written far more often than it is read. A failure later cuts the connection:
    // the client sees a gzip stream cut short, never a file that looks whole.
    const lines = Readable.from(all(), { highWaterMark: 1 });
    const gzip = createGzip({ level: constants.Z_BEST_SPEED });
    lines.once('error', (error) => {
      gzip.destroy(error);
      reply.raw.destroy(error);
    });
    gzip.once('close', () => lines.destroy());
    return new StreamableFile(lines.pipe(gzip));
  }
}
