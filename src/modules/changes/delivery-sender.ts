import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { guardedLookup, isPublicAddress } from './ssrf-guard.js';

/** The most of a receiver's answer read (and kept as the error of a failed delivery). */
const MAX_ANSWER_BYTES = 8 * 1024;

export interface DeliveryOutcome {
  ok: boolean;
  /** The receiver's status code, when it answered. */
  status: number | null;
  durationMs: number;
  /** What went wrong: the receiver's status and the start of its answer, or the network error. */
  error: string | null;
}

/** A new signing secret, in the Standard Webhooks form: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Posts deliveries as the Standard Webhooks specification says — `webhook-id` (the change's id,
 * the same on every retry), `webhook-timestamp` and `webhook-signature` (standardwebhooks'
 * HMAC-SHA256 of "id.timestamp.body") — through a keep-alive pool whose DNS lookups refuse
 * private addresses. Bounded: one timeout over the whole exchange, redirects not followed, at
 * most a few KiB of the answer read.
 */
export class DeliverySender {
  private readonly agent: Agent;

  constructor(private readonly options: { allowPrivate: boolean; timeoutMs: number; connections: number }) {
    this.agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 10_000,
      connect: { lookup: guardedLookup(options.allowPrivate), timeout: options.timeoutMs },
    });
  }

  async send(delivery: { url: string; secret: string; id: string; body: string }): Promise<DeliveryOutcome> {
    const began = performance.now();
    const elapsed = (): number => Math.round(performance.now() - began);
    const host = new URL(delivery.url).hostname.replace(/^\[|\]$/g, '');
    // An address written in the URL is never looked up: check it here.
    if (!this.options.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
      return { ok: false, status: null, durationMs: 0, error: `${host} is a private address` };
    }
    const timestamp = new Date();
    const signature = new Webhook(delivery.secret).sign(delivery.id, timestamp, delivery.body);
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const answer = await request(delivery.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'policy-proposal-tracker-webhooks/1',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: delivery.body,
        signal,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const text = await readSome(answer.body, MAX_ANSWER_BYTES);
      const ok = answer.statusCode >= 200 && answer.statusCode < 300;
      return {
        ok,
        status: answer.statusCode,
        durationMs: elapsed(),
        error: ok ? null : `HTTP ${answer.statusCode}${text ? `: ${text}` : ''}`,
      };
    } catch (error) {
      const problem = signal.aborted ? `timed out after ${this.options.timeoutMs} ms` : describe(error);
      return { ok: false, status: null, durationMs: elapsed(), error: problem };
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

/** At most `limit` bytes of a body, as text; the rest is not read (the connection is dropped). */
async function readSome(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 500);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause.message : '';
  return inner && !error.message.includes(inner) ? `${error.message}: ${inner}` : error.message;
}
