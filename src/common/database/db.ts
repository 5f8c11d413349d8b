import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

const current = new AsyncLocalStorage<EntityManager>();

/**
 * The database as repositories and services see it: inside a transaction, that transaction's
 * manager; outside, the pool's. A request that must commit its effect together with something
 * else (an idempotency record) opens the transaction around the whole request, and every
 * `transaction()` and query below joins it.
 */
@Injectable()
export class Db {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The open transaction's manager, or the pool's. */
  get manager(): EntityManager {
    return current.getStore() ?? this.dataSource.manager;
  }

  /** Runs `work` in a transaction: the one already open, or a new one committed when it ends. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = current.getStore();
    if (open !== undefined) return work(open);
    return this.dataSource.transaction((manager) => current.run(manager, () => work(manager)));
  }
}
