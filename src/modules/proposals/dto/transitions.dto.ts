import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import {
  ApiBasis,
  ApiCertainty,
  type DateCertainty,
  IsWorldDate,
  type WorldDateInput,
} from '../../../common/dates/world-date.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AsOfField } from './momentum.dto.js';
import { IsOptionalNotNull } from '../../../common/http/validators.js';
import { PageDto } from '../../../common/pagination/cursor.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { ActorRefDto } from '../../actors/dto/actors.dto.js';
import { SourceDto, SourceInputDto } from '../../sources/dto/source.dto.js';
import { DIRECTIONS, type Direction, STATUSES, type Status } from '../workflow/statuses.js';
import { ProposalRefDto } from './proposals.dto.js';

export class TransitionProposalDto {
  @ApiProperty({ enum: STATUSES, example: 'adopted' })
  @IsIn(STATUSES)
  to: Status;

  @IsWorldDate({
    required: true,
    example: '2024-07-04',
    description: 'When it happened in the world; not earlier than the latest standing transition',
  })
  occurredOn: WorldDateInput;

  @ApiPropertyOptional({ enum: STATUSES, description: 'The status you believe current; 409 if it is not' })
  @IsOptionalNotNull()
  @IsIn(STATUSES)
  from?: Status;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;

  @ApiPropertyOptional({ type: [SourceInputDto], description: 'At most 20' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceInputDto)
  sources?: SourceInputDto[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Ids of standing statements that evidence the change; at most 50; 422 if unknown or retracted',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'each statementIds entry must be a UUID' })
  statementIds?: string[];

  @ApiPropertyOptional({
    example: 'eurasian-charter',
    description: 'Slug of the replacing proposal; required for superseded',
  })
  @IsOptionalNotNull()
  @IsSlug()
  supersededBy?: string;
}

export class RetractTransitionDto {
  @ApiProperty({ example: 'Logged against the wrong proposal', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class RedateProposalDto {
  @IsWorldDate({
    required: true,
    example: '2015',
    description: 'The corrected date of the proposal’s first transition',
  })
  proposedOn: WorldDateInput;

  @ApiPropertyOptional({
    enum: ['floated', 'proposed'],
    description: 'The corrected first status; only while the first transition is the only standing one',
  })
  @IsOptionalNotNull()
  @IsIn(['floated', 'proposed'])
  initialStatus?: 'floated' | 'proposed';

  @ApiProperty({ example: 'The article dates the proposal "a decade ago", not to the day', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional({
    type: [SourceInputDto],
    description: 'What the corrected date rests on; the first transition’s sources when left out. At most 20',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceInputDto)
  sources?: SourceInputDto[];
}

export class StatusAsOfQueryDto {
  @AsOfField()
  asOf?: string;
}

/** A statement as cited by a transition: enough to recognise it; GET /statements/{id} has the rest. */
export class CitedStatementDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: ActorRefDto })
  speaker: ActorRefDto;

  @ApiProperty({ example: '2025-10-29' })
  saidOn: string;

  @ApiCertainty()
  saidOnCertainty: DateCertainty;

  @ApiBasis()
  saidOnBasis: string | null;

  @ApiProperty({ type: String, nullable: true })
  quote: string | null;

  @ApiProperty({ type: String, nullable: true })
  summary: string | null;

  @ApiProperty({ description: 'Retracted after it was cited; the citation stays in the history' })
  retracted: boolean;
}

export class TransitionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer', description: 'Position in the history, from 1' })
  seq: number;

  @ApiProperty({ enum: STATUSES, nullable: true, description: 'null for the creation' })
  from: Status | null;

  @ApiProperty({ enum: STATUSES })
  to: Status;

  @ApiProperty({ enum: DIRECTIONS })
  direction: Direction;

  @ApiProperty({ example: '2024-07' })
  occurredOn: string;

  @ApiCertainty()
  occurredOnCertainty: DateCertainty;

  @ApiBasis()
  occurredOnBasis: string | null;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ type: [SourceDto] })
  sources: SourceDto[];

  @ApiProperty({ type: [CitedStatementDto], description: 'Statements cited as evidence' })
  statements: CitedStatementDto[];

  @ApiProperty({ type: ProposalRefDto, nullable: true })
  supersededBy: ProposalRefDto | null;

  @ApiProperty({ format: 'date-time', description: 'When it was logged' })
  recordedAt: string;

  @ApiProperty({ type: UserRefDto, description: 'Who logged it' })
  recordedBy: UserRefDto;

  @ApiProperty({ description: 'true once an editor retracted it; it then no longer counts' })
  retracted: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retractedAt: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true })
  retractedBy: UserRefDto | null;

  @ApiProperty({ type: String, nullable: true })
  retractionReason: string | null;
}

export class TransitionListDto {
  @ApiProperty({ type: [TransitionDto], description: 'The whole history, oldest first; never paged' })
  data: TransitionDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}

export class StatusAsOfDto {
  @ApiProperty()
  slug: string;

  @ApiProperty({ example: '2024-07-04' })
  asOf: string;

  @ApiProperty({ enum: STATUSES, nullable: true, description: 'null if not yet proposed on that date' })
  status: Status | null;

  @ApiProperty({ type: String, nullable: true, example: '2024-07' })
  statusSince: string | null;

  @ApiCertainty(true)
  statusSinceCertainty: DateCertainty | null;

  @ApiBasis()
  statusSinceBasis: string | null;
}

export class RedateResultDto {
  @ApiProperty({ type: TransitionDto, description: 'The first transition as it was, now retracted' })
  retracted: TransitionDto;

  @ApiProperty({ type: TransitionDto, description: 'The corrected first transition' })
  corrected: TransitionDto;
}
