import type { DataSource, EntityManager } from 'typeorm';

/**
 * The rows of a `… RETURNING` statement. TypeORM answers UPDATE and DELETE as `[rows, count]`
 * but INSERT as plain rows; this gives rows for all three.
 */
export async function returning<T>(db: EntityManager | DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
