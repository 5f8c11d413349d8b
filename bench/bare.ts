import { PositionsRepository } from '../src/modules/positions/positions.repository.js';
import { PositionsService } from '../src/modules/positions/positions.service.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import type { Db } from '../src/common/database/db.js';
import { ActorsRepository } from '../src/modules/actors/actors.repository.js';
import { ActorsService } from '../src/modules/actors/actors.service.js';
import { ChangeSignal } from '../src/modules/audit/change-signal.js';
import { AuditRepository } from '../src/modules/audit/audit.repository.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { EventsRepository } from '../src/modules/events/events.repository.js';
import { EventsService } from '../src/modules/events/events.service.js';
import { MomentumRepository } from '../src/modules/proposals/momentum.repository.js';
import { ProgressRepository } from '../src/modules/proposals/progress.repository.js';
import { ProgressService } from '../src/modules/proposals/progress.service.js';
import { ProposalsRepository } from '../src/modules/proposals/proposals.repository.js';
import { ProposalsService } from '../src/modules/proposals/proposals.service.js';
import { TransitionsRepository } from '../src/modules/proposals/transitions.repository.js';
import { WorkflowService } from '../src/modules/proposals/workflow.service.js';
import { SourcesRepository } from '../src/modules/sources/sources.repository.js';
import { SourcesService } from '../src/modules/sources/sources.service.js';
import { StatementsRepository } from '../src/modules/statements/statements.repository.js';
import { StatementsService } from '../src/modules/statements/statements.service.js';
import { TimelineService } from '../src/modules/statements/timeline.service.js';
import { UsersRepository } from '../src/modules/users/users.repository.js';

/**
 * What the floor and the bench's SQL-alone runs share: a bare `pg` pool set up as the service's
 * (see dataSourceOptions), and the service's own services and repositories wired on it by hand —
 * the same SQL, in the same transactions, without Nest, Fastify, TypeORM or validation.
 */
export function barePool(connectionString: string | undefined, max: number): pg.Pool {
  // The same session settings as the service's pool: the same database behaviour.
  return new pg.Pool({ connectionString, max, options: '-c jit=off -c work_mem=32MB' });
}

const clients = new WeakMap<EntityManager, pg.Pool | pg.PoolClient>();
/** What to run once each open transaction has committed. */
const committed = new WeakMap<EntityManager, (() => void)[]>();

/** A manager whose queries run on `client`: a pool's, or one connection's inside a transaction. */
const managerOn = (client: pg.Pool | pg.PoolClient): EntityManager => {
  const manager = {
    query: async (sql: string, params?: unknown[]) => {
      const result = await client.query(sql, params);
      // TypeORM answers UPDATE and DELETE as [rows, count]; the repositories expect that.
      return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
    },
  } as unknown as EntityManager;
  clients.set(manager, client);
  return manager;
};

/** `Db` on a bare pool: the pool's manager, a transaction's on one connection, and a cursor on one of its own. */
export function bareDb(pool: pg.Pool): Db {
  const open = new AsyncLocalStorage<EntityManager>();
  const poolManager = managerOn(pool);
  async function transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const inside = open.getStore();
    if (inside !== undefined) return work(inside);
    const client = await pool.connect();
    try {
      await client.query('START TRANSACTION');
      const manager = managerOn(client);
      const after: (() => void)[] = [];
      committed.set(manager, after);
      const result = await open.run(manager, () => work(manager));
      await client.query('COMMIT');
      for (const callback of after) callback();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  async function* cursor<T>(sql: string, params: unknown[], batchSize: number): AsyncGenerator<T[]> {
    const client = await pool.connect();
    let inTransaction = false;
    try {
      await client.query('BEGIN READ ONLY');
      inTransaction = true;
      await client.query('SET LOCAL cursor_tuple_fraction = 1');
      await client.query(`DECLARE rows NO SCROLL CURSOR FOR ${sql}`, params);
      for (;;) {
        const { rows } = await client.query(`FETCH ${batchSize} FROM rows`);
        if (rows.length === 0) break;
        yield rows as T[];
      }
      await client.query('COMMIT');
      inTransaction = false;
    } finally {
      if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }
  return {
    get manager() {
      return open.getStore() ?? poolManager;
    },
    transaction,
    cursor,
    // `Db.afterCommit`: after the open transaction's COMMIT.
    afterCommit(callback: () => void) {
      const list = committed.get(open.getStore() ?? poolManager);
      if (list === undefined) callback();
      else list.push(callback);
    },
    // `Db.prepared`: the same named statements, on the same connection.
    async prepared(sql: string, params: unknown[], manager?: EntityManager) {
      const client = clients.get(manager ?? open.getStore() ?? poolManager) ?? pool;
      return (
        await client.query({
          name: `ppt_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`,
          text: sql,
          values: params,
        })
      ).rows;
    },
  } as unknown as Db;
}

/** The write log without the change feed: the audit row alone, for the cost of the change row. */
class AuditRowsOnly extends AuditRepository {
  override append(entry: Parameters<AuditRepository['append']>[0]): Promise<void> {
    return super.append(entry); // the change, the second argument, left out
  }
}

/**
 * The service's use cases on `db`, wired as Nest wires them; with `changeRows: false`, writes record
 * their audit rows but no change (only to measure what the change row costs).
 */
export function bareServices(db: Db, { changeRows = true }: { changeRows?: boolean } = {}) {
  const signal = new ChangeSignal();
  const audit = new AuditService(changeRows ? new AuditRepository(db, signal) : new AuditRowsOnly(db, signal));
  const sources = new SourcesService(new SourcesRepository(db), audit, db);
  const actors = new ActorsService(new ActorsRepository(db), audit, db);
  const events = new EventsService(new EventsRepository(db), audit, actors, db);
  const proposalRows = new ProposalsRepository(db);
  const transitions = new TransitionsRepository(db);
  const proposals = new ProposalsService(
    proposalRows,
    audit,
    transitions,
    actors,
    sources,
    new MomentumRepository(db),
    db,
  );
  const workflow = new WorkflowService(proposalRows, audit, transitions, sources, db);
  const statementRows = new StatementsRepository(db);
  const statements = new StatementsService(statementRows, audit, proposals, actors, events, sources, db);
  return {
    users: new UsersRepository(db),
    proposals,
    workflow,
    statements,
    timeline: new TimelineService(proposals, workflow, statementRows),
    progress: new ProgressService(new ProgressRepository(db)),
    positions: new PositionsService(new PositionsRepository(db), proposals, actors),
    sources,
    audit,
  };
}
