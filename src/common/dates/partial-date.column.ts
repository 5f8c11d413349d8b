import { Column, type ColumnOptions } from 'typeorm';

/**
 * A {@link PartialDate} column: the `partial_date` domain of the migrations, `text` in "C"
 * collation with a check that it is YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date.
 */
export function PartialDateColumn(options: Pick<ColumnOptions, 'name' | 'nullable'>): PropertyDecorator {
  return Column({ ...options, type: 'text', collation: 'C' });
}
