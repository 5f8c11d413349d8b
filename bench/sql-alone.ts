import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
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
