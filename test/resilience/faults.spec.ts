import net from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { until } from '../helpers/receiver.js';
import {
  ADMIN_TOKEN,
  call,
  counts,
  expectStatus,
  historyViolations,
  ownPostgres,
  type Postgres,
  printCounts,
  query,
  removeDir,
  type Service,
  sleep,
  startService,
} from './harness.js';

interface Acknowledged {
  statements: string[];
  transitions: Map<string, string[]>;
}

/** Writers still running: a test that fails before stopping its own leaves them to `afterEach`. */
const running = new Set<() => Promise<void>>();

/** Eight writers logging statements and suspending/resuming their own proposal until told to stop. */
function writers(base: () => string, proposals: string[], acknowledged: Acknowledged) {
  let going = true;
  const loops = proposals.map(async (slug, writer) => {
    let step = 0;
    let status = 'proposed';
    while (going) {
      step += 1;
      const said = await call(
        base(),
        'POST',
        '/api/v1/statements',
        {
          speaker: 'writer',
          saidOn: '2024-01-01',
          quote: `writer ${writer} statement ${step}`,
          source: { url: `https://resilience.example/${writer}/${step}` },
          proposals: [{ slug, stance: 'supports' }],
        },
        {},
        5000,
      );
      if (said.status === 201 && said.body.id) acknowledged.statements.push(said.body.id);
      const to = status === 'suspended' ? 'drafting' : 'suspended';
      const day = new Date(Date.UTC(2001, 0, 1) + step * 86_400_000).toISOString().slice(0, 10);
      const moved = await call(
        base(),
        'POST',
        `/api/v1/proposals/${slug}/transitions`,
        { to, occurredOn: day, sources: [{ publisher: 'TASS' }] },
        {},
        5000,
      );
      if (moved.status === 201 && moved.body.id) {
        acknowledged.transitions.get(slug)?.push(moved.body.id);
        status = to;
      } else if (moved.status === 409) {
        // A write acknowledged by the database but not to us (crash or outage) moved it already.
        const current = await call(base(), 'GET', `/api/v1/proposals/${slug}`, undefined, {}, 5000);
        if (current.status === 200) status = String(current.body.status);
      }
      if (said.status === 0 || said.status >= 500) await sleep(50);
    }
  });
  const stop = async () => {
    going = false;
    running.delete(stop);
    await Promise.all(loops);
  };
  running.add(stop);
  return { stop };
}

async function prepare(base: string): Promise<string[]> {
  await call(base, 'POST', '/api/v1/actors', { kind: 'person', name: 'Writer', slug: 'writer' });
  await call(base, 'POST', '/api/v1/actors', { kind: 'state', name: 'Proposer', slug: 'proposer' });
  const slugs: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    const created = await call(base, 'POST', '/api/v1/proposals', {
      title: `Resilience ${i}`,
      slug: `resilience-${i}`,
      proposedOn: '2000',
      proposers: [{ actor: 'proposer' }],
    });
    if (created.status !== 201) throw new Error(`could not create a proposal: ${JSON.stringify(created.body)}`);
    slugs.push(`resilience-${i}`);
  }
  return slugs;
}

/** Short timeouts, so that a database that does not answer is a fast 503. */
const FAIL_FAST = { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '2000' };

/** The proposals made and the writers started on them, against `base` (a function: it may move). */
async function underLoad(base: string | (() => string)) {
  const at = typeof base === 'string' ? () => base : base;
  const slugs = await prepare(at());
  const acknowledged: Acknowledged = { statements: [], transitions: new Map(slugs.map((s) => [s, []])) };
  return { acknowledged, load: writers(at, slugs, acknowledged) };
}

/** Every acknowledged write is there and whole; the history invariants hold; every write is audited. */
async function verify(base: string, url: string, acknowledged: Acknowledged): Promise<void> {
  for (const id of acknowledged.statements) {
    const statement = await call(base, 'GET', `/api/v1/statements/${id}`);
    expect({ id, status: statement.status }).toEqual({ id, status: 200 });
    counts.verified += 1;
  }
  for (const [slug, ids] of acknowledged.transitions) {
    const history = await call(base, 'GET', `/api/v1/proposals/${slug}/transitions`);
    const present = new Set((history.body.data as { id: string }[]).map((row) => row.id));
    for (const id of ids) {
      expect({ slug, id, present: present.has(id) }).toEqual({ slug, id, present: true });
      counts.verified += 1;
    }
  }
  expect(await historyViolations(url)).toEqual([]);
  const unaudited = await query(
    url,
    `SELECT s.id FROM statements s WHERE NOT EXISTS (
       SELECT 1 FROM audit_log l WHERE l.entity_type = 'statement' AND l.entity_id = s.id::text AND l.action = 'create')
     UNION ALL
     SELECT t.id FROM transitions t WHERE t.seq > 1 AND NOT EXISTS (
       SELECT 1 FROM audit_log l WHERE l.action = 'transition' AND l.after -> 'transition' ->> 'id' = t.id::text)`,
  );
  expect(unaudited).toEqual([]);
}

describe('resilience', () => {
  let pg: Postgres | undefined;
  let service: Service | undefined;
  afterEach(async () => {
    await Promise.all([...running].map((stop) => stop()));
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    await service?.exited;
    await pg?.remove();
    service = undefined;
    pg = undefined;
  });

  it('keeps every acknowledged write through kill -9, and half-writes nothing', async () => {
    pg = await ownPostgres();
    service = await startService({ DATABASE_URL: pg.url });
    let base = service.base;
    const { acknowledged, load } = await underLoad(() => base);
    await sleep(3000);
    service.child.kill('SIGKILL');
    counts.faults += 1;
    await service.exited;
    await load.stop();
    expect(acknowledged.statements.length).toBeGreaterThan(0);

    service = await startService({ DATABASE_URL: pg.url }, Number(new URL(base).port));
    base = service.base;
    await verify(base, pg.url, acknowledged);
    printCounts('crash');
  }, 120_000);

  it('keeps every acknowledged write when one of two instances is killed under load', async () => {
    pg = await ownPostgres();
    service = await startService({ DATABASE_URL: pg.url });
    const survivor = await startService({ DATABASE_URL: pg.url });
    try {
      // As a load balancer would: requests in turn to each instance still up.
      const up = [service.base, survivor.base];
      let turn = 0;
      const { acknowledged, load } = await underLoad(() => up[turn++ % up.length]);
      await sleep(3000);
      service.child.kill('SIGKILL');
      counts.faults += 1;
      await service.exited;
      up.splice(0, 1);
      const before = acknowledged.statements.length;
      await until(() => acknowledged.statements.length >= before + 40, 30_000);
      await load.stop();
      expect(before).toBeGreaterThan(0);
      await verify(survivor.base, pg.url, acknowledged);
      printCounts('one of two instances killed');
    } finally {
      survivor.child.kill('SIGKILL');
      await survivor.exited;
    }
  }, 120_000);

  it('answers 503 fast while PostgreSQL is down, stays up, recovers within 5 s, and loses nothing', async () => {
    pg = await ownPostgres();
    service = await startService({ DATABASE_URL: pg.url, ...FAIL_FAST });
    const base = service.base;
    const { acknowledged, load } = await underLoad(base);
    await sleep(1500);
    await pg.stop();
    counts.faults += 1;
    for (let i = 0; i < 10; i += 1) {
      const during = await call(base, 'GET', '/api/v1/proposals');
      expect(during.status).toBe(503);
      expect(during.contentType).toMatch(/^application\/problem\+json/);
      expect(during.ms).toBeLessThan(5000);
      expect((await call(base, 'GET', '/health')).status).toBe(200);
      expect((await call(base, 'GET', '/ready')).status).toBe(503);
      await sleep(100);
    }
    const restarted = Date.now();
    await pg.start();
    let recovered = 0;
    while (Date.now() - restarted < 15_000) {
      recovered = (await call(base, 'GET', '/api/v1/proposals')).status;
      if (recovered === 200) break;
      await sleep(100);
    }
    expect(recovered).toBe(200);
    expect(Date.now() - restarted).toBeLessThan(5000);
    await sleep(1000);
    await load.stop();
    expect(service.child.exitCode).toBeNull();
    await verify(base, pg.url, acknowledged);
    printCounts('outage');
  }, 120_000);

  it('fails fast while PostgreSQL hangs (SIGSTOP), and answers no 5xx but 503 once it goes on', async () => {
    pg = await ownPostgres();
    service = await startService({ DATABASE_URL: pg.url, ...FAIL_FAST });
    const base = service.base;
    const { acknowledged, load } = await underLoad(base);
    await sleep(1500);
    await pg.freeze();
    counts.faults += 1;
    try {
      for (let i = 0; i < 5; i += 1) {
        const during = await call(base, 'GET', '/api/v1/proposals', undefined, {}, 15_000);
        expect({ status: during.status, fast: during.ms < 5000 }).toEqual({ status: 503, fast: true });
        expect(during.contentType).toMatch(/^application\/problem\+json/);
        expect((await call(base, 'GET', '/health')).status).toBe(200);
      }
    } finally {
      await pg.thaw();
    }
    // Once it goes on: every answer a success or a 503 (never a 500 from a connection left inside
    // a failed transaction), and soon successes only.
    const after: number[] = [];
    const failures: string[] = [];
    const thawed = Date.now();
    while (Date.now() - thawed < 15_000) {
      const [read, write] = await Promise.all([
        call(base, 'GET', '/api/v1/proposals'),
        call(base, 'POST', '/api/v1/actors', {
          kind: 'state',
          name: `After the hang ${after.length}`,
          confirmNew: true,
        }),
      ]);
      after.push(read.status, write.status);
      for (const answer of [read, write]) {
        if (answer.status < 500 || answer.status === 503) continue;
        // The service's own log line for it, which names the cause.
        const id = String(answer.body.requestId);
        const logged = service
          .output()
          .split('\n')
          .filter((line) => line.includes(id));
        failures.push(`${answer.status} ${JSON.stringify(answer.body)} ${logged.join(' ')}`);
      }
      if (after.length >= 40 && after.slice(-10).every((status) => status < 300)) break;
    }
    expect(failures).toEqual([]);
    expect(after.slice(-10).every((status) => status < 300)).toBe(true);
    await load.stop();
    expect(service.child.exitCode).toBeNull();
    await verify(base, pg.url, acknowledged);
    printCounts('hung database');
  }, 120_000);

  it('cuts off bodies that trickle in: 401 at once without a token, 408 past REQUEST_TIMEOUT_MS with one', async () => {
    pg = await ownPostgres();
    service = await startService({ DATABASE_URL: pg.url, REQUEST_TIMEOUT_MS: '2000' });
    const { hostname, port } = new URL(service.base);
    const trickle = (token: string | undefined) =>
      new Promise<{ status: string; ms: number }>((resolve) => {
        const started = Date.now();
        const socket = net.connect(Number(port), hostname);
        let answer = '';
        let timer: NodeJS.Timeout | undefined;
        socket.on('connect', () => {
          socket.write(
            'POST /api/v1/actors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n' +
              (token === undefined ? '' : `Authorization: Bearer ${token}\r\n`) +
              '\r\n{',
          );
          timer = setInterval(() => socket.writable && socket.write(' '), 300);
        });
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ status: answer.split('\r\n')[0], ms: Date.now() - started });
        });
      });
    counts.faults += 1;
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => trickle(undefined)),
      ...Array.from({ length: 5 }, () => trickle(ADMIN_TOKEN)),
    ]);
    counts.requests += results.length;
    for (const result of results.slice(0, 5)) expect(result.status).toBe('HTTP/1.1 401 Unauthorized');
    for (const result of results.slice(5)) {
      expect(result.status).toBe('HTTP/1.1 408 Request Timeout');
      expect(result.ms).toBeLessThan(2000 + 5000);
    }
    for (const result of results) expect(result.ms).toBeLessThan(2000 + 5000);
    expect((await call(service.base, 'GET', '/health')).status).toBe(200);
    printCounts('slow bodies');
  }, 60_000);

  it('keeps the history whole under two instances, 16 clients, transitions, retractions and patches', async () => {
    pg = await ownPostgres();
    service = await startService({ DATABASE_URL: pg.url });
    const other = await startService({ DATABASE_URL: pg.url });
    try {
      const bases = [service.base, other.base];
      await call(bases[0], 'POST', '/api/v1/actors', { kind: 'state', name: 'Racer', slug: 'racer' });
      const slugs = ['race-a', 'race-b', 'race-c', 'race-d'];
      for (const slug of slugs) {
        await call(bases[0], 'POST', '/api/v1/proposals', {
          title: slug,
          slug,
          proposedOn: '2000',
          proposers: [{ actor: 'racer' }],
        });
      }
      const targets = ['floated', 'proposed', 'under_discussion', 'drafting', 'adopted', 'implementing', 'suspended'];
      const ok = { transitions: [] as string[], retractions: [] as string[], patches: new Map<string, number[]>() };
      let day = 0;
      const deadline = Date.now() + 20_000;
      const client = async (index: number) => {
        const base = bases[index % 2];
        while (Date.now() < deadline) {
          const slug = slugs[Math.floor(Math.random() * slugs.length)];
          const roll = Math.random();
          if (roll < 0.55) {
            day += 1;
            const to = targets[Math.floor(Math.random() * targets.length)];
            const occurredOn = new Date(Date.UTC(2001, 0, 1) + day * 3_600_000).toISOString().slice(0, 10);
            const moved = await call(base, 'POST', `/api/v1/proposals/${slug}/transitions`, {
              to,
              occurredOn,
              sources: [{ publisher: 'TASS' }],
            });
            expectStatus(moved, [201, 409]);
            if (moved.status === 201) ok.transitions.push(moved.body.id as string);
          } else if (roll < 0.75) {
            const history = await call(base, 'GET', `/api/v1/proposals/${slug}/transitions`);
            const standing = (history.body.data as { id: string; retracted: boolean }[]).filter(
              (row) => !row.retracted,
            );
            if (standing.length < 2) continue;
            const latest = standing[standing.length - 1].id;
            const retracted = await call(base, 'POST', `/api/v1/proposals/${slug}/transitions/${latest}/retract`, {
              reason: 'race',
            });
            expectStatus(retracted, [200, 409]);
            if (retracted.status === 200) ok.retractions.push(latest);
          } else {
            const current = await call(base, 'GET', `/api/v1/proposals/${slug}`);
            const patched = await call(
              base,
              'PATCH',
              `/api/v1/proposals/${slug}`,
              { summary: `client ${index}` },
              {
                'if-match': `"${String(current.body.version)}"`,
              },
            );
            expectStatus(patched, [200, 412]);
            if (patched.status === 200) {
              const versions = ok.patches.get(slug) ?? [];
              versions.push(patched.body.version as number);
              ok.patches.set(slug, versions);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, i) => client(i)));

      expect(await historyViolations(pg.url)).toEqual([]);
      const rows = await query<{ id: string; retracted: boolean }>(
        pg.url,
        `SELECT id::text, retracted_at IS NOT NULL AS retracted FROM transitions`,
      );
      const byId = new Map(rows.map((row) => [row.id, row.retracted]));
      for (const id of ok.transitions) expect(byId.has(id)).toBe(true);
      for (const id of ok.retractions) expect(byId.get(id)).toBe(true);
      counts.verified += ok.transitions.length + ok.retractions.length;
      for (const [slug, versions] of ok.patches) {
        expect({ slug, unique: new Set(versions).size }).toEqual({ slug, unique: versions.length });
      }
      const audited = await query<{ action: string; n: number }>(
        pg.url,
        `SELECT action, count(*)::int AS n FROM audit_log WHERE entity_type = 'proposal' GROUP BY action`,
      );
      const audit = Object.fromEntries(audited.map((row) => [row.action, row.n]));
      expect(audit).toMatchObject({
        create: slugs.length,
        transition: ok.transitions.length,
        retract: ok.retractions.length,
        update: [...ok.patches.values()].reduce((n, list) => n + list.length, 0),
      });
      printCounts('races');
    } finally {
      other.child.kill('SIGKILL');
      await other.exited;
    }
  }, 120_000);

  it('on SIGTERM under load finishes in-flight requests, refuses new ones, stops PostgreSQL and exits 0', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppt-shutdown-'));
    try {
      service = await startService({ DATA_DIR: dataDir });
      const base = service.base;
      const slugs = await prepare(base);
      const acknowledged: Acknowledged = { statements: [], transitions: new Map(slugs.map((s) => [s, []])) };
      const statuses: number[] = [];
      let reading = true;
      const readers = Array.from({ length: 4 }, async () => {
        while (reading)
          statuses.push((await call(base, 'GET', '/api/v1/proposals?limit=50', undefined, {}, 5000)).status);
      });
      const load = writers(() => base, slugs, acknowledged);
      await sleep(1500);
      service.child.kill('SIGTERM');
      counts.faults += 1;
      const started = Date.now();
      try {
        expect(await service.exited).toBe(0);
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        reading = false;
        await Promise.all(readers);
        await load.stop();
      }
      // Every answer was a success, a 503 while closing, or a refused connection once closed.
      expect(statuses.filter((status) => ![200, 503, 0].includes(status))).toEqual([]);
      expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

      service = await startService({ DATA_DIR: dataDir });
      for (const id of acknowledged.statements) {
        expect((await call(service.base, 'GET', `/api/v1/statements/${id}`)).status).toBe(200);
        counts.verified += 1;
      }
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      printCounts('shutdown');
    } finally {
      await removeDir(dataDir);
    }
  }, 120_000);
});
