import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { PageDto } from '../../../common/pagination/cursor.js';
import { ApiBasis, ApiCertainty, type DateCertainty } from '../../../common/dates/world-date.js';
import { TransitionDto } from '../../proposals/dto/transitions.dto.js';
import { STANCES, type Stance } from '../../../common/dto/stance.js';
import { StatementDto } from './statements.dto.js';

export class TimelineTransitionDto extends TransitionDto {
  @ApiProperty({ enum: ['transition'] })
  type: 'transition';
}

export class TimelineStatementDto extends StatementDto {
  @ApiProperty({ enum: ['statement'] })
  type: 'statement';

  @ApiProperty({ example: '2025-10-29', description: 'The statement’s saidOn' })
  occurredOn: string;

  @ApiCertainty()
  occurredOnCertainty: DateCertainty;

  @ApiBasis()
  occurredOnBasis: string | null;

  @ApiProperty({ enum: STANCES, description: 'Its stance toward this proposal' })
  stance: Stance;
}

export type TimelineItem = TimelineTransitionDto | TimelineStatementDto;

@ApiExtraModels(TimelineTransitionDto, TimelineStatementDto)
export class TimelineDto {
  @ApiProperty({
    description:
      'Transitions and statements, oldest first: by world date (first day, then precision: 2024 before 2024-07 ' +
      'before 2024-07-01), then by when each was recorded',
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(TimelineTransitionDto) }, { $ref: getSchemaPath(TimelineStatementDto) }] },
  })
  data: TimelineItem[];

  @ApiProperty({ type: PageDto, description: 'Never paged: nextCursor is always null' })
  page: PageDto;
}
