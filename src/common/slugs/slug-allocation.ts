import type { EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';
import { firstFreeSlug, slugify } from './slugify.js';

/** Tables whose rows carry a unique `slug`. */
export type SluggedTable = 'actors' | 'proposals' | 'events';

/**
 * The slug to insert: the explicit one, or one made from the name that is free right now.
 * `insert` returns null on a taken slug; explicit → 409 slug_taken, generated (a concurrent
 * insert won the race) → 409 conflict, which the client may simply retry.
 */
export async function insertWithSlug<T>(
  manager: EntityManager,
  table: SluggedTable,
  what: string,
  explicit: string | undefined,
  name: string,
  insert: (slug: string) => Promise<T | null>,
): Promise<{ slug: string; row: T }> {
  let slug = explicit;
  if (slug === undefined) {
    const base = slugify(name);
    const rows: { slug: string }[] = await manager.query(`SELECT slug FROM ${table} WHERE slug = $1 OR slug LIKE $2`, [
      base,
      `${base}-%`,
    ]);
    slug = firstFreeSlug(base, new Set(rows.map((row) => row.slug)));
  }
  const row = await insert(slug);
  if (row === null) {
    throw explicit !== undefined
      ? new DomainError('slug_taken', `the ${what} slug "${slug}" is taken`, [{ field: 'slug', message: 'is taken' }])
      : new DomainError('conflict', `the generated ${what} slug "${slug}" was just taken; retry`);
  }
  return { slug, row };
}
