import { cpuSpentMs } from './cpu.js';

/** One load run of a scenario: on the service, on the floor, or on the SQL alone. */
export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /**
   * CPU time per request (ms) over the run: the process that answers (the server's; for the SQL
   * alone, the bench's own, which sends it) and, where this machine runs PostgreSQL, all of its
   * processes (undefined where /proc does not show them).
   */
  cpuMsPerRequest?: { server: number; postgres?: number };
}

/** `ms` spent over a run of `requests`, per request, to a microsecond. */
export const perRequestMs = (ms: number, requests: number): number =>
  Math.round((ms / Math.max(1, requests)) * 1000) / 1000;

/**
 * PostgreSQL's CPU per request over a run of `requests`, from `postgresCpuMs` read before and
 * after it; undefined where /proc shows none of its processes (the server runs elsewhere).
 */
export const postgresPerRequestMs = (
  before: Map<number, number>,
  after: Map<number, number>,
  requests: number,
): number | undefined => (after.size === 0 ? undefined : perRequestMs(cpuSpentMs(before, after), requests));
