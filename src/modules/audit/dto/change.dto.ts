import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { commaList, decimalInteger } from '../../../common/http/query-values.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { CHANGE_TYPES, type ChangeType } from '../change-types.js';

/** A timestamp with a time zone, or a date (its first instant, UTC). */
export const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The filters of the change feed, `GET /changes` and `GET /me/changes`. */
export class ChangeFiltersDto {
  @ApiPropertyOptional({ description: 'Comma list of change types', example: 'transition.recorded,statement.recorded' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CHANGE_TYPES, { each: true, message: `type must be a comma list of ${CHANGE_TYPES.join(', ')}` })
  @ArrayMaxSize(CHANGE_TYPES.length)
  type?: ChangeType[];

  @ApiPropertyOptional({ example: 'eurasian-charter', description: 'Changes concerning this proposal' })
  @IsOptional()
  @IsSlug()
  proposal?: string;

  @ApiPropertyOptional({
    example: 'belarus',
    description: 'Changes concerning this actor: itself, proposals it proposes, statements it makes',
  })
  @IsOptional()
  @IsSlug()
  actor?: string;

  @ApiPropertyOptional({ example: 'security', description: 'Changes concerning proposals with this tag' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;
}

export class ListChangesQueryDto extends ChangeFiltersDto {
  @ApiPropertyOptional({
    description: 'The `page.nextCursor` of the last page read: the changes after it. Bound to the same filters.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  after?: string;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'Changes recorded at or after this instant (ISO 8601 with a time zone) or date (UTC)',
  })
  @IsOptional()
  @Matches(INSTANT_OR_DATE, { message: 'since must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with a time zone' })
  since?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 100 })
  @IsOptional()
  @Transform(decimalInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 100;
}

export class ChangeSubjectDto {
  @ApiProperty({ example: 'transition' })
  type: string;

  @ApiProperty({ example: '0b8f5c1e-6a4e-4f3b-9d61-2f7f3d0c9a11' })
  id: string;

  @ApiPropertyOptional({ example: 'eurasian-charter' })
  slug?: string;
}

/** One change, as the feed, the Atom entries and the webhook deliveries carry it. */
export class ChangeDto {
  @ApiProperty({ example: '1842', description: 'Unique; the `webhook-id` of its deliveries' })
  id: string;

  @ApiProperty({ enum: CHANGE_TYPES })
  type: ChangeType;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'Who made it; null for the seeds' })
  by: UserRefDto | null;

  @ApiProperty({ type: String, nullable: true, example: 'eurasian-charter', description: 'The proposal it is about' })
  proposal: string | null;

  @ApiProperty({ type: ChangeSubjectDto })
  subject: ChangeSubjectDto;

  @ApiProperty({
    example:
      'Eurasian Charter for Diversity and Multilateralism in the 21st Century: proposed → under_discussion on 2025-11',
  })
  summary: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The record as its own GET shows it' })
  data: unknown;
}

export class ChangePageDto {
  @ApiProperty({ type: 'integer', example: 100 })
  limit: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Pass as `after` to read on: the position after the last change shown (or the `after` given, when none is new). Keep it to poll for what comes next.',
  })
  nextCursor: string | null;

  @ApiProperty({ description: 'Whether more changes follow at once (a `Link: rel="next"` header says so too)' })
  hasMore: boolean;
}

export class ChangeListDto {
  @ApiProperty({ type: [ChangeDto] })
  data: ChangeDto[];

  @ApiProperty({ type: ChangePageDto })
  page: ChangePageDto;
}
