import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * The most query texts given names. Only fixed texts are meant to be named, a few dozen; past this
 * bound a text runs unnamed, so a caller that names varying texts cannot make every connection
 * hold an unbounded number of prepared statements.
 */
const MAX_NAMED = 256;
const names = new Map<string, string>();

/**
 * Runs `sql` as a named prepared statement: each pooled connection has PostgreSQL parse and plan it
 * once and then reuses it (after five runs with a plan of its own, PostgreSQL keeps a generic plan
 * when it costs no more). For the hot queries whose text never changes, where planning costs as much
 * as running: a proposal by slug takes ~1 ms to plan and ~0.5 ms to run.
 *
 * The name is derived from the text, so one name never stands for two texts. TypeORM passes the
 * query config to `pg` unchanged. Behind a pooler, it needs session pooling (or one that tracks
 * prepared statements).
 */
export function preparedQuery<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T> {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `ppt_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
    names.set(sql, name);
  }
  const query = name === undefined ? sql : ({ name, text: sql } as unknown as string);
  return manager.query(query, params);
}
