import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

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
 * The name is derived from the text, so one name never stands for two texts. Inside a transaction
 * the query goes through TypeORM, which passes the query config to `pg` unchanged; outside one, it
 * goes straight to the pool. Behind a pooler, it needs session pooling (or one that tracks prepared
 * statements).
 */
export function preparedQuery<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T> {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `ppt_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
    names.set(sql, name);
  }
  if (name === undefined) return plannedQuery(manager, sql, params);
  const pool = poolOf(manager);
  if (pool === undefined) return manager.query({ name, text: sql } as unknown as string, params);
  return onPool<T>(pool, { name, text: sql, values: params });
}

/**
 * Runs `sql` unnamed, so PostgreSQL plans it for its values every time: for texts that vary with a
 * request's filters, where a plan kept for any values could not know how selective each is. Like
 * `preparedQuery`, it goes straight to the pool outside a transaction (without the query runner
 * TypeORM builds for every query) and through TypeORM inside one.
 */
export function plannedQuery<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T> {
  const pool = poolOf(manager);
  if (pool === undefined) return manager.query(sql, params);
  return onPool<T>(pool, { text: sql, values: params });
}

/**
 * The pg pool behind the data source's own manager; undefined for a transaction's manager (its
 * queries belong on its connection) and for anything that is not TypeORM's PostgreSQL driver.
 */
export function poolOf(manager: EntityManager): Pool | undefined {
  if (manager.queryRunner !== undefined) return undefined;
  const driver = (manager as Partial<EntityManager>).connection?.driver;
  return driver instanceof PostgresDriver ? (driver.master as Pool) : undefined;
}

/**
 * A query outside any transaction, straight on the pool: what `manager.query` does (a connection
 * from the pool, the query, the connection back; errors as `QueryFailedError`; the rows, or
 * `[rows, rowCount]` for an UPDATE or DELETE) without building a query runner for it.
 */
async function onPool<T>(pool: Pool, config: { name?: string; text: string; values: unknown[] }): Promise<T> {
  const client: PoolClient = await pool.connect();
  // A connection that fails while checked out is retired, not handed to the next caller.
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    const result: QueryResult = await client.query(config);
    return (
      result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows
    ) as T;
  } catch (error) {
    throw new QueryFailedError(config.text, config.values, error as Error);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
