import { invalid } from '../errors/domain-error.js';

/** `a,b,c` in a query string → ['a', 'b', 'c'] (for class-transformer's `@Transform`). */
export const commaList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;

/** An instant with date, time and zone: `2026-01-31T12:00:00Z`, `…T12:00:00.123+03:00`. */
/** A query flag: `true` or `false` as booleans; anything else is left for validation to refuse. */
export const booleanFlag = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A query's instant (already shaped like {@link ISO_INSTANT}) as a Date; 400 if no such instant exists. */
export function parseInstant(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, 'is not a real instant');
  return date;
}
