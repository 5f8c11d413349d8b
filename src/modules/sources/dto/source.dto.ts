import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { decimalInteger } from '../../../common/http/query-values.js';
import { IsInt, IsOptional, IsString, IsUrl, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { IsPartialDate } from '../../../common/dates/partial-date.js';
import {
  DATE_CERTAINTIES,
  type DateCertainty,
  IsWorldDate,
  type WorldDateInput,
} from '../../../common/dates/world-date.js';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { IsOptionalNotNull } from '../../../common/http/validators.js';
import { PageDto } from '../../../common/pagination/cursor.js';

export const SOURCE_NOTE_MAX_LENGTH = 2000;

/** A citation: a url or a publisher is required (print and wire copy often have no URL). */
export class SourceInputDto {
  @ApiPropertyOptional({
    example: 'https://www.belta.by/politics/view/eurasian-security-conference',
    description: 'http or https',
  })
  @ValidateIf((source: SourceInputDto) => source.url !== undefined || source.publisher === undefined)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http or https URL (a url or a publisher is required)' },
  )
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'BelTA' })
  @ValidateIf((source: SourceInputDto) => source.publisher !== undefined || source.url === undefined)
  @IsString({ message: 'publisher must be a string (a url or a publisher is required)' })
  @MinLength(1)
  @MaxLength(200)
  publisher?: string;

  @ApiPropertyOptional({ example: 'Minsk conference on Eurasian security: CSTO experience in demand' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @IsWorldDate({ required: false, example: '2025-10-29', description: 'When it was published' })
  publishedOn?: WorldDateInput;

  @ApiPropertyOptional({
    maxLength: SOURCE_NOTE_MAX_LENGTH,
    description: 'What an editor knows of the source beyond its citation; kept when the source has none yet',
  })
  @IsOptional()
  @IsString()
  @MaxLength(SOURCE_NOTE_MAX_LENGTH)
  note?: string;
}

/** A source as a record that cites it shows it. */
export class SourceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'https://www.belta.by/politics/view/eurasian-security-conference',
  })
  url: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'BelTA' })
  publisher: string | null;

  @ApiProperty({ type: String, nullable: true })
  title: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2025-10' })
  publishedOn: string | null;

  @ApiProperty({ enum: DATE_CERTAINTIES, nullable: true, description: 'null when publishedOn is' })
  publishedOnCertainty: DateCertainty | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'dateline 29 October without a year; the conference was in 2025',
  })
  publishedOnBasis: string | null;
}

/** A source as its own resource: the citation, an editor's note, its version. */
export class SourceRecordDto extends SourceDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Interview given to the Zakon agency; the English text names no publisher',
  })
  note: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class CitingProposalDto {
  @ApiProperty({ example: 'eurasian-charter' })
  slug: string;

  @ApiProperty({ example: 'Eurasian Charter for Diversity and Multilateralism in the 21st Century' })
  title: string;
}

/** A record that rests on a source. */
export class CitationDto {
  @ApiProperty({ enum: ['transition', 'statement', 'assessment', 'participation'] })
  type: 'transition' | 'statement' | 'assessment' | 'participation';

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: [CitingProposalDto], description: 'The proposals it is about' })
  proposals: CitingProposalDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2025-10-29',
    description: 'Its world date (none for an assessment)',
  })
  occurredOn: string | null;

  @ApiProperty({ example: 'Alexander Trofimov supports eurasian-charter' })
  summary: string;

  @ApiProperty({ description: 'Retracted or withdrawn: kept, but no longer counted' })
  retracted: boolean;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ type: UserRefDto })
  recordedBy: UserRefDto;
}

export class SourceWithCitationsDto extends SourceRecordDto {
  @ApiProperty({
    type: [CitationDto],
    description: 'Every transition, statement and assessment that rests on it, oldest first',
  })
  citations: CitationDto[];
}

export class SourceListDto {
  @ApiProperty({ type: [SourceRecordDto] })
  data: SourceRecordDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}

export class ListSourcesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    example: 'CSTO',
    description: 'Matches the title, the publisher and the URL, case-insensitive',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'TASS', description: 'The publisher, case-insensitive' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  publisher?: string;

  @ApiPropertyOptional({ example: '2024', description: 'Published on or after the first day of this date' })
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @ApiPropertyOptional({ example: '2025-12', description: 'Published on or before the last day of this date' })
  @IsOptional()
  @IsPartialDate()
  to?: string;
}

/** An edit of a source: each field given replaces it; null clears the optional ones. */
export class UpdateSourceDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://tass.com/politics/1234567' })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http or https URL' },
  )
  @MaxLength(2000)
  url?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'TASS' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  publisher?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string | null;

  @IsWorldDate({ required: false, example: '2025-04-29', description: 'When it was published (null clears it)' })
  @ValidateIf((_source: UpdateSourceDto, value: unknown) => value !== null)
  publishedOn?: WorldDateInput | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: SOURCE_NOTE_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(SOURCE_NOTE_MAX_LENGTH)
  note?: string | null;

  @ApiPropertyOptional({ type: 'integer', description: 'The version you read, if you do not send If-Match' })
  @IsOptionalNotNull()
  @Transform(decimalInteger)
  @IsInt()
  @Min(1)
  version?: number;
}
