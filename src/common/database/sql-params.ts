/** Appends a value to a query's parameters and answers its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** The parameters of a query being built, and the function that adds one. */
export function sqlParams(initial: unknown[] = []): { params: unknown[]; param: Param } {
  const params = [...initial];
  return {
    params,
    param: (value) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

/**
 * The SET list of an edit: a new version and `updated_at`, and `column = $n` for every change that
 * is not undefined (null clears the column).
 */
export function editSets(changes: Record<string, unknown>, param: Param): string {
  const sets = ['updated_at = now()', 'version = version + 1'];
  for (const [column, value] of Object.entries(changes)) {
    if (value !== undefined) sets.push(`${column} = ${param(value)}`);
  }
  return sets.join(', ');
}

/** SQL writing a timestamptz as JSON shows a JavaScript Date: ISO 8601 in UTC to the millisecond (`toISOString`). */
export const isoTimestampSql = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
