import {
  ApiBasis,
  ApiCertainty,
  type DateCertainty,
  IsWorldDate,
  type WorldDateInput,
} from '../../../common/dates/world-date.js';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  type ValidatorConstraintInterface,
  Validate,
  ValidateNested,
  ValidatorConstraint,
} from 'class-validator';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { HasText, IsOptionalNotNull } from '../../../common/http/validators.js';
import { PageDto } from '../../../common/pagination/cursor.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { ActorRefDto } from '../../actors/dto/actors.dto.js';
import { SourceDto, SourceInputDto } from '../../sources/dto/source.dto.js';
import { PROPOSER_ROLES, type ProposerRole } from '../entities/proposal-actor.entity.js';

export { PROPOSER_ROLES, type ProposerRole };
import { PROPOSAL_SORTS, type ProposalSort } from '../proposal-sorts.js';
import { MOMENTA, type Momentum } from '../workflow/momentum.js';
import { AsOfField, MomentumFilterField, WindowDaysField } from './momentum.dto.js';
import { AssessmentShownDto } from './assessments.dto.js';
import { INITIAL_STATUSES, type InitialStatus, STATUSES, type Status } from '../workflow/statuses.js';
import { booleanFlag, commaList, ISO_INSTANT } from '../../../common/http/query-values.js';

const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,49}$/u;

export class ProposerInputDto {
  @ApiProperty({ example: 'russia', description: 'Slug of an actor' })
  @IsSlug()
  actor: string;

  // Defaults of body fields are said in words: a generated client (openapi-typescript) reads a
  // `default` in a shared schema as "always present" and would make the field required.
  @ApiPropertyOptional({ enum: PROPOSER_ROLES, description: 'Default: proposer' })
  @IsOptionalNotNull()
  @IsIn(PROPOSER_ROLES)
  role?: ProposerRole;
}

/** Proposers: 1–50, at least one with role proposer (a missing role means proposer). */
function ProposersField(required: boolean): PropertyDecorator {
  const decorators = [
    required
      ? ApiProperty({ type: [ProposerInputDto], description: 'At least one with role proposer; at most 50' })
      : ApiPropertyOptional({
          type: [ProposerInputDto],
          description: 'Replaces the list: at least one with role proposer; at most 50',
        }),
    required ? IsDefined() : IsOptionalNotNull(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(50),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(() => ProposerInputDto),
    Validate(HasProposerConstraint),
  ];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

@ValidatorConstraint({ name: 'hasProposer' })
class HasProposerConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!Array.isArray(value)) return true;
    const actors = value.map((p: ProposerInputDto) => p?.actor);
    return (
      value.some((p: ProposerInputDto) => (p?.role ?? 'proposer') === 'proposer') &&
      new Set(actors).size === actors.length
    );
  }

  defaultMessage(): string {
    return 'proposers must include at least one actor with role proposer, and name each actor once';
  }
}

export class RelatedInputDto {
  @ApiProperty({ example: 'eurasian-security-architecture', description: 'Slug of another proposal' })
  @IsSlug()
  proposal: string;

  @ApiPropertyOptional({ example: 'complements', description: 'How it relates, in a word or two', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  relation?: string;
}

@ValidatorConstraint({ name: 'distinctProposals' })
class DistinctProposalsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!Array.isArray(value)) return true;
    const slugs = value.map((item: RelatedInputDto) => item?.proposal);
    return new Set(slugs).size === slugs.length;
  }

  defaultMessage(): string {
    return 'related must name each proposal once';
  }
}

class ProposalFieldsDto {
  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  summary?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['sco'],
    description: 'Slugs of organizations where it is pursued; at most 50',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsSlug({ each: true })
  forums?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['security', 'eurasia'],
    description: 'At most 20, each 1–50 letters, digits, space . _ -',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, {
    each: true,
    message: 'each tag must be 1–50 letters, digits, spaces or . _ - and start with a letter or digit',
  })
  tags?: string[];

  @ApiPropertyOptional({
    example: 'eurasian-security-architecture',
    description: 'Slug of the broader proposal it belongs to',
  })
  @IsOptional()
  @IsSlug()
  parent?: string;

  @ApiPropertyOptional({
    type: [RelatedInputDto],
    description: 'Other proposals it relates to (PATCH replaces the list); at most 50, each named once',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RelatedInputDto)
  @Validate(DistinctProposalsConstraint)
  related?: RelatedInputDto[];
}

export class CreateProposalDto extends ProposalFieldsDto {
  @ApiProperty({ example: 'Greater Eurasian Partnership', maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @HasText()
  title: string;

  @ApiPropertyOptional({
    example: 'greater-eurasian-partnership',
    description: 'Made from the title when not given; 409 if taken',
  })
  @IsOptionalNotNull()
  @IsSlug()
  slug?: string;

  @IsWorldDate({
    required: true,
    example: '2015',
    description: 'When it was first put forward: the date of the first transition',
  })
  proposedOn: WorldDateInput;

  @ProposersField(true)
  proposers: ProposerInputDto[];

  @ApiPropertyOptional({ enum: INITIAL_STATUSES, description: 'Default: proposed' })
  @IsOptionalNotNull()
  @IsIn(INITIAL_STATUSES)
  initialStatus?: InitialStatus;

  @ApiPropertyOptional({ type: [SourceInputDto], description: 'Cited by the first transition; at most 20' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceInputDto)
  sources?: SourceInputDto[];

  @ApiPropertyOptional({
    maxLength: 5000,
    description: 'Note on the first transition, e.g. how proposedOn was inferred when the source does not say',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true when the title matches an existing proposal but this is another one; without it such a proposal is refused (409 likely_duplicate, naming the existing ones)',
  })
  @IsOptional()
  @IsBoolean()
  confirmNew?: boolean;
}

export class UpdateProposalDto extends ProposalFieldsDto {
  @ProposersField(false)
  proposers?: ProposerInputDto[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @HasText()
  title?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'The version you read; alternative to If-Match.' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListProposalsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: `Comma list of statuses: ${STATUSES.join(', ')}`, example: 'drafting,adopted' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(STATUSES, { each: true, message: `status must be a comma list of ${STATUSES.join(', ')}` })
  @ArrayMaxSize(STATUSES.length)
  status?: Status[];

  @ApiPropertyOptional({ description: 'Slug of an actor among the proposers, co-proposers or backers' })
  @IsOptional()
  @IsSlug()
  proposer?: string;

  @ApiPropertyOptional({
    enum: PROPOSER_ROLES,
    description: 'With `proposer`: only where that actor has this role (proposer, co-proposer or backer)',
  })
  @IsOptional()
  @IsIn(PROPOSER_ROLES, { message: `proposerRole must be one of ${PROPOSER_ROLES.join(', ')}` })
  proposerRole?: ProposerRole;

  @ApiPropertyOptional({ description: 'Slug of a forum organization' })
  @IsOptional()
  @IsSlug()
  forum?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({
    example: 'eurasian-security-architecture',
    description: 'Slug of a proposal: its direct children',
  })
  @IsOptional()
  @IsSlug()
  parent?: string;

  @ApiPropertyOptional({
    example: 'eurasian-security-architecture',
    description: 'Slug of a proposal: every proposal below it, at any depth',
  })
  @IsOptional()
  @IsSlug()
  descendantsOf?: string;

  @ApiPropertyOptional({
    example: 'global-security-initiative',
    description: 'Slug of a proposal: those related to it, whichever of the two named the link',
  })
  @IsOptional()
  @IsSlug()
  related?: string;

  @ApiPropertyOptional({
    description:
      'Full-text search (English stemming) over title, summary and the quotes and summaries of standing statements ' +
      'about the proposal; web-search syntax: "exact phrase", or, -exclude. Sorts by relevance unless `sort` says otherwise.',
    example: 'multilateral charter',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    description:
      'Proposals with any change recorded after this instant (ISO 8601 with a time zone), for clients that sync',
    example: '2026-01-31T12:00:00Z',
  })
  @IsOptional()
  @Matches(ISO_INSTANT, {
    message: 'updatedSince must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-31T12:00:00Z',
  })
  updatedSince?: string;

  @MomentumFilterField()
  momentum?: Momentum[];

  @AsOfField()
  asOf?: string;

  @WindowDaysField()
  windowDays?: number;

  @ApiPropertyOptional({
    enum: PROPOSAL_SORTS,
    description: 'Default `-lastActivityOn` (most recent first), or `relevance` when `q` is given; relevance needs `q`',
  })
  @IsOptional()
  @IsIn(PROPOSAL_SORTS)
  sort?: ProposalSort;

  @IncludeDuplicatesField()
  includeDuplicates?: boolean;
}

/** `includeDuplicates`: proposals marked as duplicates of another are left out unless it is true. */
export function IncludeDuplicatesField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: Boolean,
      default: false,
      description: 'true also lists proposals an editor marked as duplicates of another (see `duplicateOf`)',
    }),
    IsOptional(),
    Transform(booleanFlag),
    IsIn([true, false], { message: 'includeDuplicates must be true or false' }),
  );
}

export class MarkDuplicateDto {
  @ApiProperty({ example: 'greater-eurasian-partnership', description: 'Slug of the proposal this one repeats' })
  @IsSlug()
  of: string;

  @ApiProperty({ example: 'Recorded twice, under two titles', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class UnmarkDuplicateDto {
  @ApiProperty({ example: 'A separate initiative after all: see the 2024 summit declaration', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class ProposalAsOfQueryDto {
  @AsOfField()
  asOf?: string;
}

export class ProposerDto extends ActorRefDto {
  @ApiProperty({ enum: PROPOSER_ROLES })
  role: ProposerRole;
}

export class ProposalRefDto {
  @ApiProperty({ example: 'eurasian-security-architecture' })
  slug: string;

  @ApiProperty()
  title: string;
}

export class DuplicateOfDto extends ProposalRefDto {
  @ApiProperty({ example: 'Recorded twice, under two titles' })
  reason: string;

  @ApiProperty({ format: 'date-time' })
  markedAt: string;

  @ApiProperty({ type: UserRefDto, description: 'The editor who marked it' })
  markedBy: UserRefDto;
}

export class RelatedProposalDto extends ProposalRefDto {
  @ApiProperty({ type: String, nullable: true, example: 'complements' })
  relation: string | null;

  @ApiProperty({
    enum: ['outgoing', 'incoming'],
    description:
      'outgoing: this proposal names the other as related (the relation reads from this one); incoming: the other names this one',
  })
  direction: 'outgoing' | 'incoming';
}

export class StatementCountsDto {
  @ApiProperty({ type: 'integer', example: 3 })
  supports: number;

  @ApiProperty({ type: 'integer', example: 0 })
  opposes: number;

  @ApiProperty({ type: 'integer', example: 1 })
  neutral: number;

  @ApiProperty({ type: 'integer', example: 4 })
  total: number;
}

/** How many actors take each stance toward a proposal. */
export class PositionSummaryDto {
  @ApiProperty({ example: 2 })
  supports: number;

  @ApiProperty({ example: 0 })
  opposes: number;

  @ApiProperty({ example: 0 })
  neutral: number;
}

export class ProposalDto {
  @ApiProperty({ example: 'greater-eurasian-partnership' })
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: String, nullable: true })
  summary: string | null;

  @ApiProperty({ example: '2015' })
  proposedOn: string;

  @ApiCertainty()
  proposedOnCertainty: DateCertainty;

  @ApiBasis()
  proposedOnBasis: string | null;

  @ApiProperty({ type: [ProposerDto] })
  proposers: ProposerDto[];

  @ApiProperty({ type: [ActorRefDto] })
  forums: ActorRefDto[];

  @ApiProperty({ type: [String] })
  tags: string[];

  @ApiProperty({ type: ProposalRefDto, nullable: true })
  parent: ProposalRefDto | null;

  @ApiProperty({ type: [RelatedProposalDto], description: 'Other proposals this one names as related' })
  related: RelatedProposalDto[];

  @ApiProperty({ type: ProposalRefDto, nullable: true, description: 'Set while the status is superseded' })
  supersededBy: ProposalRefDto | null;

  @ApiProperty({
    type: DuplicateOfDto,
    nullable: true,
    description: 'Set when an editor marked it a duplicate of another: lists and reports then leave it out',
  })
  duplicateOf: DuplicateOfDto | null;

  @ApiProperty({ enum: STATUSES })
  status: Status;

  @ApiProperty({ example: '2024-07-04', description: 'The world date of the transition into the current status' })
  statusSince: string;

  @ApiCertainty()
  statusSinceCertainty: DateCertainty;

  @ApiBasis()
  statusSinceBasis: string | null;

  @ApiProperty({ enum: STATUSES, description: 'The furthest stage a standing transition reached' })
  furthestStatus: Status;

  @ApiProperty({
    example: '2024-07-04',
    description: 'The latest world date among standing transitions and standing statements',
  })
  lastActivityOn: string;

  @ApiProperty({
    enum: MOMENTA,
    nullable: true,
    description:
      'Advancing, active, stalled or concluded (spec section 2), as of today (UTC) with a 365-day window, or as of ' +
      'the list’s asOf and windowDays; null if not yet proposed on that day. The ETag carries the day.',
  })
  momentum: Momentum | null;

  @ApiProperty({
    type: [String],
    description: 'The dates and counts that decided the momentum',
    example: ['suspended since 2024-05'],
  })
  momentumReasons: string[];

  @ApiProperty({ example: '2026-11-22', description: 'The day the momentum is computed for' })
  momentumAsOf: string;

  @ApiProperty({
    type: AssessmentShownDto,
    nullable: true,
    description:
      'An editor’s assessment of its momentum, standing until the next standing transition or statement about it or its withdrawal; the computed momentum and reasons never change because of it',
  })
  assessment: AssessmentShownDto | null;

  @ApiPropertyOptional({
    type: PositionSummaryDto,
    description:
      'On GET /proposals/{slug} only: how many actors take each stance on asOf (their latest standing statement about it, by them or on their behalf); the full positions are at /proposals/{slug}/positions',
  })
  positions?: PositionSummaryDto;

  @ApiProperty({
    type: StatementCountsDto,
    description: 'Standing statements about it, by stance (retracted ones excluded)',
  })
  statementCounts: StatementCountsDto;

  @ApiProperty({ type: [SourceDto], description: 'Sources cited when the proposal was recorded' })
  sources: SourceDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class ProposalListDto {
  @ApiProperty({ type: [ProposalDto] })
  data: ProposalDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}
