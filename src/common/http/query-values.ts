import { invalid } from '../errors/domain-error.js';

/** `a,b,c` in a query string → ['a', 'b', 'c'] (for class-transformer's `@Transform`). */
export const commaList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;

/**
 * A whole number written in decimal digits (`20`), as a number; anything else — `0x10`, `1e1`,
 * ` 5`, `05`, `5.0` — is left as it is, for validation to refuse.
 */
export const decimalInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^(0|[1-9]\d{0,14})$/.test(value) ? Number(value) : value;

/** A query flag: `true` or `false` as booleans; anything else is left for validation to refuse. */
export const booleanFlag = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** An instant with date, time and zone: `2026-01-31T12:00:00Z`, `…T12:00:00.123+03:00`. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether an instant shaped like {@link ISO_INSTANT} names one that exists: no 30 February, no 24:00. */
export function isRealInstant(value: string): boolean {
  const [, year, month, day, hour, minute, second, zoneHour, zoneMinute] =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(value) ?? [];
  if (year === undefined) return false;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return (
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second ?? 0) <= 59 &&
    Number(zoneHour ?? 0) <= 14 &&
    Number(zoneMinute ?? 0) <= 59
  );
}

/** A query's instant (already shaped like {@link ISO_INSTANT}) as a Date; 400 if no such instant exists. */
export function parseInstant(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!isRealInstant(value) || Number.isNaN(date.getTime())) throw invalid(field, 'is not a real instant');
  return date;
}
