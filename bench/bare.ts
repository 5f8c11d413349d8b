import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { auditInsertSql } from '../src/modules/audit/audit.repository.js';
import type { CreateStatementDto, StatementDto } from '../src/modules/statements/dto/statements.dto.js';
import { newStatement, type StatementsRepository } from '../src/modules/statements/statements.repository.js';

/**
 * What the floor and the bench's SQL-alone runs share: a bare `pg` pool set up as the service's
 * (see dataSourceOptions), a manager the repositories can run on, and the one SQL statement that
 * records a statement with its audit row.
 */
export function barePool(connectionString: string | undefined, max: number): pg.Pool {
  // The same session settings as the service's pool: the same database behaviour.
  return new pg.Pool({ connectionString, max, options: '-c jit=off -c work_mem=32MB' });
}

/** A manager whose queries run on `client`: a pool's, or one connection's inside a transaction. */
export const managerOn = (client: pg.Pool | pg.PoolClient, inTransaction: boolean): EntityManager =>
  ({
    query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as unknown,
    // What `preparedQuery` looks at to keep a transaction's queries on its connection.
    queryRunner: inTransaction ? {} : undefined,
  }) as unknown as EntityManager;

/** POST /statements as the service runs it: one SQL statement, with its audit row. */
export function recordStatement(
  statements: StatementsRepository,
  input: CreateStatementDto,
  user: { id: string; name: string },
  requestId: string,
): Promise<StatementDto | null> {
  return statements.create(newStatement(input, user), (param, id, after, from) =>
    auditInsertSql(param, { userId: user.id, requestId, action: 'create', entityType: 'statement' }, id, after, from),
  );
}
