import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { UserRefDto } from '../../../common/dto/user-ref.dto.js';
import { IsOptionalNotNull } from '../../../common/http/validators.js';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { CHANGE_TYPES, type ChangeType } from '../../audit/change-types.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/webhook-delivery.entity.js';

class WebhookFieldsDto {
  @ApiPropertyOptional({
    type: [String],
    enum: CHANGE_TYPES,
    example: ['transition.recorded', 'statement.recorded'],
    description: 'The change types delivered; every type when left out',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(CHANGE_TYPES.length)
  @IsIn(CHANGE_TYPES, { each: true, message: `each of types must be one of ${CHANGE_TYPES.join(', ')}` })
  types?: ChangeType[];

  @ApiPropertyOptional({ example: 'eurasian-charter', description: 'Only changes concerning this proposal' })
  @IsOptional()
  @IsSlug()
  proposal?: string;

  @ApiPropertyOptional({ example: 'security', description: 'Only changes concerning proposals with this tag' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ example: 'Newsroom CMS: charter alerts', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class CreateWebhookDto extends WebhookFieldsDto {
  @ApiProperty({
    example: 'https://hooks.example.org/tracker',
    description: 'http or https; a host resolving to a private address is refused (422)',
    maxLength: 2000,
  })
  @IsString()
  @MaxLength(2000)
  url: string;
}

export class UpdateWebhookDto extends WebhookFieldsDto {
  @ApiPropertyOptional({ example: 'https://hooks.example.org/tracker', maxLength: 2000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'false pauses deliveries; true resumes them (and clears a failing streak)' })
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: 'integer', description: 'The version you read; alternative to If-Match.' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  version?: number;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://hooks.example.org/tracker' })
  url: string;

  @ApiProperty({ type: [String], enum: CHANGE_TYPES, nullable: true })
  types: ChangeType[] | null;

  @ApiProperty({ type: String, nullable: true })
  proposal: string | null;

  @ApiProperty({ type: String, nullable: true })
  tag: string | null;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'the receiver answered 410 Gone',
    description: 'Why deliveries stopped, when the service disabled it',
  })
  disabledReason: string | null;

  @ApiProperty({ type: UserRefDto })
  createdBy: UserRefDto;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

export class CreatedWebhookDto {
  @ApiProperty({ type: WebhookDto })
  webhook: WebhookDto;

  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret, shown this once: verify each delivery’s webhook-signature with it',
  })
  secret: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] })
  data: WebhookDto[];
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '1842', description: 'The change delivered: the webhook-id header' })
  changeId: string;

  @ApiProperty({ type: 'integer', example: 1, description: '1 for the first attempt at this change' })
  attempt: number;

  @ApiProperty({ enum: DELIVERY_STATUSES, description: 'abandoned: no more attempts will be made' })
  status: DeliveryStatus;

  @ApiProperty({ type: 'integer', nullable: true, example: 200 })
  responseStatus: number | null;

  @ApiProperty({ type: 'integer', example: 42 })
  durationMs: number;

  @ApiProperty({ type: String, nullable: true, example: 'HTTP 503: upstream down' })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  attemptedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it will be tried again' })
  nextAttemptAt: string | null;
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto], description: 'The latest attempts first, at most 100' })
  data: DeliveryDto[];
}
