import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  ApiBasis,
  ApiCertainty,
  type DateCertainty,
  IsWorldDate,
  type WorldDateInput,
} from '../../../common/dates/world-date.js';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { PageDto } from '../../../common/pagination/cursor.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { ActorRefDto } from '../../actors/dto/actors.dto.js';
import { SourceDto, SourceInputDto } from '../../sources/dto/source.dto.js';
import { PARTICIPATION_ACTIONS, type ParticipationAction } from '../positions.js';

export class CreateParticipationDto {
  @ApiProperty({ example: 'russia', description: 'Slug of the actor that acted' })
  @IsSlug()
  actor: string;

  @ApiProperty({ enum: PARTICIPATION_ACTIONS, example: 'endorsed' })
  @IsIn(PARTICIPATION_ACTIONS, { message: `action must be one of ${PARTICIPATION_ACTIONS.join(', ')}` })
  action: ParticipationAction;

  @IsWorldDate({ required: true, example: '2024-10-31', description: 'When the act took place' })
  occurredOn: WorldDateInput;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;

  @ApiProperty({ type: [SourceInputDto], description: 'Where the act is documented: 1 to 20 sources' })
  @IsDefined({ message: 'sources is required: a participation act cites at least one source' })
  @IsArray()
  @ArrayMinSize(1, { message: 'sources must cite at least one source' })
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceInputDto)
  sources: SourceInputDto[];
}

export class RetractParticipationDto {
  @ApiProperty({ example: 'The communiqué lists Belarus as an observer, not a signatory', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class ParticipationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'eurasian-charter', description: 'Slug of the proposal' })
  proposal: string;

  @ApiProperty({ type: ActorRefDto })
  actor: ActorRefDto;

  @ApiProperty({ enum: PARTICIPATION_ACTIONS })
  action: ParticipationAction;

  @ApiProperty({ example: '2024-10-31' })
  occurredOn: string;

  @ApiCertainty()
  occurredOnCertainty: DateCertainty;

  @ApiBasis()
  occurredOnBasis: string | null;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ type: [SourceDto] })
  sources: SourceDto[];

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ type: UserRefDto })
  recordedBy: UserRefDto;

  @ApiProperty({ description: 'true once an editor retracted it: kept, but no longer counted' })
  retracted: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retractedAt: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true })
  retractedBy: UserRefDto | null;

  @ApiProperty({ type: String, nullable: true })
  retractionReason: string | null;
}

export class ParticipationListDto {
  @ApiProperty({ type: [ParticipationDto] })
  data: ParticipationDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}
