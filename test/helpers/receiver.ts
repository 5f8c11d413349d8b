import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The path and query it was posted to: tell webhooks apart by their URLs. */
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  change: { id: string; type: string; proposal: string | null; summary: string; subject: { slug?: string } };
}

/** What the receiver does with one request: answer, hang, drop the connection, or redirect. */
export type Behaviour =
  { answer: number; body?: string | Buffer } | { hang: true } | { close: true } | { redirect: string };

/**
 * Verifies a Standard Webhooks signature without the library the service signs with:
 * `v1,` + base64 HMAC-SHA256 of "id.timestamp.body", keyed by the secret's base64 bytes.
 */
export function verifySignature(
  secret: string,
  delivery: Pick<Received, 'id' | 'timestamp' | 'body' | 'signature'>,
): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`).digest();
  return delivery.signature.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** A webhook receiver on 127.0.0.1 that records what it is sent and behaves as told. */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  behave: (next: (request: Received) => Behaviour) => void;
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  let behaviour: (request: Received) => Behaviour = () => ({ answer: 204 });
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const delivery: Received = {
        path: request.url ?? '',
        id: String(request.headers['webhook-id']),
        timestamp: String(request.headers['webhook-timestamp']),
        signature: String(request.headers['webhook-signature']),
        body,
        change: JSON.parse(body) as Received['change'],
      };
      received.push(delivery);
      const what = behaviour(delivery);
      if ('hang' in what) return;
      if ('close' in what) return request.socket.destroy();
      if ('redirect' in what) return response.writeHead(302, { location: what.redirect }).end();
      response.writeHead(what.answer).end(what.body);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    behave: (next) => (behaviour = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Waits until `done` holds: for an event (a delivery arriving, a log entry written), never for a
 * length of time; the bound only turns a lost event into a failure instead of a hang.
 */
export async function until(done: () => boolean | Promise<boolean>, boundMs = 20_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
