import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A date in the world known to the year, the month or the day: `YYYY`, `YYYY-MM` or
 * `YYYY-MM-DD`. Stored and returned exactly as given; ordered and compared by its first day.
 *
 * In PostgreSQL the `partial_date` domain is `text COLLATE "C"`, whose byte order is the order
 * by first day and then by precision (`2024` < `2024-01` < `2024-01-01` < `2024-01-02`).
 * Comparing one with a full date (`x <= '2024-07-04'`) therefore compares its first day.
 */
export type PartialDate = string;
export type Precision = 'year' | 'month' | 'day';

/** The shape of a partial date; {@link isPartialDate} also checks that it is a real date. */
export const PARTIAL_DATE_PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function isPartialDate(value: unknown): value is PartialDate {
  if (typeof value !== 'string') return false;
  const match = PARTIAL_DATE_PATTERN.exec(value);
  if (!match) return false;
  const [, year, month, day] = match;
  if (Number(year) < 1) return false;
  if (month === undefined) return true;
  const m = Number(month);
  if (m < 1 || m > 12) return false;
  if (day === undefined) return true;
  const d = Number(day);
  const date = new Date(Date.UTC(Number(year), m - 1, d));
  return d >= 1 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function precisionOf(value: PartialDate): Precision {
  return value.length === 4 ? 'year' : value.length === 7 ? 'month' : 'day';
}

/** The first day the partial date covers, as `YYYY-MM-DD`. */
export function firstDay(value: PartialDate): string {
  return value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value;
}

/** The last day the partial date covers, as `YYYY-MM-DD`. */
export function lastDay(value: PartialDate): string {
  if (value.length === 10) return value;
  const year = Number(value.slice(0, 4));
  const month = value.length === 7 ? Number(value.slice(5, 7)) : 12;
  // Day 0 of the next month is the last day of this one.
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${value.slice(0, 4)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Orders by first day, then by precision (a year before a month before a day). */
export function comparePartialDates(a: PartialDate, b: PartialDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Today in UTC as `YYYY-MM-DD`. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export const PARTIAL_DATE_MESSAGE = 'must be a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD';

/** Validates a DTO property as a {@link PartialDate}. */
export function IsPartialDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPartialDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property ${PARTIAL_DATE_MESSAGE}`, ...options },
      validator: { validate: (value: unknown) => isPartialDate(value) },
    });
}

/** Validates a DTO property as a full calendar date `YYYY-MM-DD`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a real calendar date written YYYY-MM-DD', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length === 10 && isPartialDate(value),
      },
    });
}
