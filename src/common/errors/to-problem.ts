import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorCode } from './domain-error.js';
import { makeProblem, type Problem } from './problem.js';

function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'slug_taken':
    case 'conflict':
    case 'transition_refused':
    case 'status_mismatch':
    case 'out_of_order':
    case 'retraction_refused':
    case 'idempotency_in_flight':
    case 'likely_duplicate':
      return 409;
    case 'precondition_failed':
      return 412;
    case 'unprocessable':
    case 'source_required':
    case 'idempotency_mismatch':
      return 422;
    case 'precondition_required':
      return 428;
    case 'rate_limited':
      return 429;
    case 'database_unavailable':
      return 503;
  }
}

/** SQLSTATEs and driver messages that mean "the database cannot answer now", not "a bug". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0)|^57014$|^40001$|^40P01$|^55P03$/;
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Connection terminated due to connection timeout|the database system is (starting up|shutting down)|Client has encountered a connection error|terminating connection|Query read timeout|Cannot use a pool after calling end/i;

interface DriverError {
  code?: string;
  message?: string;
  driverError?: { code?: string; message?: string };
}

const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * Whether `error` means the database cannot answer now. Checked by shape, not `instanceof`:
 * socket errors come from Node's own realm, and a refused connection may be an AggregateError
 * with an empty message and only a `code`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as DriverError;
  const code = e.driverError?.code ?? e.code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_ERRNO.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE.test(code)) return true;
  }
  return (
    UNAVAILABLE_MESSAGE.test(String(e.message ?? '')) || UNAVAILABLE_MESSAGE.test(String(e.driverError?.message ?? ''))
  );
}

/** Errors raised by Fastify itself while reading a request, before a route handler runs. */
interface FastifyError extends Error {
  code: string;
  statusCode?: number;
}

function isFastifyError(error: unknown): error is FastifyError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as FastifyError).code === 'string' &&
    /^(FST|PPT)_/.test((error as FastifyError).code)
  );
}

function fastifyProblem(error: FastifyError): Problem {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return makeProblem(
        413,
        'body_too_large',
        'The request body is larger than the route takes: 1 MiB (50 MiB for an import).',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return makeProblem(415, 'unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return makeProblem(400, 'malformed_json', 'The body is not valid JSON.');
    case 'PPT_JSON_TOO_DEEP':
      return makeProblem(400, 'malformed_json', error.message);
    case 'PPT_JSON_TOO_LONG':
    case 'PPT_NOT_UNICODE':
      return makeProblem(400, 'bad_request', error.message);
    case 'PPT_NUL_CHARACTER':
      return makeProblem(400, 'bad_request', error.message);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Longer than any slug or id: it names nothing that exists.
      return makeProblem(404, 'not_found', 'No such resource: a path segment is longer than any identifier.');
    case 'FST_ERR_BAD_URL':
      return makeProblem(400, 'bad_request', 'The URL is not valid.');
    default: {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      return makeProblem(status, 'bad_request', 'The request could not be read.');
    }
  }
}

function httpExceptionProblem(exception: HttpException): Problem {
  const status: number = exception.getStatus();
  switch (status) {
    case 404:
      return makeProblem(404, 'not_found', 'No such route.');
    case 413:
      return makeProblem(
        413,
        'body_too_large',
        'The request body is larger than the route takes: 1 MiB (50 MiB for an import).',
      );
    case 415:
      return makeProblem(415, 'unsupported_media_type', 'Send the body as application/json.');
    case 503: {
      // Terminus reports a failed readiness check this way, with the state of each check.
      // Only each check's up/down: the indicators' messages name hosts and ports.
      const details = (exception.getResponse() as { details?: Record<string, { status?: unknown }> })?.details ?? {};
      const checks = Object.fromEntries(
        Object.entries(details).map(([name, check]) => [name, { status: check?.status }]),
      );
      return makeProblem(503, 'not_ready', 'Not ready: the database does not answer or migrations are pending.', {
        checks,
      });
    }
    default: {
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? String(response.message)
          : exception.message;
      return makeProblem(
        status,
        status >= 500 ? 'internal' : 'bad_request',
        status >= 500 ? 'Something went wrong on our side.' : message,
      );
    }
  }
}

/** A JSON body that JSON.parse rejected (Fastify reports it as a SyntaxError with statusCode 400). */
function isMalformedJson(error: unknown): boolean {
  return error instanceof SyntaxError && (error as SyntaxError & { statusCode?: number }).statusCode === 400;
}

export interface ProblemOutcome {
  problem: Problem;
  /** Unexpected failures are logged with their stack; expected ones are not. */
  unexpected: boolean;
}

/** Turns anything thrown while serving a request into problem details. */
export function toProblem(error: unknown): ProblemOutcome {
  if (error instanceof DomainError) {
    const extra: Partial<Problem> = { ...error.extensions };
    if (error.errors) extra.errors = error.errors;
    return { problem: makeProblem(statusOf(error.code), error.code, error.message, extra), unexpected: false };
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own request errors (bad JSON, too large, …); answer for the cause.
    const cause = error.cause;
    if (isFastifyError(cause)) return { problem: fastifyProblem(cause), unexpected: false };
    if (isMalformedJson(cause)) {
      return { problem: makeProblem(400, 'malformed_json', 'The body is not valid JSON.'), unexpected: false };
    }
    const problem = httpExceptionProblem(error);
    return { problem, unexpected: problem.status >= 500 && problem.status !== 503 };
  }
  if (isFastifyError(error)) return { problem: fastifyProblem(error), unexpected: false };
  if (isMalformedJson(error)) {
    return { problem: makeProblem(400, 'malformed_json', 'The body is not valid JSON.'), unexpected: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: makeProblem(503, 'database_unavailable', 'The database is not answering; retry shortly.'),
      unexpected: false,
    };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { problem: makeProblem(status, 'bad_request', 'The request could not be read.'), unexpected: false };
  }
  return {
    problem: makeProblem(500, 'internal', 'Something went wrong on our side; quote the request id when reporting it.'),
    unexpected: true,
  };
}
