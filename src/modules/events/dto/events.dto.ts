import { IsSlug } from '../../../common/slugs/is-slug.js';
import {
  ApiBasis,
  ApiCertainty,
  type DateCertainty,
  IsWorldDate,
  type WorldDateInput,
} from '../../../common/dates/world-date.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsPartialDate } from '../../../common/dates/partial-date.js';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { HasText, IsOptionalNotNull } from '../../../common/http/validators.js';
import { PageDto } from '../../../common/pagination/cursor.js';

import { ActorRefDto } from '../../actors/dto/actors.dto.js';
import { EVENT_KINDS, type EventKind } from '../entities/event.entity.js';

export class CreateEventDto {
  @ApiProperty({ example: '3rd Minsk International Conference on Eurasian Security', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @HasText()
  name: string;

  @ApiPropertyOptional({
    example: 'minsk-conference-2025',
    description: 'Made from the name when not given; 409 if taken',
  })
  @IsOptionalNotNull()
  @IsSlug()
  slug?: string;

  @ApiProperty({ enum: EVENT_KINDS })
  @IsIn(EVENT_KINDS)
  kind: EventKind;

  @IsWorldDate({ required: true, example: '2025-10', description: 'When it starts' })
  startsOn: WorldDateInput;

  @IsWorldDate({ required: false, example: '2025-10-29', description: 'When it ends; not before startsOn' })
  endsOn?: WorldDateInput;

  @ApiPropertyOptional({ example: 'Minsk', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string;

  @ApiPropertyOptional({
    maxLength: 5000,
    description: 'What it was; how its dates are known when a source leaves them out',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['csto'], description: 'Slugs of organizing actors; at most 50' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsSlug({ each: true })
  organizers?: string[];
}

export class ListEventsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS)
  kind?: EventKind;

  @ApiPropertyOptional({ example: '2024', description: 'Events starting on or after the first day of this date' })
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @ApiPropertyOptional({ example: '2025-06', description: 'Events starting on or before the last day of this date' })
  @IsOptional()
  @IsPartialDate()
  to?: string;

  @ApiPropertyOptional({ example: 'astana', description: 'Case-insensitive match in the name or location' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Slug of an organizing actor' })
  @IsOptional()
  @IsSlug()
  organizer?: string;
}

export class EventRefDto {
  @ApiProperty({ example: 'sco-summit-astana-2024' })
  slug: string;

  @ApiProperty({ example: 'SCO summit in Astana' })
  name: string;

  @ApiProperty({ enum: EVENT_KINDS })
  kind: EventKind;

  @ApiProperty({ example: '2024-07-03' })
  startsOn: string;

  @ApiCertainty()
  startsOnCertainty: DateCertainty;

  @ApiBasis()
  startsOnBasis: string | null;
}

export class EventDto extends EventRefDto {
  @ApiProperty({ type: String, nullable: true, example: '2024-07-04' })
  endsOn: string | null;

  @ApiCertainty(true)
  endsOnCertainty: DateCertainty | null;

  @ApiBasis()
  endsOnBasis: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Astana' })
  location: string | null;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: [ActorRefDto] })
  organizers: ActorRefDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class EventListDto {
  @ApiProperty({ type: [EventDto] })
  data: EventDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}
