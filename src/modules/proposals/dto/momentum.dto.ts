import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCalendarDate, isPartialDate, lastDay } from '../../../common/dates/partial-date.js';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, MOMENTA } from '../workflow/momentum.js';
import { commaList, decimalInteger } from '../../../common/http/query-values.js';

/**
 * `asOf`: the day momentum and statuses are computed for. `YYYY` or `YYYY-MM` stands for the last
 * day of that year or month, so the answer is what stood at the end of the period.
 */
export function AsOfField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example: '2024-07-04',
      pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$',
      description: 'YYYY, YYYY-MM or YYYY-MM-DD (a year or month stands for its last day); default today (UTC)',
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (isPartialDate(value) ? lastDay(value) : value)),
    IsCalendarDate({ message: 'asOf must be a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD' }),
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
    Transform(decimalInteger),
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
