import { randomUUID } from 'node:crypto';
import pg from 'pg';
import 'reflect-metadata';
import { reportSql } from '../src/modules/positions/positions.repository.js';
import type { CreateStatementDto } from '../src/modules/statements/dto/statements.dto.js';
import { bareDb, barePool, bareServices } from './bare.js';
import { postgresCpuMs } from './cpu.js';
import { type Measurement, perRequestMs, postgresPerRequestMs } from './measurement.js';

/**
 * What PostgreSQL itself allows for POST /statements on this machine: the statement recorded as the
 * floor and the service record it (the same use case, its queries in one transaction), sent over `connections` connections of a bare
 * `pg` pool for `seconds` from the bench's own process, each connection sending the next as soon
 * as the last is answered. No HTTP, no token lookup, no server process: the ceiling the floor
 * and the service both stand under. With `changeRows` false, without the change feed's row.
 */
export async function statementsAlone(
  databaseUrl: string,
  seconds: number,
  connections: number,
  body: () => CreateStatementDto,
  changeRows = true,
): Promise<Measurement> {
  const pool = barePool(databaseUrl, connections);
  try {
    const { statements } = bareServices(bareDb(pool), { changeRows });
    const found = await pool.query<{ id: string; name: string; role: 'admin' }>(
      `SELECT id, name, role FROM users WHERE name = 'admin'`,
    );
    const user = found.rows[0];
    if (user === undefined) throw new Error('no admin user to record statements as');
    // Every connection opened before the clock starts, as in a server that has been running.
    await Promise.all(
      Array.from({ length: connections }, () =>
        statements.create(body(), user, { requestId: randomUUID(), userId: user.id }).catch(() => undefined),
      ),
    );
    const latencies: number[] = [];
    let errors = 0;
    const [postgresBefore, ownBefore] = [await postgresCpuMs(), process.cpuUsage()];
    const ends = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < ends) {
          const sent = performance.now();
          const recorded = await statements
            .create(body(), user, { requestId: randomUUID(), userId: user.id })
            .catch(() => null);
          if (recorded === null) errors += 1;
          else latencies.push(performance.now() - sent);
        }
      }),
    );
    const [postgresAfter, own] = [await postgresCpuMs(), process.cpuUsage(ownBefore)];
    const requests = latencies.length + errors;
    latencies.sort((a, b) => a - b);
    const at = (fraction: number): number =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))] ?? 0);
    return {
      rps: Math.round(latencies.length / seconds),
      p50: at(0.5),
      p99: at(0.99),
      errors,
      requests,
      cpuMsPerRequest: {
        server: perRequestMs((own.user + own.system) / 1000, requests),
        postgres: postgresPerRequestMs(postgresBefore, postgresAfter, requests),
      },
    };
  } finally {
    await pool.end();
  }
}

/**
 * The positions report's query alone (the service's own SQL, every row written out by PostgreSQL
 * as JSON), read through a cursor 1,000 rows at a time on one bare `pg` connection: the median
 * time of `runs` reads to the last row, and the rows.
 */
export async function positionsReportAlone(databaseUrl: string, runs: number): Promise<{ ms: number; rows: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { sql, params } = reportSql(new Date().toISOString().slice(0, 10), {}, 'json');
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query('SET LOCAL cursor_tuple_fraction = 1');
      await client.query(`DECLARE rows NO SCROLL CURSOR FOR ${sql}`, params);
      rows = 0;
      for (;;) {
        const batch = await client.query<{ line: string }>('FETCH 1000 FROM rows');
        if (batch.rows.length === 0) break;
        rows += batch.rows.length;
      }
      await client.query('COMMIT');
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { ms: Math.round(times[Math.floor(times.length / 2)]), rows };
  } finally {
    await client.end();
  }
}
