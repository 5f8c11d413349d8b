import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { makeProblem, PROBLEM_CONTENT_TYPE, type Problem } from '../errors/problem.js';

/** The problem for a request Node's HTTP parser could not read, before Fastify ever sees it. */
export function clientErrorProblem(error: NodeJS.ErrnoException): Problem {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return makeProblem(408, 'bad_request', 'The request was not received in time.');
    case 'HPE_HEADER_OVERFLOW':
      return makeProblem(431, 'bad_request', 'The request headers are larger than the server accepts.');
    case 'HPE_INVALID_URL':
      return makeProblem(
        400,
        'bad_request',
        'The URL holds a character that must be percent-encoded (a non-ASCII letter, a space, …): ' +
          'send ?q=%D0%A1%D0%92%D0%9C%D0%94%D0%90, not ?q=СВМДА (encodeURIComponent, or curl -G --data-urlencode).',
      );
    default:
      return makeProblem(400, 'bad_request', 'The request could not be parsed as HTTP/1.1.');
  }
}

/**
 * Fastify's `clientErrorHandler`: answers a request the HTTP parser refused with problem+json like
 * every other error (Fastify's own answer is a bare `{"error":"Bad Request"}`), then closes the
 * connection, as Node does.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const requestId = randomUUID();
    const problem = { ...clientErrorProblem(error), requestId };
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
