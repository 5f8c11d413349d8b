/**
 * A world date column `<column>` with its `<column>_certainty` and `<column>_basis`, as the API
 * shows them (`key`, `keyCertainty`, `keyBasis`): pairs for `json_build_object`…
 */
export function dateJsonSql(column: string, key: string): string {
  return `'${key}', ${column}, '${key}Certainty', ${column}_certainty, '${key}Basis', ${column}_basis`;
}

/** …or the columns of a select list. */
export function dateColumnsSql(column: string, key: string): string {
  return `${column} AS "${key}", ${column}_certainty AS "${key}Certainty", ${column}_basis AS "${key}Basis"`;
}
