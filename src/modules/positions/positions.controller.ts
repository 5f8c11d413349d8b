import { Readable } from 'node:stream';
import { Controller, Get, Headers, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRead, RequireRole } from '../../common/auth/auth.decorators.js';
import { SlugPipe } from '../../common/http/uuid.pipe.js';
import { wantsCsv } from '../../common/http/wants-csv.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import {
  ActorPositionsDto,
  PositionsQueryDto,
  PositionsReportDto,
  PositionsReportQueryDto,
  ProposalPositionsDto,
} from './dto/positions.dto.js';
import { POSITIONS_CSV_HEADER } from './positions.repository.js';
import { PositionsService } from './positions.service.js';

/** The positions are JSON written by PostgreSQL, sent as it comes. */
const JSON_TYPE = 'application/json; charset=utf-8';

const RULES =
  'A position on a date (asOf, default today) is read from the standing records dated on or before it: the role ' +
  'among the proposers; the stance of the latest standing statement by the actor or on its behalf, with the date ' +
  'since which it holds and each change of stance; the statements counted by stance; the latest standing ' +
  'participation act; and the ids of the statements and acts it rests on. Records are ordered as the timeline ' +
  'orders them: by date (first day, then precision: 2024 before 2024-07 before 2024-07-01), then by when each was logged.';

@ApiTags('positions')
@ApiAuthenticated()
@Controller()
export class PositionsController {
  constructor(private readonly positions: PositionsService) {}

  @Get('proposals/:slug/positions')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getProposalPositions',
    summary: 'Every actor’s position on the proposal: proposer role, stance over time, formal acts, evidence',
    description: `${RULES} Proposers come first (proposer, co-proposer, backer), then every other actor by slug. Asked for a day before the proposal was recorded, a 404.`,
  })
  @ApiOkResponse({ type: ProposalPositionsDto })
  @ApiProblems(400, 404)
  ofProposal(
    @Param('slug', new SlugPipe('proposal')) slug: string,
    @Query() query: PositionsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    void reply.header('content-type', JSON_TYPE);
    return this.positions.ofProposal(slug, query);
  }

  @Get('actors/:slug/positions')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getActorPositions',
    summary: 'The actor’s position on every proposal it proposed, spoke about (or had spoken for) or acted on',
    description: `${RULES} By proposal slug; each proposal with its status as it stood on asOf.`,
  })
  @ApiOkResponse({ type: ActorPositionsDto })
  @ApiProblems(400, 404)
  ofActor(
    @Param('slug', new SlugPipe('actor')) slug: string,
    @Query() query: PositionsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    void reply.header('content-type', JSON_TYPE);
    return this.positions.ofActor(slug, query);
  }

  @Get('reports/positions')
  @RequireRole('analyst')
  @OpenRead()
  @ApiOperation({
    operationId: 'getPositionsReport',
    summary: 'A row per (actor, proposal) position on a date, as JSON or CSV',
    description:
      `${RULES} Rows by proposal slug, proposers first, then actor slug; only proposals recorded by asOf. ` +
      '`format=csv` or `Accept: text/csv` answers RFC 4180 CSV with a header line (evidence ids separated by spaces), ' +
      'as an attachment named positions-report-<asOf>.csv. The body is streamed (Transfer-Encoding: chunked); ' +
      'its first rows come once every position is computed and sorted, a minute or more over 100k proposals. ' +
      'An unknown proposal or forum is a 422 naming the field.',
  })
  @ApiExtraModels(PositionsReportDto)
  @ApiOkResponse({
    description: 'The report as JSON, or as CSV with `format=csv` or `Accept: text/csv`',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(PositionsReportDto) } },
      'text/csv': {
        schema: { type: 'string' },
        example: `${POSITIONS_CSV_HEADER.map((column) => `"${column}"`).join(',')}\r\n`,
      },
    },
  })
  @ApiProblems(400, 422)
  async report(
    @Query() query: PositionsReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const csv = wantsCsv(query.format, accept);
    const report = await this.positions.report(query, csv ? 'csv' : 'json');
    if (csv) {
      void reply
        .header('content-type', 'text/csv; charset=utf-8; header=present')
        .header('content-disposition', `attachment; filename="positions-report-${report.asOf}.csv"`);
    } else {
      void reply.header('content-type', 'application/json; charset=utf-8');
    }
    const body = Readable.from(report.body, { highWaterMark: 1 });
    body.once('close', () => void report.close().catch(() => undefined));
    return new StreamableFile(body);
  }
}
