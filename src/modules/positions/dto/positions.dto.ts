import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiBasis, ApiCertainty, type DateCertainty } from '../../../common/dates/world-date.js';
import { STANCES, type Stance } from '../../../common/dto/stance.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { ActorRefDto } from '../../actors/dto/actors.dto.js';
import { ACTOR_KINDS, type ActorKind } from '../../actors/dto/actors.dto.js';
import { PROPOSER_ROLES, type ProposerRole } from '../../proposals/dto/proposals.dto.js';
import { AsOfField } from '../../proposals/dto/momentum.dto.js';
import { STATUSES, type Status } from '../../proposals/workflow/statuses.js';
import { PARTICIPATION_ACTIONS, type ParticipationAction } from '../positions.js';

export class PositionsQueryDto {
  @AsOfField()
  asOf?: string;
}

export class PositionsReportQueryDto extends PositionsQueryDto {
  @ApiPropertyOptional({ example: 'eurasian-charter', description: 'Only this proposal (slug)' })
  @IsOptional()
  @IsSlug()
  proposal?: string;

  @ApiPropertyOptional({ example: 'sco', description: 'Only proposals pursued in this forum (slug)' })
  @IsOptional()
  @IsSlug()
  forum?: string;

  @ApiPropertyOptional({ example: 'security', description: 'Only proposals with this tag' })
  @IsOptional()
  @IsSlug()
  tag?: string;

  @ApiPropertyOptional({ enum: ACTOR_KINDS, description: 'Only actors of this kind' })
  @IsOptional()
  @IsIn(ACTOR_KINDS, { message: `actorKind must be one of ${ACTOR_KINDS.join(', ')}` })
  actorKind?: ActorKind;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv for RFC 4180 CSV (or Accept: text/csv)' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class StanceChangeDto {
  @ApiProperty({ enum: STANCES })
  stance: Stance;

  @ApiProperty({ example: '2025-10-29', description: 'The date of the statement that took the stance' })
  on: string;

  @ApiCertainty()
  onCertainty: DateCertainty;

  @ApiBasis()
  onBasis: string | null;

  @ApiProperty({ format: 'uuid', description: 'The statement that took the stance' })
  statement: string;
}

export class StanceCountsDto {
  @ApiProperty({ example: 2 })
  supports: number;

  @ApiProperty({ example: 0 })
  opposes: number;

  @ApiProperty({ example: 0 })
  neutral: number;

  @ApiProperty({ example: 2 })
  total: number;
}

export class LatestActDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: PARTICIPATION_ACTIONS })
  action: ParticipationAction;

  @ApiProperty({ example: '2024-10-31' })
  occurredOn: string;

  @ApiCertainty()
  occurredOnCertainty: DateCertainty;

  @ApiBasis()
  occurredOnBasis: string | null;
}

export class EvidenceDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Standing statements it rests on, oldest first' })
  statements: string[];

  @ApiProperty({ type: [String], format: 'uuid', description: 'Standing participation acts it rests on, oldest first' })
  participation: string[];
}

/** What a position holds beside the actor or the proposal it is about. */
export class PositionFieldsDto {
  @ApiProperty({ enum: PROPOSER_ROLES, nullable: true, description: 'Its role among the proposers, if any' })
  proposerRole: ProposerRole | null;

  @ApiProperty({
    enum: STANCES,
    nullable: true,
    description:
      'The stance of its latest standing statement about the proposal (by it or on its behalf); null if none',
  })
  stance: Stance | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2025-10-29',
    description: 'Since when it has held that stance',
  })
  stanceOn: string | null;

  @ApiCertainty(true)
  stanceOnCertainty: DateCertainty | null;

  @ApiBasis()
  stanceOnBasis: string | null;

  @ApiProperty({ type: [StanceChangeDto], description: 'Each change of stance, oldest first' })
  stanceHistory: StanceChangeDto[];

  @ApiProperty({ type: StanceCountsDto, description: 'Its standing statements about the proposal, by stance' })
  statements: StanceCountsDto;

  @ApiProperty({ type: LatestActDto, nullable: true, description: 'Its latest standing participation act' })
  participation: LatestActDto | null;

  @ApiProperty({ type: EvidenceDto })
  evidence: EvidenceDto;
}

export class ActorPositionDto extends PositionFieldsDto {
  @ApiProperty({ type: ActorRefDto })
  actor: ActorRefDto;
}

export class PositionProposalDto {
  @ApiProperty({ example: 'eurasian-charter' })
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: STATUSES, description: 'Its status as it stood on asOf' })
  status: Status;
}

export class ProposalPositionDto extends PositionFieldsDto {
  @ApiProperty({ type: PositionProposalDto })
  proposal: PositionProposalDto;
}

export class ProposalPositionsDto {
  @ApiProperty({ example: 'eurasian-charter' })
  slug: string;

  @ApiProperty({ example: '2025-12-01' })
  asOf: string;

  @ApiProperty({
    type: [ActorPositionDto],
    description: 'Proposers first (proposer, co-proposer, backer), then every other actor, by slug',
  })
  positions: ActorPositionDto[];
}

export class ActorPositionsDto {
  @ApiProperty({ type: ActorRefDto })
  actor: ActorRefDto;

  @ApiProperty({ example: '2025-12-01' })
  asOf: string;

  @ApiProperty({ type: [ProposalPositionDto], description: 'By proposal slug' })
  positions: ProposalPositionDto[];
}

export class PositionReportRowDto extends PositionFieldsDto {
  @ApiProperty({ type: ActorRefDto })
  actor: ActorRefDto;

  @ApiProperty({ type: PositionProposalDto })
  proposal: PositionProposalDto;
}

export class PositionsReportDto {
  @ApiProperty({ example: '2025-12-01' })
  asOf: string;

  @ApiProperty({ type: [PositionReportRowDto], description: 'By proposal slug, then proposers first, then actor slug' })
  rows: PositionReportRowDto[];
}
