import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { PoolClient, QueryConfig } from 'pg';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

const current = new AsyncLocalStorage<EntityManager>();
/** What to run once each open transaction has committed. */
const committed = new WeakMap<EntityManager, (() => void)[]>();
/** Transactions running inside `current`, over every `Db` of the process. */
let inside = 0;

/** The client's wait for one answer when a cursor runs without a statement timeout (a day). */
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * The database as repositories and services see it: inside a transaction, that transaction's
 * manager; outside, the pool's. A request that must commit its effect together with something
 * else (an idempotency record) opens the transaction around the whole request, and every
 * `transaction()` and query below joins it. (The transaction is found through an async-local store
 * `transaction()` enters.)
 */
@Injectable()
export class Db {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The open transaction's manager, or the pool's. */
  get manager(): EntityManager {
    return current.getStore() ?? this.dataSource.manager;
  }

  /**
   * The rows of `sql`, `batchSize` at a time, through a cursor in a read-only transaction on a
   * connection of its own, held until the last batch is read or the consumer stops early (then
   * rolled back and returned to the pool). Memory stays two batches, however many rows there are.
   * `onSnapshot` is told the snapshot the rows are read in (`pg_current_snapshot()` as text), before
   * the first batch: with {@link Db.unchangedSince}, whether a later read would see the same data.
   * `statementTimeoutMs` replaces a request's statement timeout for a query whose first batch
   * needs all its rows sorted (a report over everything).
   */
  async *cursor<T>(
    sql: string,
    params: unknown[],
    batchSize: number,
    onSnapshot?: (snapshot: string) => void,
    statementTimeoutMs?: number,
  ): AsyncGenerator<T[]> {
    for await (const { rows } of this.cursors<T>([{ sql, params }], batchSize, onSnapshot, statementTimeoutMs)) {
      yield rows;
    }
  }

  /**
   * {@link Db.cursor} for several queries read one after another, all in the one snapshot: each
   * batch says which query (its index) it comes from. A whole dataset read so is consistent, as
   * if no write happened while it was read.
   */
  async *cursors<T>(
    queries: { sql: string; params: unknown[] }[],
    batchSize: number,
    onSnapshot?: (snapshot: string) => void,
    statementTimeoutMs?: number,
  ): AsyncGenerator<{ query: number; rows: T[] }> {
    const runner = this.dataSource.createQueryRunner();
    // With a timeout of its own, the pool's bounds give way too: the client's wait for an answer
    // (node-postgres' query_timeout, which would cut a first FETCH that sorts everything), and the
    // time the transaction may sit idle while the consumer — a slow client — takes a batch.
    const client = statementTimeoutMs === undefined ? undefined : ((await runner.connect()) as PoolClient);
    const clientTimeout = statementTimeoutMs === 0 ? LONGEST_WAIT_MS : (statementTimeoutMs ?? 0) + 1000;
    const run = async (text: string, values: unknown[] = []): Promise<T[]> =>
      client === undefined
        ? ((await runner.query(text, values)) as T[])
        : ((await client.query({ text, values, query_timeout: clientTimeout } as QueryConfig)).rows as T[]);
    const fetch = (): Promise<T[]> => run(`FETCH ${batchSize} FROM rows`);
    let next: Promise<T[]> | undefined;
    try {
      // Repeatable read: the snapshot named below is the one every row is read in.
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      if (onSnapshot !== undefined) {
        onSnapshot(await snapshotOf(runner));
      }
      // Every row will be read: plan for the whole result, not the first tenth.
      await runner.query('SET LOCAL cursor_tuple_fraction = 1');
      if (statementTimeoutMs !== undefined) {
        await runner.query(`SET LOCAL statement_timeout = ${Math.round(statementTimeoutMs)}`);
        await runner.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.round(statementTimeoutMs)}`);
      }
      for (const [index, { sql, params }] of queries.entries()) {
        await run(`DECLARE rows NO SCROLL CURSOR FOR ${sql}`, params);
        next = fetch();
        for (;;) {
          const rows = await next;
          if (rows.length === 0) break;
          // The next batch is on its way while the consumer handles this one.
          next = fetch();
          yield { query: index, rows };
        }
        next = undefined;
        await run('CLOSE rows');
      }
      await runner.commitTransaction();
    } finally {
      await next?.catch(() => undefined);
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Runs `work` in a read-only REPEATABLE READ transaction of its own, and gives the snapshot all
   * its reads saw (`pg_current_snapshot()` as text) with its result.
   */
  async inSnapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<{ snapshot: string; result: T }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return { snapshot: await snapshotOf(manager), result: await work(manager) };
    });
  }

  /**
   * The rows of `sql` run as a named prepared statement (node-postgres' `{ name, text }`), on the
   * connection of `manager`'s transaction or on one from the pool: each connection has PostgreSQL
   * plan the text once and reuse the plan. For the fixed texts of the hot requests, where planning
   * costs as much as running or more (a proposal by slug with its momentum); it serves the targets
   * "GET by slug p50 < 5 ms at c=1" and the write throughputs (BENCHMARKS.md). Texts that vary with
   * a request's filters go through `query`. A generic plan estimates `= ANY($1)` at ten rows: write
   * such lookups so that a plan for ten is also right for one (see `proposals/concerns-sql.ts`).
   * Behind a pooler it needs session pooling (or one that tracks prepared statements).
   */
  async prepared<T>(sql: string, params: unknown[], manager: EntityManager = this.manager): Promise<T[]> {
    const runner = manager.queryRunner ?? this.dataSource.createQueryRunner();
    const own = manager.queryRunner === undefined;
    try {
      const client = (await runner.connect()) as PoolClient;
      const result = await client.query({ name: statementName(sql), text: sql, values: params });
      return result.rows as T[];
    } catch (error) {
      throw new QueryFailedError(sql, params, error as Error);
    } finally {
      if (own) await runner.release();
    }
  }

  /**
   * One statement in `manager`'s transaction with no wait bound on the client's side (the pool's
   * `query_timeout`): for work that sets its own statement timeout (`SET LOCAL`), a restore's.
   * Errors are node-postgres' own (with `code` and `detail`).
   */
  async unbounded<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = manager.queryRunner;
    if (runner === undefined) throw new Error('unbounded() runs in a transaction');
    const client = (await runner.connect()) as PoolClient;
    return (await client.query({ text: sql, values: params, query_timeout: LONGEST_WAIT_MS } as QueryConfig))
      .rows as T[];
  }

  /** Runs `work` in a transaction: the one already open, or a new one committed when it ends. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = current.getStore();
    if (open !== undefined) return work(open);
    inside += 1;
    const after: (() => void)[] = [];
    try {
      const result = await this.dataSource.transaction((manager) => {
        committed.set(manager, after);
        return current.run(manager, () => work(manager));
      });
      for (const callback of after) callback();
      return result;
    } finally {
      inside -= 1;
      // On Node before 24, an entered async-local store keeps hooks on every promise of the process
      // until it is disabled: off while no transaction runs, reads pay nothing for it. It serves
      // the target "GET by slug ≥ 0.8× the floor" (see BENCHMARKS.md).
      if (inside === 0) current.disable();
    }
  }

  /**
   * Runs `callback` once the open transaction has committed (never, if it rolls back); with none
   * open, at once. For telling others in the process what they can now read.
   */
  afterCommit(callback: () => void): void {
    const open = current.getStore();
    const list = open === undefined ? undefined : committed.get(open);
    if (list === undefined) callback();
    else list.push(callback);
  }

  /**
   * Whether no transaction has committed since `snapshot` (text of a `pg_current_snapshot()`) was
   * taken, so that a read in it sees what a read now would: no transaction id has completed since
   * (the snapshot's xmax is still the current one) and none it saw in progress has committed.
   * Transaction ids count writes to any table of the server, so this errs towards "changed".
   */
  async unchangedSince(snapshot: string): Promise<boolean> {
    const [, , xmax, inProgress] = /^(\d+):(\d+):([\d,]*)$/.exec(snapshot) ?? [];
    if (xmax === undefined) return false;
    const rows: { unchanged: boolean }[] = await this.manager.query(
      `SELECT pg_snapshot_xmax(pg_current_snapshot()) = $1::xid8
              AND NOT EXISTS (SELECT 1 FROM unnest($2::xid8[]) AS x(id)
                               WHERE pg_xact_status(x.id) IS DISTINCT FROM 'in progress'
                                 AND pg_xact_status(x.id) IS DISTINCT FROM 'aborted') AS unchanged`,
      [xmax, inProgress === '' ? [] : inProgress.split(',')],
    );
    return rows[0]?.unchanged === true;
  }
}

/** The snapshot the transaction reads in (`pg_current_snapshot()` as text). */
async function snapshotOf(client: { query: EntityManager['query'] }): Promise<string> {
  const [{ snapshot }] = await client.query<{ snapshot: string }[]>('SELECT pg_current_snapshot()::text AS snapshot');
  return snapshot;
}

/**
 * The most texts given names. Only fixed texts are meant to be named, a few dozen; past this bound a
 * text is named no more (it runs unnamed), so that no connection holds unboundedly many statements.
 */
const MAX_NAMED = 256;
const names = new Map<string, string>();

/** A name derived from the text, so that one name never stands for two texts; '' (unnamed) past the bound. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) return '';
    name = `ppt_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
    names.set(sql, name);
  }
  return name;
}
