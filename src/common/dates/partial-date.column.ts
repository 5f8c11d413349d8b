import { Column, type ColumnOptions } from 'typeorm';

/**
 * A {@link PartialDate} column: the `partial_date` domain of the migrations, `text` in "C"
 * collation with a check that it is YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date.
 */
export function PartialDateColumn(options: Pick<ColumnOptions, 'name' | 'nullable'>): PropertyDecorator {
  return Column({ ...options, type: 'text', collation: 'C' });
}

/** The SQL check of a world date's certainty and basis columns (`<column>_certainty`, `<column>_basis`). */
export function certaintyCheckSql(column: string): string {
  return `${column}_certainty IN ('stated', 'inferred', 'approximate', 'not-after') AND (${column}_certainty = 'stated' OR ${column}_basis IS NOT NULL)`;
}

/** How sure a world date is (`<column>_certainty`): `stated` unless told. */
export function CertaintyColumn(column: string): PropertyDecorator {
  return Column({ name: `${column}_certainty`, type: 'text', default: 'stated' });
}

/** How a world date that is not stated was worked out (`<column>_basis`). */
export function BasisColumn(column: string): PropertyDecorator {
  return Column({ name: `${column}_basis`, type: 'text', nullable: true });
}
