import type { EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error.js';
import { firstFreeSlug, slugify } from './slugify.js';

/** Tables whose rows carry a unique `slug`. */
export type SluggedTable = 'actors' | 'proposals' | 'events';

/** How many times a generated slug is made again when concurrent inserts keep taking it first. */
const ATTEMPTS = 50;

/**
 * Inserts with the explicit slug, or with one made from the name that is free right now: when a
 * concurrent insert takes that one first (`insert` returns null on a taken slug, once the other
 * has committed), the next free one is found and tried, so that concurrent creates of one name
 * all succeed. An explicit slug taken → 409 slug_taken.
 */
export async function insertWithSlug<T>(
  manager: EntityManager,
  table: SluggedTable,
  what: string,
  explicit: string | undefined,
  name: string,
  insert: (slug: string) => Promise<T | null>,
): Promise<{ slug: string; row: T }> {
  if (explicit !== undefined) {
    const row = await insert(explicit);
    if (row === null) {
      throw new DomainError('slug_taken', `the ${what} slug "${explicit}" is taken`, [
        { field: 'slug', message: 'is taken' },
      ]);
    }
    return { slug: explicit, row };
  }
  const base = slugify(name);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const rows: { slug: string }[] = await manager.query(`SELECT slug FROM ${table} WHERE slug = $1 OR slug LIKE $2`, [
      base,
      `${base}-%`,
    ]);
    const slug = firstFreeSlug(base, new Set(rows.map((row) => row.slug)));
    const row = await insert(slug);
    if (row !== null) return { slug, row };
  }
  throw new DomainError('conflict', `no free ${what} slug could be made from "${name}"; send one as slug`);
}
