import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startReceiver, until } from '../helpers/receiver.js';
import { itWith } from '../helpers/service.js';
import {
  ADMIN_TOKEN,
  call,
  counts,
  expectStatus,
  ownPostgres,
  type Postgres,
  printCounts,
  query,
  type Service,
  startService,
} from './harness.js';

/** The allowance per minute the rate-limit test gives each caller. */
const LIMIT = 20;

/** A new staff user made through `base`: their token. */
async function newStaff(base: string, name: string): Promise<string> {
  const created = await call(base, 'POST', '/api/v1/users', { name, role: 'staff' });
  expectStatus(created, [201]);
  return String(created.body.token);
}

/** `n` reads by `token`, sent to the instances in turn, one after another: their statuses, counted. */
async function reads(bases: string[], token: string, n: number): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  for (let i = 0; i < n; i += 1) {
    const answer = await call(bases[i % bases.length], 'GET', '/api/v1/proposals?limit=1', undefined, {
      authorization: `Bearer ${token}`,
    });
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  }
  return statuses;
}

describe('several instances on one database, with Redis counting the rate limit', () => {
  let pg: Postgres;
  let redis: RedisServer;
  const services: Service[] = [];
  const start = async (env: Record<string, string> = {}): Promise<Service> => {
    const service = await startService({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      ...env,
    });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    pg = await ownPostgres();
  });
  afterEach(async () => {
    for (const service of services) if (service.child.exitCode === null) service.child.kill('SIGKILL');
    await Promise.all(services.map((service) => service.exited));
    services.length = 0;
    await redis?.stop();
  });
  afterAll(async () => {
    await pg?.remove();
  });

  itWith('redis-server')(
    'counts each caller’s allowance across instances, and serves on, uncounted, while Redis is down',
    async () => {
      redis = await startRedis();
      const limited = { RATE_LIMIT_PER_MINUTE: String(LIMIT) };
      const [a, b] = [await start(limited), await start(limited)];
      const bases = [a.base, b.base];

      // One allowance for both: each instance alone would have let all of them through.
      const shared = await reads(bases, await newStaff(a.base, 'counted.across'), LIMIT + 10);
      expect(shared).toEqual({ 200: LIMIT, 429: 10 });

      // Redis gone: a warning, and every request served, uncounted; both instances stay ready.
      await redis.stop();
      counts.faults += 1;
      await until(() => a.output().includes('Redis unreachable') && b.output().includes('Redis unreachable'), 20_000);
      const open = await reads(bases, await newStaff(a.base, 'uncounted'), LIMIT + 10);
      expect(open).toEqual({ 200: LIMIT + 10 });
      for (const base of bases) expectStatus(await call(base, 'GET', '/ready'), [200]);

      // Redis back: counted again, across both.
      const counting = (service: Service) => service.output().split('rate limit counted in Redis').length - 1;
      await redis.start();
      await until(() => counting(a) >= 2 && counting(b) >= 2, 20_000);
      const again = await reads(bases, await newStaff(b.base, 'counted.again'), LIMIT + 5);
      expect(again).toEqual({ 200: LIMIT, 429: 5 });
      printCounts('shared rate limit');
    },
    120_000,
  );

  itWith('redis-server')(
    'honours a token revoked through one instance on the other, and makes each webhook delivery once',
    async () => {
      redis = await startRedis();
      const [a, b] = [await start(), await start()];

      // Revoked through A, after B has found it valid (and remembered it): B refuses it too.
      const created = await call(a.base, 'POST', '/api/v1/users', { name: 'revoked.elsewhere', role: 'staff' });
      expectStatus(created, [201]);
      const asUser = { authorization: `Bearer ${String(created.body.token)}` };
      for (let i = 0; i < 3; i += 1) expectStatus(await call(b.base, 'GET', '/api/v1/me', undefined, asUser), [200]);
      const user = created.body.user as { id: string };
      const revoked = await fetch(`${a.base}/api/v1/users/${user.id}/tokens/${String(created.body.tokenId)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(revoked.status).toBe(204);
      counts.faults += 1;
      // The notice crosses over as fast as PostgreSQL delivers it; the bound is below the 10 s a
      // remembered token may live, so only the notice can make B refuse it in time.
      await until(async () => (await call(b.base, 'GET', '/api/v1/me', undefined, asUser)).status === 401, 5000);
      for (const base of [a.base, b.base]) {
        expectStatus(await call(base, 'GET', '/api/v1/me', undefined, asUser), [401]);
      }

      // Changes written through both instances, each dispatcher running: one delivery each.
      const receiver = await startReceiver();
      try {
        const registered = await call(a.base, 'POST', '/api/v1/webhooks', {
          url: receiver.url,
          types: ['actor.created'],
        });
        expectStatus(registered, [201]);
        const n = 40;
        await Promise.all(
          Array.from({ length: n }, async (_, i) =>
            expectStatus(
              await call([a.base, b.base][i % 2], 'POST', '/api/v1/actors', {
                kind: 'organization',
                name: `Delivered once ${i}`,
              }),
              [201],
            ),
          ),
        );
        const changes = (
          await query<{ id: string }>(pg.url, `SELECT id::text AS id FROM changes WHERE type = 'actor.created'`)
        ).map((row) => row.id);
        expect(changes).toHaveLength(n);
        const delivered = () => new Set(receiver.received.map((delivery) => delivery.change.id));
        await until(() => changes.every((id) => delivered().has(id)), 60_000);
        // Each attempt is logged once its answer is in: after the receiver has the delivery.
        const logged = async () =>
          (await query<{ n: number }>(pg.url, `SELECT count(*)::int AS n FROM webhook_deliveries`))[0].n;
        await until(async () => (await logged()) >= n, 20_000);
        const attempts = await query<{ change: string; n: number }>(
          pg.url,
          `SELECT change_id::text AS change, count(*)::int AS n FROM webhook_deliveries GROUP BY change_id`,
        );
        expect(attempts.filter((row) => row.n !== 1)).toEqual([]);
        expect(attempts).toHaveLength(n);
        // Every delivery that reached the receiver was one of those attempts.
        expect(receiver.received.map((delivery) => delivery.change.id).sort()).toEqual([...changes].sort());
        counts.verified += n;
      } finally {
        await receiver.close();
      }
      printCounts('two instances: revocation, deliveries');
    },
    120_000,
  );
});
