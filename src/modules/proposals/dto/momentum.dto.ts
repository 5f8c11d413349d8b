import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../../common/dates/partial-date.js';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, MOMENTA } from '../workflow/momentum.js';
import { commaList } from '../../../common/http/query-values.js';

/** `asOf`: the day momentum and statuses are computed for. */
export function AsOfField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: '2024-07-04', description: 'YYYY-MM-DD; default today (UTC)' }),
    IsOptional(),
    IsCalendarDate(),
  );
}

/** `windowDays`: how far back from `asOf` counts as recent. */
export function WindowDaysField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      minimum: 1,
      maximum: MAX_WINDOW_DAYS,
      default: DEFAULT_WINDOW_DAYS,
      description: 'The window (asOf − windowDays, asOf] in which advances and statements count',
    }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'windowDays must be a whole number of days' }),
    Min(1),
    Max(MAX_WINDOW_DAYS),
  );
}

/** `momentum`: a comma list of classes. */
export function MomentumFilterField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: `Comma list of ${MOMENTA.join(', ')}`, example: 'stalled' }),
    IsOptional(),
    Transform(commaList),
    IsIn(MOMENTA, { each: true, message: `momentum must be a comma list of ${MOMENTA.join(', ')}` }),
    ArrayMaxSize(MOMENTA.length),
  );
}
