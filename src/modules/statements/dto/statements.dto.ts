import {
  ApiBasis,
  ApiCertainty,
  type DateCertainty,
  IsWorldDate,
  type WorldDateInput,
} from '../../../common/dates/world-date.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
  type ValidatorConstraintInterface,
  Validate,
  ValidateNested,
  ValidatorConstraint,
} from 'class-validator';
import { IsPartialDate } from '../../../common/dates/partial-date.js';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { booleanFlag } from '../../../common/http/query-values.js';
import { IsOptionalNotNull } from '../../../common/http/validators.js';
import { isLanguageCode } from '../../../common/i18n/languages.js';
import { PageDto } from '../../../common/pagination/cursor.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { ActorRefDto } from '../../actors/dto/actors.dto.js';
import { EventRefDto } from '../../events/dto/events.dto.js';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { SourceDto, SourceInputDto } from '../../sources/dto/source.dto.js';
import { STANCES, type Stance } from '../../../common/dto/stance.js';

/** Documented limits: a quote of a long speech fits; a whole transcript does not. */
export const QUOTE_MAX_LENGTH = 20_000;
export const SUMMARY_MAX_LENGTH = 10_000;

export class StanceInputDto {
  @ApiProperty({ example: 'eurasian-charter', description: 'Slug of the proposal the statement concerns' })
  @IsSlug()
  slug: string;

  @ApiProperty({ enum: STANCES })
  @IsIn(STANCES, { message: `stance must be one of ${STANCES.join(', ')}` })
  stance: Stance;
}

@ValidatorConstraint({ name: 'distinctStances' })
class DistinctSlugsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!Array.isArray(value)) return true;
    const slugs = value.map((item: StanceInputDto) => item?.slug);
    return new Set(slugs).size === slugs.length;
  }

  defaultMessage(): string {
    return 'proposals must name each proposal once';
  }
}

@ValidatorConstraint({ name: 'isLanguageCode' })
class LanguageConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isLanguageCode(value);
  }

  defaultMessage(): string {
    return 'language must be an ISO 639-1 code in lower case, e.g. en, ru, kk';
  }
}

class StatementFieldsDto {
  @ApiPropertyOptional({
    example: 'Ambassador-at-Large, Ministry of Foreign Affairs of the Russian Federation',
    maxLength: 300,
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  speakerRole?: string;

  @ApiPropertyOptional({ example: 'minsk-conference-2025', description: 'Slug of the event where it was said' })
  @IsOptional()
  @IsSlug()
  event?: string;

  @ApiPropertyOptional({
    description: `Verbatim words, up to ${QUOTE_MAX_LENGTH} characters; a quote or a summary is required`,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(QUOTE_MAX_LENGTH)
  quote?: string;

  @ApiPropertyOptional({
    description: `What was said, in the recorder's words, up to ${SUMMARY_MAX_LENGTH} characters`,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SUMMARY_MAX_LENGTH)
  summary?: string;

  @ApiPropertyOptional({ example: 'en', description: 'ISO 639-1 code of the quote’s language; default en' })
  @IsOptionalNotNull()
  @Validate(LanguageConstraint)
  language?: string;

  @ApiPropertyOptional({
    maxLength: 5000,
    description: 'How a date or attribution was inferred when the source does not say',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class CreateStatementDto extends StatementFieldsDto {
  @ApiProperty({ example: 'alexander-trofimov', description: 'Slug of the actor who said it' })
  @IsSlug()
  speaker: string;

  @ApiPropertyOptional({
    example: 'russia',
    description:
      'Slug of the state or organization the speaker spoke for; left out, the speaker spoke for itself alone',
  })
  @IsOptional()
  @IsSlug()
  onBehalfOf?: string;

  @IsWorldDate({ required: true, example: '2025-10-29', description: 'When it was said' })
  saidOn: WorldDateInput;

  @ApiProperty({ type: SourceInputDto, description: 'Where it was published: a url or a publisher' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceInputDto)
  source: SourceInputDto;

  @ApiProperty({ type: [StanceInputDto], description: 'The proposals it concerns, each with a stance; 1 to 50' })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => StanceInputDto)
  @Validate(DistinctSlugsConstraint)
  proposals: StanceInputDto[];
}

export class UpdateStatementDto extends StatementFieldsDto {
  @ApiPropertyOptional({ example: 'alexander-trofimov' })
  @IsOptionalNotNull()
  @IsSlug()
  speaker?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'russia',
    description: 'null: the speaker spoke for itself',
  })
  @IsOptional()
  @IsSlug()
  onBehalfOf?: string | null;

  @IsOptionalNotNull()
  @IsWorldDate({ required: false, example: '2025-10-29', description: 'When it was said' })
  saidOn?: WorldDateInput;

  @ApiPropertyOptional({ type: SourceInputDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceInputDto)
  source?: SourceInputDto;

  @ApiPropertyOptional({ type: [StanceInputDto], description: 'Replaces the list: 1 to 50' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => StanceInputDto)
  @Validate(DistinctSlugsConstraint)
  proposals?: StanceInputDto[];

  @ApiPropertyOptional({ type: 'integer', description: 'The version you read; alternative to If-Match.' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  version?: number;
}

export class RetractStatementDto {
  @ApiProperty({ example: 'Misattributed: the words are the moderator’s', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class IncludeRetractedQueryDto {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'true also shows retracted records, flagged' })
  @IsOptional()
  @Transform(booleanFlag)
  @IsIn([true, false], { message: 'includeRetracted must be true or false' })
  includeRetracted?: boolean;
}

export class ListStatementsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Slug of a proposal the statement concerns' })
  @IsOptional()
  @IsSlug()
  proposal?: string;

  @ApiPropertyOptional({ description: 'Slug of the speaker' })
  @IsOptional()
  @IsSlug()
  speaker?: string;

  @ApiPropertyOptional({ description: 'Slug of the actor the speaker spoke for (its ambassador, for a state)' })
  @IsOptional()
  @IsSlug()
  onBehalfOf?: string;

  @ApiPropertyOptional({ description: 'Slug of the event' })
  @IsOptional()
  @IsSlug()
  event?: string;

  @ApiPropertyOptional({
    enum: STANCES,
    description: 'The stance toward `proposal`, or toward any proposal without it',
  })
  @IsOptional()
  @IsIn(STANCES, { message: `stance must be one of ${STANCES.join(', ')}` })
  stance?: Stance;

  @ApiPropertyOptional({ example: '2024', description: 'saidOn starting on or after the first day of this date' })
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @ApiPropertyOptional({ example: '2024-07', description: 'saidOn starting on or before the last day of this date' })
  @IsOptional()
  @IsPartialDate()
  to?: string;

  @ApiPropertyOptional({
    description: 'Full-text search over quote and summary (English stemming); ranked, best first',
    example: 'multilateral',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'true also lists retracted statements, flagged' })
  @IsOptional()
  @Transform(booleanFlag)
  @IsIn([true, false], { message: 'includeRetracted must be true or false' })
  includeRetracted?: boolean;
}

export class ProposalStanceDto {
  @ApiProperty({ example: 'eurasian-charter' })
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: STANCES })
  stance: Stance;
}

export class StatementDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: ActorRefDto })
  speaker: ActorRefDto;

  @ApiProperty({
    type: ActorRefDto,
    nullable: true,
    description: 'The state or organization the speaker spoke for; null: the speaker alone',
  })
  onBehalfOf: ActorRefDto | null;

  @ApiProperty({ type: String, nullable: true, description: 'The speaker’s role at the time' })
  speakerRole: string | null;

  @ApiProperty({ example: '2025-10-29' })
  saidOn: string;

  @ApiCertainty()
  saidOnCertainty: DateCertainty;

  @ApiBasis()
  saidOnBasis: string | null;

  @ApiProperty({ type: EventRefDto, nullable: true })
  event: EventRefDto | null;

  @ApiProperty({ type: String, nullable: true })
  quote: string | null;

  @ApiProperty({ type: String, nullable: true })
  summary: string | null;

  @ApiProperty({ example: 'en' })
  language: string;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ type: SourceDto })
  source: SourceDto;

  @ApiProperty({ type: [ProposalStanceDto] })
  proposals: ProposalStanceDto[];

  @ApiProperty({ format: 'date-time', description: 'When it was logged' })
  recordedAt: string;

  @ApiProperty({ type: UserRefDto, description: 'Who logged it' })
  recordedBy: UserRefDto;

  @ApiProperty({ description: 'true once an editor retracted it: kept, but no longer counted' })
  retracted: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retractedAt: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true })
  retractedBy: UserRefDto | null;

  @ApiProperty({ type: String, nullable: true })
  retractionReason: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class StatementListDto {
  @ApiProperty({ type: [StatementDto] })
  data: StatementDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}
