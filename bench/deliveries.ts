import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';

/**
 * Webhook deliveries measured end to end: a receiver in the bench's process that answers 204 at
 * once and notes when each delivery arrived, a webhook registered on the service for it, and two
 * runs — changes written straight into the feed (how many deliveries a second the service makes),
 * and writes posted at a steady rate (how long from a write to its delivery).
 */
export interface DeliveryFigures {
  throughput: { changes: number; seconds: number; perSecond: number };
  latency: {
    rate: number;
    seconds: number;
    writes: number;
    /** From the write's answer (its commit came just before) to the delivery's arrival, ms. */
    fromAnswer: { p50: number; p99: number; max: number };
    /** From the change's recordedAt (its transaction's start: the write itself counted in), ms. */
    fromStart: { p50: number; p99: number; max: number };
  };
}

interface Arrival {
  subjectId: string;
  recordedAt: string;
  arrivedAt: number;
}

async function startFastReceiver(): Promise<{ url: string; arrivals: Arrival[]; close: () => Promise<void> }> {
  const arrivals: Arrival[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrivedAt = Date.now();
      const change = JSON.parse(Buffer.concat(chunks).toString()) as { recordedAt: string; subject: { id: string } };
      arrivals.push({ subjectId: change.subject.id, recordedAt: change.recordedAt, arrivedAt });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `count` deliveries have arrived (or `timeoutMs` passed); gives when the last came. */
async function arrived(arrivals: Arrival[], count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (arrivals.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${arrivals.length} of ${count} deliveries arrived`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Math.max(...arrivals.slice(0, count).map((arrival) => arrival.arrivedAt));
}

export async function measureDeliveries(options: {
  base: string;
  databaseUrl: string;
  token: string;
  seconds: number;
  /** Changes written straight into the feed for the throughput run. */
  changes: number;
  /** Writes per second for the latency run. */
  rate: number;
  /** One write; its answer's `id` is its change's subject's. */
  write: () => { path: string; body: unknown };
  log: (line: string) => void;
}): Promise<DeliveryFigures> {
  const receiver = await startFastReceiver();
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const created = await fetch(`${options.base}/api/v1/webhooks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: receiver.url, description: 'bench receiver' }),
  });
  if (created.status !== 201) throw new Error(`POST /webhooks → ${created.status}: ${await created.text()}`);
  const { id: webhookId } = (await created.json()) as { id: string };
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  try {
    // Throughput: a batch of changes committed at once, as many writes committing together leave
    // them; timed from the commit to the last delivery's arrival.
    const started = Date.now();
    await pool.query(
      `WITH made AS (
         INSERT INTO changes (xid, type, subject_type, subject_id, summary, data)
         SELECT pg_current_xact_id()::text::bigint, 'source.recorded', 'source', gen_random_uuid()::text,
                'Bench change ' || n, json_build_object('n', n)
           FROM generate_series(1, $1::int) AS n RETURNING 1)
       SELECT pg_notify('ppt_changes', '') FROM (SELECT count(*) FROM made) counted`,
      [options.changes],
    );
    const last = await arrived(receiver.arrivals, options.changes, 300_000);
    const seconds = (last - started) / 1000;
    const throughput = {
      changes: options.changes,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round(options.changes / seconds),
    };
    options.log(`webhook deliveries: ${throughput.changes} in ${throughput.seconds} s, ${throughput.perSecond}/s`);

    // Latency: writes posted at a steady rate; each delivery's arrival less when its write was
    // answered, and less its change's recordedAt.
    receiver.arrivals.length = 0;
    const answered = new Map<string, number>();
    const result = await autocannon({
      url: options.base,
      connections: 20,
      overallRate: options.rate,
      duration: options.seconds,
      headers,
      requests: [
        {
          setupRequest: (request) => {
            const next = options.write();
            return { ...request, method: 'POST', path: next.path, body: JSON.stringify(next.body) };
          },
          onResponse: (status, body) => {
            if (status === 201) answered.set((JSON.parse(body) as { id: string }).id, Date.now());
          },
        },
      ],
    });
    const writes = result['2xx'];
    await arrived(receiver.arrivals, writes, 120_000);
    const percentiles = (delays: number[]) => {
      delays.sort((a, b) => a - b);
      const at = (fraction: number): number =>
        delays[Math.min(delays.length - 1, Math.floor(delays.length * fraction))];
      return { p50: at(0.5), p99: at(0.99), max: delays[delays.length - 1] };
    };
    const latency = {
      rate: Math.round(writes / options.seconds),
      seconds: options.seconds,
      writes,
      fromAnswer: percentiles(
        receiver.arrivals.flatMap(({ subjectId, arrivedAt }) => {
          const at = answered.get(subjectId);
          return at === undefined ? [] : [Math.max(0, arrivedAt - at)];
        }),
      ),
      fromStart: percentiles(receiver.arrivals.map(({ arrivedAt, recordedAt }) => arrivedAt - Date.parse(recordedAt))),
    };
    options.log(
      `commit-to-delivery at ${latency.rate} writes/s (${writes} written, ${result.non2xx} refused): ` +
        `from the answer p50 ${latency.fromAnswer.p50} ms, p99 ${latency.fromAnswer.p99} ms, max ${latency.fromAnswer.max} ms; ` +
        `from the transaction's start p50 ${latency.fromStart.p50} ms, p99 ${latency.fromStart.p99} ms`,
    );
    return { throughput, latency };
  } finally {
    await fetch(`${options.base}/api/v1/webhooks/${webhookId}`, { method: 'DELETE', headers }).catch(() => undefined);
    await pool.end();
    await receiver.close();
  }
}
