import { IsSlug } from '../../../common/slugs/is-slug.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { HasText, IsOptionalNotNull } from '../../../common/http/validators.js';
import { PageDto } from '../../../common/pagination/cursor.js';

import { ACTOR_KINDS, type ActorKind } from '../entities/actor.entity.js';

export { ACTOR_KINDS, type ActorKind };

class ActorFieldsDto {
  @ApiPropertyOptional({ example: 'SCO', maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  shortName?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['ICCA'],
    description: 'Other names, searched like the name; at most 50',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  aliases?: string[];

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ example: 'Russian Ambassador to Kazakhstan', description: 'A person’s position' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ example: 'russia', description: 'Slug of a state actor: a person’s country' })
  @IsOptional()
  @IsSlug()
  country?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['kazakhstan', 'russia'],
    description: 'Slugs of an organization’s members',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(500)
  @IsSlug({ each: true })
  members?: string[];
}

export class CreateActorDto extends ActorFieldsDto {
  @ApiProperty({ enum: ACTOR_KINDS })
  @IsIn(ACTOR_KINDS)
  kind: ActorKind;

  @ApiProperty({ example: 'Shanghai Cooperation Organisation', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @HasText()
  name: string;

  @ApiPropertyOptional({ example: 'sco', description: 'Made from the name when not given; 409 if taken' })
  @IsOptionalNotNull()
  @IsSlug()
  slug?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true when the name, short name or an alias matches an existing actor but this is another one; without it such an actor is refused (409 likely_duplicate, naming the existing ones)',
  })
  @IsOptional()
  @IsBoolean()
  confirmNew?: boolean;
}

export class MergeActorDto {
  @ApiProperty({ example: 'kazakhstan', description: 'Slug of the actor this one duplicates; it keeps its slug' })
  @IsSlug()
  into: string;

  @ApiProperty({ example: 'Recorded twice, as "Kazakhstan" and "Republic of Kazakhstan"', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class UpdateActorDto extends ActorFieldsDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @HasText()
  name?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'The version you read; alternative to If-Match.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListActorsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ACTOR_KINDS })
  @IsOptional()
  @IsIn(ACTOR_KINDS)
  kind?: ActorKind;

  @ApiPropertyOptional({ description: 'Case-insensitive match in name, shortName and aliases' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;
}

export class ActorRefDto {
  @ApiProperty({ example: 'sco' })
  slug: string;

  @ApiProperty({ example: 'Shanghai Cooperation Organisation' })
  name: string;

  @ApiProperty({ enum: ACTOR_KINDS })
  kind: ActorKind;
}

export class MergedActorDto {
  @ApiProperty({ example: 'republic-of-kazakhstan', description: 'Its slug, which resolves to this actor' })
  slug: string;

  @ApiProperty({ example: 'Republic of Kazakhstan' })
  name: string;

  @ApiProperty({ example: 'Recorded twice' })
  reason: string;

  @ApiProperty({ format: 'date-time' })
  mergedAt: string;

  @ApiProperty({ type: UserRefDto })
  mergedBy: UserRefDto;
}

/** An actor as another module's write refers to it: its reference, with its id. */
export interface ResolvedActor extends ActorRefDto {
  id: string;
}

export class ActorDto {
  @ApiProperty({ example: 'cica' })
  slug: string;

  @ApiProperty({ enum: ACTOR_KINDS })
  kind: ActorKind;

  @ApiProperty({ example: 'Conference on Interaction and Confidence-Building Measures in Asia' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'CICA' })
  shortName: string | null;

  @ApiProperty({ type: [String], example: ['ICCA'] })
  aliases: string[];

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, nullable: true })
  title: string | null;

  @ApiProperty({ type: ActorRefDto, nullable: true })
  country: ActorRefDto | null;

  @ApiProperty({ type: [ActorRefDto] })
  members: ActorRefDto[];

  @ApiProperty({ type: [MergedActorDto], description: 'Duplicates merged into this actor, oldest first' })
  mergedFrom: MergedActorDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class ActorListDto {
  @ApiProperty({ type: [ActorDto] })
  data: ActorDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}
