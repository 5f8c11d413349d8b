import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ProblemDto, PROBLEM_CONTENT_TYPE } from '../errors/problem.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, a field failing validation, an unknown field or a bad query parameter',
  401: 'No token, or an unknown, revoked or deactivated one',
  403: 'The role is too low for this route',
  404: 'The resource in the path does not exist',
  409: 'Conflicts with the current state (see the problem type)',
  412: 'If-Match or version does not match the current version',
  413: 'The body is over 1 MiB',
  415: 'The body is not application/json',
  422: 'The body names something that does not exist',
  428: 'Neither If-Match nor version was sent',
  429: 'Over the rate limit; retry after the Retry-After seconds',
  503: 'The database is unreachable; retry after the Retry-After seconds',
};

/** Documents the problem+json responses a route can give, besides 401/503 which all share. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([...statuses, 503])].sort();
  return applyDecorators(
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      }),
    ),
  );
}

/** A route behind a token: bearer auth plus 401, 403 and 429 in the docs. */
export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiProblems(401, 403, 429));
}

export { ProblemDto };
