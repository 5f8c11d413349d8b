import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { IsOptionalNotNull } from '../../../common/http/validators.js';
import { PageDto } from '../../../common/pagination/cursor.js';
import { SourceDto, SourceInputDto } from '../../sources/dto/source.dto.js';
import { MOMENTA, type Momentum } from '../workflow/momentum.js';

export const ASSESSMENT_REASON_MAX_LENGTH = 2000;

export class CreateAssessmentDto {
  @ApiProperty({ enum: MOMENTA, example: 'advancing' })
  @IsIn(MOMENTA, { message: `momentum must be one of ${MOMENTA.join(', ')}` })
  momentum: Momentum;

  @ApiProperty({
    example:
      'Working groups meet monthly according to the CSTO secretariat; nothing is recorded because no text is public yet.',
    maxLength: ASSESSMENT_REASON_MAX_LENGTH,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(ASSESSMENT_REASON_MAX_LENGTH)
  reason: string;

  @ApiPropertyOptional({ type: [SourceInputDto], description: 'What the assessment rests on; at most 20' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceInputDto)
  sources?: SourceInputDto[];
}

export class WithdrawAssessmentDto {
  @ApiProperty({ example: 'The talks resumed; the computed momentum reads right again.', maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

/** The assessment a proposal or a report row shows beside its computed momentum. */
export class AssessmentShownDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: MOMENTA })
  momentum: Momentum;

  @ApiProperty()
  reason: string;

  @ApiProperty({ type: UserRefDto, description: 'The editor who recorded it' })
  by: UserRefDto;

  @ApiProperty({ example: '2026-11-30', description: 'The day it was recorded (UTC)' })
  on: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class AssessmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: MOMENTA })
  momentum: Momentum;

  @ApiProperty()
  reason: string;

  @ApiProperty({ type: [SourceDto] })
  sources: SourceDto[];

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ type: UserRefDto })
  recordedBy: UserRefDto;

  @ApiProperty({
    description:
      'Whether it stands now: not withdrawn, and no standing transition or statement about the proposal recorded since',
  })
  standing: boolean;

  @ApiProperty()
  withdrawn: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  withdrawnAt: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true })
  withdrawnBy: UserRefDto | null;

  @ApiProperty({ type: String, nullable: true })
  withdrawalReason: string | null;
}

export class AssessmentListDto {
  @ApiProperty({ type: [AssessmentDto], description: 'Oldest first, withdrawn ones included and flagged' })
  data: AssessmentDto[];

  @ApiProperty({ type: PageDto, description: 'Never paged: nextCursor is always null' })
  page: PageDto;
}
