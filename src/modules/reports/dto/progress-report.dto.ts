import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { AsOfField, WindowDaysField } from '../../proposals/dto/momentum.dto.js';
import { IncludeDuplicatesField, StatementCountsDto } from '../../proposals/dto/proposals.dto.js';
import { MOMENTA, type Momentum } from '../../proposals/workflow/momentum.js';
import { STATUSES, type Status } from '../../proposals/workflow/statuses.js';
import { commaList } from '../../../common/http/query-values.js';
import { ApiBasis, ApiCertainty, type DateCertainty } from '../../../common/dates/world-date.js';
import { AssessmentShownDto } from '../../proposals/dto/assessments.dto.js';
import { REPORT_FORMATS, type ReportFormat } from '../../proposals/progress-lines.js';

export { REPORT_FORMATS, type ReportFormat } from '../../proposals/progress-lines.js';

export class ProgressReportQueryDto {
  @AsOfField()
  asOf?: string;

  @WindowDaysField()
  windowDays?: number;

  @ApiPropertyOptional({ description: `Comma list of statuses on asOf: ${STATUSES.join(', ')}` })
  @IsOptional()
  @Transform(commaList)
  @IsIn(STATUSES, { each: true, message: `status must be a comma list of ${STATUSES.join(', ')}` })
  @ArrayMaxSize(STATUSES.length)
  status?: Status[];

  @ApiPropertyOptional({ description: 'Slug of a forum organization' })
  @IsOptional()
  @IsSlug()
  forum?: string;

  @ApiPropertyOptional({ description: 'Slug of an actor among the proposers, co-proposers or backers' })
  @IsOptional()
  @IsSlug()
  proposer?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({
    enum: ['stated'],
    description:
      'stated: count only transitions and statements whose dates are stated by their sources (inferred, approximate and not-after dates left out)',
  })
  @IsOptional()
  @IsIn(['stated'], { message: 'certainty must be stated (or left out for every record)' })
  certainty?: 'stated';

  @IncludeDuplicatesField()
  includeDuplicates?: boolean;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description: 'csv: the rows as RFC 4180 CSV (also chosen by Accept: text/csv); default json',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class ReportRowDto {
  @ApiProperty({ example: 'cica-transformation' })
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: STATUSES, description: 'The status on asOf' })
  status: Status;

  @ApiProperty({ example: '2025-04-29' })
  statusSince: string;

  @ApiCertainty()
  statusSinceCertainty: DateCertainty;

  @ApiBasis()
  statusSinceBasis: string | null;

  @ApiProperty({ type: 'integer', example: 207, description: 'Days from the first day of statusSince to asOf' })
  daysInStatus: number;

  @ApiProperty({ enum: STATUSES, description: 'The furthest stage reached by asOf' })
  furthestStatus: Status;

  @ApiProperty({ example: '2025-04-29', description: 'The latest standing transition on or before asOf' })
  lastTransitionOn: string;

  @ApiCertainty()
  lastTransitionOnCertainty: DateCertainty;

  @ApiBasis()
  lastTransitionOnBasis: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The latest standing statement on or before asOf' })
  lastStatementOn: string | null;

  @ApiCertainty(true)
  lastStatementOnCertainty: DateCertainty | null;

  @ApiBasis()
  lastStatementOnBasis: string | null;

  @ApiProperty({ type: StatementCountsDto, description: 'Standing statements in the window, by stance' })
  statementsInWindow: StatementCountsDto;

  @ApiProperty({
    example: 2,
    description:
      'Actors supporting it on asOf: those whose latest standing statement about it (by them or on their behalf) supports it',
  })
  supportingActors: number;

  @ApiProperty({ example: 0, description: 'Actors opposing it on asOf, counted the same way' })
  opposingActors: number;

  @ApiProperty({ enum: MOMENTA })
  momentum: Momentum;

  @ApiProperty({ type: [String], example: ['advanced from drafting to implementing on 2025-04-29'] })
  reasons: string[];

  @ApiProperty({
    type: AssessmentShownDto,
    nullable: true,
    description: 'An editor’s assessment standing on asOf, beside the computed momentum (which it never changes)',
  })
  assessment: AssessmentShownDto | null;
}

export class MomentumTotalsDto {
  @ApiProperty({ type: 'integer' }) advancing: number;
  @ApiProperty({ type: 'integer' }) active: number;
  @ApiProperty({ type: 'integer' }) stalled: number;
  @ApiProperty({ type: 'integer' }) concluded: number;
  @ApiProperty({ type: 'integer' }) total: number;
}

export class ProgressReportDto {
  @ApiProperty({ example: '2026-11-22' })
  asOf: string;

  @ApiProperty({ type: 'integer', example: 365 })
  windowDays: number;

  @ApiProperty({ type: [ReportRowDto], description: 'One row per proposal that existed on asOf, by slug' })
  proposals: ReportRowDto[];

  @ApiProperty({
    type: MomentumTotalsDto,
    description: 'Counted over the rows, and sent after them (the rows stream first)',
  })
  totals: MomentumTotalsDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { proposed: 6, drafting: 1, implemented: 1 },
    description: 'Proposals in each status on asOf (every status, zero included), sent after the rows',
  })
  byStatus: Record<Status, number>;
}
