import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsSlug } from '../../../common/slugs/is-slug.js';
import { WATCH_TARGETS, type WatchTarget } from '../entities/watch.entity.js';

/** One target per watch: a proposal, an actor, a tag or a forum. */
export class CreateWatchDto {
  @ApiPropertyOptional({ example: 'eurasian-charter', description: 'Slug of a proposal' })
  @IsOptional()
  @IsSlug()
  proposal?: string;

  @ApiPropertyOptional({
    example: 'belarus',
    description: 'Slug of an actor: the proposals it proposes and the statements it makes',
  })
  @IsOptional()
  @IsSlug()
  actor?: string;

  @ApiPropertyOptional({ example: 'security', description: 'A tag: the proposals that carry it' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/\S/, { message: 'tag must not be blank' })
  tag?: string;

  @ApiPropertyOptional({ example: 'sco', description: 'Slug of a forum organization: the proposals pursued there' })
  @IsOptional()
  @IsSlug()
  forum?: string;
}

export class WatchDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: WATCH_TARGETS })
  targetType: WatchTarget;

  @ApiProperty({ example: 'eurasian-charter', description: 'The slug, or the tag, watched' })
  target: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class WatchListDto {
  @ApiProperty({ type: [WatchDto] })
  data: WatchDto[];
}

export class FeedKeyDto {
  @ApiProperty({
    example: 'ppt_feed_q7Zt4n2vYw9cR1mK8pL3sX6bV0aE5dUh',
    description: 'Add it to a feed URL as ?key=; shown this once, and the previous key stops working',
  })
  key: string;

  @ApiProperty({ example: 'https://tracker.example.org/api/v1/feeds/watches.atom?key=ppt_feed_…' })
  watchesFeed: string;
}

export class FeedQueryDto {
  @ApiPropertyOptional({ description: 'Your feed key (POST /me/feed-key): feed readers send no headers' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  key?: string;
}

export class ChangesFeedQueryDto extends FeedQueryDto {
  @ApiPropertyOptional({ example: 'eurasian-charter' })
  @IsOptional()
  @IsSlug()
  proposal?: string;

  @ApiPropertyOptional({ example: 'belarus' })
  @IsOptional()
  @IsSlug()
  actor?: string;

  @ApiPropertyOptional({ example: 'security' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;
}
