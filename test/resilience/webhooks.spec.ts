import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../helpers/receiver.js';
import {
  call,
  counts,
  expectStatus,
  ownPostgres,
  type Postgres,
  printCounts,
  query,
  type Service,
  sleep,
  startService,
} from './harness.js';

/** A receiver that takes every delivery, on a port of the test's choosing, and can be taken down. */
class Receiver {
  readonly ids = new Map<string, number>();
  bad = 0;
  private server: Server | undefined;

  constructor(
    private readonly secret: () => string,
    public port = 0,
  ) {}

  async up(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const delivery = {
          id: String(request.headers['webhook-id']),
          timestamp: String(request.headers['webhook-timestamp']),
          signature: String(request.headers['webhook-signature']),
          body,
        };
        if (!verifySignature(this.secret(), delivery)) this.bad += 1;
        this.ids.set(delivery.id, (this.ids.get(delivery.id) ?? 0) + 1);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Waits for an event with a generous bound (a retry may come due a minute after the fault ends). */
async function eventually(done: () => boolean | Promise<boolean>, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(200);
  }
}

const ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_MS: '2000' };

describe('webhook deliveries under faults', () => {
  let pg: Postgres | undefined;
  let service: Service | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    await service?.exited;
    await receiver?.down();
    await pg?.remove();
    service = undefined;
    pg = undefined;
  });

  /** Registers a webhook for new actors at the receiver, then makes `n` of them; their change ids. */
  async function setUp(
    n: number,
    onSecret: (secret: string) => void,
  ): Promise<{ secret: string; changeIds: () => Promise<string[]> }> {
    const base = (service as Service).base;
    const registered = await call(base, 'POST', '/api/v1/webhooks', {
      url: `http://127.0.0.1:${receiver!.port}/hook`,
      types: ['actor.created'],
    });
    expectStatus(registered, [201]);
    // Known to the receiver before the first delivery can arrive.
    onSecret(String(registered.body.secret));
    for (let i = 0; i < n; i += 1) {
      expectStatus(
        await call(base, 'POST', '/api/v1/actors', { kind: 'organization', name: `Delivered org ${i}` }),
        [201],
      );
    }
    return {
      secret: String(registered.body.secret),
      changeIds: async () =>
        (await query<{ id: string }>(pg!.url, `SELECT id::text AS id FROM changes WHERE type = 'actor.created'`)).map(
          (row) => row.id,
        ),
    };
  }

  const failedAttempts = async (): Promise<number> =>
    (
      await query<{ n: number }>(pg!.url, `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'failed'`)
    )[0].n;

  it('delivers every change pending at a kill -9, once the service is back', async () => {
    pg = await ownPostgres();
    let secret = '';
    receiver = new Receiver(() => secret);
    // Taken down before the service knows it: every first attempt fails.
    await receiver.up();
    await receiver.down();
    service = await startService({ DATABASE_URL: pg.url, ...ENV });
    const setup = await setUp(20, (given) => (secret = given));
    await eventually(async () => (await failedAttempts()) >= 20, 60_000);

    service.child.kill('SIGKILL');
    counts.faults += 1;
    await service.exited;
    await receiver.up();
    service = await startService({ DATABASE_URL: pg.url, ...ENV }, Number(new URL(service.base).port));
    const expected = await setup.changeIds();
    expect(expected).toHaveLength(20);
    await eventually(() => expected.every((id) => receiver!.ids.has(id)), 120_000);
    expect(receiver.bad).toBe(0);
    counts.verified += expected.length;
    printCounts('webhooks after kill -9');
  }, 240_000);

  it('delivers everything written while the receiver was down for a minute, and while PostgreSQL was', async () => {
    pg = await ownPostgres();
    let secret = '';
    receiver = new Receiver(() => secret);
    await receiver.up();
    service = await startService({
      DATABASE_URL: pg.url,
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      ...ENV,
    });
    const base = service.base;
    const setup = await setUp(5, (given) => (secret = given));
    await eventually(() => receiver!.ids.size >= 5, 30_000);

    await receiver.down();
    counts.faults += 1;
    const downUntil = Date.now() + 60_000;
    let made = 5;
    while (Date.now() < downUntil) {
      expectStatus(
        await call(base, 'POST', '/api/v1/actors', { kind: 'organization', name: `Written while down ${made}` }),
        [201],
      );
      made += 1;
      await sleep(2000);
    }
    // And PostgreSQL goes away for a few seconds with those deliveries pending.
    await pg.stop();
    counts.faults += 1;
    await sleep(5000);
    await pg.start();
    await receiver.up();

    const expected = await setup.changeIds();
    expect(expected).toHaveLength(made);
    await eventually(() => expected.every((id) => receiver!.ids.has(id)), 150_000);
    expect(receiver.bad).toBe(0);
    expect(await failedAttempts()).toBeGreaterThan(0);
    counts.verified += expected.length;
    printCounts('webhooks through a receiver and a database outage');
  }, 360_000);
});
