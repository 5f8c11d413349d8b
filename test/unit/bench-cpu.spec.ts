import { cpuMsOfStat, cpuSpentMs, postgresCpuMs, processCpuMs } from '../../bench/cpu.js';

/** The bench's CPU per request: read from /proc, as the kernel counts it. */
describe('CPU time from /proc', () => {
  it('reads user and system time out of a stat line, whatever the process is named', () => {
    // pid, (name), state, ppid, pgrp, session, tty, tpgid, flags, 4 fault counts, utime, stime, …
    const stat = '4242 (node ) (x) S 1 4242 4242 0 -1 4194560 1200 0 3 0 250 30 0 0 20 0 11 0 900 1000 100';
    expect(cpuMsOfStat(stat)).toBe((250 + 30) * 10);
  });

  it('counts what this process spends, as Node itself does', async () => {
    const before = await processCpuMs(process.pid);
    const usage = process.cpuUsage();
    let spun = 0;
    while (spun < 300_000) {
      const { user, system } = process.cpuUsage(usage);
      spun = user + system;
    }
    const after = await processCpuMs(process.pid);
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    // Clock ticks are 10 ms: the two counts agree within a few ticks.
    expect((after as number) - (before as number)).toBeGreaterThanOrEqual(250);
    expect((after as number) - (before as number)).toBeLessThan(600);
  });

  it('has nothing to say about a process that is not there', async () => {
    expect(await processCpuMs(2 ** 31 - 1)).toBeUndefined();
  });

  it('adds up what each process spent in between, a new one in full', () => {
    const before = new Map([
      [10, 100],
      [11, 50],
    ]);
    const after = new Map([
      [10, 150],
      [11, 50],
      [12, 20],
    ]);
    expect(cpuSpentMs(before, after)).toBe(50 + 20);
  });

  it('finds the PostgreSQL server the tests run on when it runs on this machine', async () => {
    const url = process.env.DATABASE_URL;
    const local = url === undefined || /@(127\.0\.0\.1|localhost)[:/]/.test(url);
    const spent = await postgresCpuMs();
    for (const ms of spent.values()) expect(ms).toBeGreaterThanOrEqual(0);
    if (local) expect(spent.size).toBeGreaterThan(0);
  });
});
