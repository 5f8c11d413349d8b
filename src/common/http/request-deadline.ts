import type { FastifyInstance } from 'fastify';
import { answerClientError } from './client-error.js';

/**
 * Bounds how long a request may take to arrive: a body still coming in `ms` after the request
 * began is cut off — answered 408 (problem+json) if nothing was answered yet, and its connection
 * closed. (Node's own `requestTimeout` lets a body that trickles in a byte at a time go on.)
 */
export function boundRequestTime(fastify: FastifyInstance, ms: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (!raw.complete) {
      const timer = setTimeout(() => {
        if (raw.complete) return;
        if (reply.raw.headersSent) raw.socket.destroy();
        else
          answerClientError(
            Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
            raw.socket,
          );
      }, ms);
      timer.unref();
      // The request's own events (it closes with its socket too): nothing stays on a kept-alive socket.
      const stop = () => {
        clearTimeout(timer);
        raw.off('end', stop);
        raw.off('close', stop);
      };
      raw.once('end', stop);
      raw.once('close', stop);
    }
    done();
  });
}
