import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { PageDto } from '../../../common/pagination/cursor.js';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { ISO_INSTANT } from '../../../common/http/query-values.js';

export const AUDITED_ENTITIES = [
  'actor',
  'event',
  'proposal',
  'transition',
  'statement',
  'source',
  'assessment',
  'user',
  'token',
] as const;

export class ListAuditQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: AUDITED_ENTITIES })
  @IsOptional()
  @IsIn(AUDITED_ENTITIES)
  entityType?: string;

  @ApiPropertyOptional({
    description: 'A slug (actors, events, proposals) or an id (statements, sources, assessments, users, tokens)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  entityId?: string;

  @ApiPropertyOptional({ description: 'A user’s id or name' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  user?: string;

  @ApiPropertyOptional({
    description: 'Writes at or after this instant (ISO 8601 with a zone)',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'from must be an ISO 8601 timestamp with a time zone' })
  from?: string;

  @ApiPropertyOptional({ description: 'Writes at or before this instant (ISO 8601 with a zone)' })
  @IsOptional()
  @Matches(ISO_INSTANT, { message: 'to must be an ISO 8601 timestamp with a time zone' })
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '1042', description: 'Increasing with every write' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'null for the service’s own work at start-up' })
  user: UserRefDto | null;

  @ApiProperty({ example: 'update', description: 'create, update, transition, retract, issue or revoke' })
  action: string;

  @ApiProperty({ enum: AUDITED_ENTITIES })
  entityType: string;

  @ApiProperty({ example: 'eurasian-charter' })
  entityId: string;

  @ApiProperty({ type: String, nullable: true, description: 'The X-Request-Id of the write' })
  requestId: string | null;

  @ApiProperty({ nullable: true, description: 'The changed fields before the write (null for a creation)' })
  before: unknown;

  @ApiProperty({ nullable: true, description: 'The changed fields after the write' })
  after: unknown;
}

export class AuditListDto {
  @ApiProperty({ type: [AuditEntryDto] })
  data: AuditEntryDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}
