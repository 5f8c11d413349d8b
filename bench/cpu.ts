import { readdir, readFile } from 'node:fs/promises';

/**
 * CPU time as Linux counts it in /proc: user plus system time of every thread of a process, in
 * clock ticks of 10 ms (USER_HZ is 100 on Linux). What a request costs in CPU moves far less with
 * the machine's neighbours than how many requests a second get through, so the bench reports it
 * beside throughput.
 */
const TICK_MS = 10;

/** utime + stime (ms) out of the text of `/proc/<pid>/stat`; the name may hold spaces and ')'. */
export function cpuMsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (the state) comes first here, so utime (field 14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The CPU time (ms) a process has used so far; undefined once it is gone or without /proc. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    return cpuMsOfStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The CPU time (ms) so far of each PostgreSQL process this machine runs (the postmaster, every
 * backend, autovacuum, the WAL writer…), by pid. Empty when the server runs elsewhere.
 */
export async function postgresCpuMs(): Promise<Map<number, number>> {
  const spent = new Map<number, number>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return spent;
  }
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        try {
          const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
          if (stat.includes(' (postgres) ')) spent.set(Number(entry), cpuMsOfStat(stat));
        } catch {
          // gone since the directory was read
        }
      }),
  );
  return spent;
}

/**
 * What the processes of `after` used since `before` (ms): a process that started in between counts
 * in full, one that ended in between is not seen (a run's backends stay for the whole run).
 */
export function cpuSpentMs(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
